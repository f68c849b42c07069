// Soak test: `npm run soak -- --minutes 30`. CI runs a few seconds of it (test/scripts/soak.test.ts)
// so the tool keeps working; the long run is by hand.
//
// Starts the sandbox and the app as a child process (`node --import tsx src/main.ts`, HTTP mode, a
// temp database), drives simulated traffic for the given time, and samples the app's resident
// memory (VmRSS in /proc/<pid>/status) and open file descriptors (entries of /proc/<pid>/fd) every
// 10 s. At the end it prints the samples and a verdict: did either grow over the second half of the
// run (least-squares slope, against a tolerance)?
//
// The traffic, in cycles: open a round by command (`survey now`), every member answers through the
// DM button and the modal (some click twice), some open their Home, people run read-only commands
// and exports, a few malformed and forged requests arrive, then the round is closed by command
// (`survey close`), which posts digests and charts. The app has no fast-clock hook reachable from
// a child process (startApp's `clock` option is for tests), so rounds are driven by these commands
// rather than by schedule ticks; the scheduler still runs its real once-a-minute tick.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Sandbox } from '../src/sandbox/sandbox.js';

const SAMPLE_EVERY_MS = 10_000;
/**
 * Growth is judged on the second half of the run (after warm-up): the least-squares slope times
 * that half's length, so sampling noise (GC, connections opening and closing) is not a trend. A
 * leak of 1 MB or 1 handle a minute shows in a 30-minute run; a 3-minute run is a smoke check.
 */
const RSS_TOLERANCE_MB = 10;
const RSS_TOLERANCE_SHARE = 0.05;
const FD_TOLERANCE = 5;

const SIGNING_SECRET = 'soak-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-soak-token';
const ADMIN = 'UADMIN';
const TEAMS = ['Fraud', 'Search'] as const;
const MEMBERS_PER_TEAM = 20;
const CHANNELS = [
  { id: 'C0LEADS', name: 'ml-leads' },
  { id: 'C0ORG', name: 'org-all' },
];

export interface Sample {
  at: number;
  rssMb: number;
  fds: number;
  rounds: number;
  requests: number;
}

export interface Counters {
  rounds: number;
  requests: number;
  errors: string[];
}

function parseMinutes(argv: string[]): number {
  const i = argv.indexOf('--minutes');
  if (i === -1) return 30;
  const minutes = Number(argv[i + 1]);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    console.error(`--minutes takes a positive number, not ${argv[i + 1] ?? 'nothing'}`);
    process.exit(2);
  }
  return minutes;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startApp(env: Record<string, string>, port: number, logFile: string): Promise<ChildProcess> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited during start-up; see ${logFile}`);
    if (Date.now() - started > 30_000)
      throw new Error(`the app did not answer /healthz within 30 s; see ${logFile}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
}

function sample(pid: number, counters: Counters, startedAt: number): Sample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return {
    at: (Date.now() - startedAt) / 1000,
    rssMb: rssKb / 1024,
    fds: fs.readdirSync(`/proc/${pid}/fd`).length,
    rounds: counters.rounds,
    requests: counters.requests,
  };
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const bucket = () => pick(['0', '5', '10', '20', '30'] as const);

/** One round of one team: open, everyone answers, reads and noise, close. */
async function cycle(sandbox: Sandbox, team: string, members: string[], counters: Counters): Promise<void> {
  const command = async (user: string, text: string) => {
    counters.requests += 1;
    try {
      // What the person sees first: the reply in the ack (commands answered from the database)
      // or the one at the response_url (commands that call Slack first).
      return await (await sandbox.command(user, text)).answer(15_000);
    } catch (error) {
      counters.errors.push(`/tooth-tail ${text} as ${user}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const before = new Map(members.map((id) => [id, sandbox.dm(id).length]));
  const opened = await command(ADMIN, `survey now ${team}`);
  if (!opened || !/^Opened/.test(opened.text)) {
    counters.errors.push(`survey now ${team}: ${opened?.text ?? 'no reply'}`);
    return;
  }
  await sandbox.waitFor(
    () => members.every((id) => sandbox.dm(id).length > (before.get(id) ?? 0)),
    30_000,
    `every ${team} check-in DM`,
  );
  await Promise.all(
    members.map(async (id, i) => {
      const dm = sandbox.dm(id)[before.get(id) ?? 0];
      if (!dm) return;
      try {
        const clicks = i % 5 === 0 ? 2 : 1; // some people double-click
        await Promise.all(
          Array.from({ length: clicks }, () =>
            sandbox.clickButton(id, { channel: id, ts: dm.ts }, 'check_in_answer'),
          ),
        );
        counters.requests += clicks;
        await sandbox.waitFor(() => sandbox.openViews(id).at(-1), 10_000, `a modal for ${id}`);
        const answers: Record<string, string> =
          i % 4 === 3
            ? { rewrite_pct: bucket(), support_pct: bucket(), platform_pct: bucket() }
            : {
                waiting_pct: bucket(),
                infra_pct: bucket(),
                path_to_prod: pick(['self-serve', 'rewrite', 'paired', 'diy-infra']),
              };
        await sandbox.fillAndSubmit(id, {
          ...answers,
          ...(i % 3 === 0 ? { blocker: `soak note ${i} ✓ ünïcode` } : {}),
        });
        counters.requests += 1;
        if (i % 7 === 0) {
          await sandbox.openHome(id);
          counters.requests += 1;
        }
      } catch (error) {
        counters.errors.push(`${id} answering: ${(error as Error).message}`);
      }
    }),
  );
  const reader = pick(members);
  for (const text of [
    'help',
    'teams',
    `summary ${team}`,
    'ratio',
    'subscriptions',
    'nonsense "quoted',
    `export ${team}`,
  ]) {
    await command(pick([reader, ADMIN]), text);
  }
  // Noise the app must refuse or shrug off: a forged signature and a garbage interaction.
  counters.requests += 2;
  await sandbox.sendSigned('payload=%7Bnot%20json', 'application/x-www-form-urlencoded', {
    secret: 'forged',
  });
  await sandbox.sendSigned('payload=%7Bnot%20json', 'application/x-www-form-urlencoded');
  const closed = await command(ADMIN, `survey close ${team}`);
  if (!closed || !/^Closed/.test(closed.text))
    counters.errors.push(`survey close ${team}: ${closed?.text ?? 'no reply'}`);
  else counters.rounds += 1;
}

/** Prints the samples and figures; returns whether the run passed. */
function report(result: SoakResult): boolean {
  const { samples, counters, minutes } = result;
  console.log('\n  t (s)   RSS (MB)   fds   rounds   requests');
  for (const s of samples) {
    console.log(
      `${s.at.toFixed(0).padStart(7)} ${s.rssMb.toFixed(1).padStart(10)} ${String(s.fds).padStart(5)} ${String(s.rounds).padStart(8)} ${String(s.requests).padStart(10)}`,
    );
  }
  const secondHalf = samples.filter((s) => s.at >= (minutes * 60) / 2);
  const halfMinutes = ((secondHalf.at(-1)?.at ?? 0) - (secondHalf[0]?.at ?? 0)) / 60;
  const rssSlope = slope(secondHalf.map((s) => [s.at / 60, s.rssMb]));
  const fdSlope = slope(secondHalf.map((s) => [s.at / 60, s.fds]));
  const rss = samples.map((s) => s.rssMb);
  const fds = samples.map((s) => s.fds);
  const meanRss = secondHalf.reduce((sum, s) => sum + s.rssMb, 0) / Math.max(1, secondHalf.length);
  const rssLimit = Math.max(RSS_TOLERANCE_MB, RSS_TOLERANCE_SHARE * meanRss);
  const rssGrew = rssSlope * halfMinutes > rssLimit;
  const fdsGrew = fdSlope * halfMinutes > FD_TOLERANCE;
  console.log(
    `\nRSS: ${Math.min(...rss).toFixed(1)}–${Math.max(...rss).toFixed(1)} MB; second half: slope ${rssSlope.toFixed(2)} MB/min, ` +
      `${(rssSlope * halfMinutes).toFixed(1)} MB over ${halfMinutes.toFixed(1)} min (tolerance ${rssLimit.toFixed(1)}) → ${rssGrew ? 'GREW' : 'flat'}`,
  );
  console.log(
    `fds: ${Math.min(...fds)}–${Math.max(...fds)}; second half: slope ${fdSlope.toFixed(2)}/min, ` +
      `${(fdSlope * halfMinutes).toFixed(1)} over ${halfMinutes.toFixed(1)} min (tolerance ${FD_TOLERANCE}) → ${fdsGrew ? 'GREW' : 'flat'}`,
  );
  console.log(`${counters.rounds} rounds, ${counters.requests} requests, ${counters.errors.length} errors`);
  for (const error of counters.errors.slice(0, 10)) console.log(`  error: ${error}`);
  const ok = !rssGrew && !fdsGrew && counters.errors.length === 0;
  console.log(`verdict: ${ok ? 'PASS: no growth in memory or open handles, no errors' : 'FAIL'}`);
  return ok;
}

export interface SoakResult {
  minutes: number;
  samples: Sample[];
  counters: Counters;
  /** The app's exit code after SIGTERM at the end (0 when it stopped cleanly). */
  exitCode: number | null;
  /** Where the database and the app's log are. */
  dir: string;
  logFile: string;
}

/**
 * Runs the soak for `minutes`: the sandbox and the app as a child process, traffic in cycles,
 * samples every `sampleEveryMs`. Errors are counted, never thrown; the caller judges the result.
 */
export async function soak(options: {
  minutes: number;
  sampleEveryMs?: number;
  /** People per team, who all click and answer at once in each round (default 20). */
  membersPerTeam?: number;
  log?: (line: string) => void;
}): Promise<SoakResult> {
  const { minutes } = options;
  const membersPerTeam = options.membersPerTeam ?? MEMBERS_PER_TEAM;
  const log = options.log ?? (() => {});
  const sampleEveryMs = options.sampleEveryMs ?? SAMPLE_EVERY_MS;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tooth-tail-soak-'));
  const logFile = path.join(dir, 'app.log');
  const members = TEAMS.map((_, t) =>
    Array.from({ length: membersPerTeam }, (_, i) => `U0S${t}${String(i).padStart(3, '0')}`),
  );
  const sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...members
        .flat()
        .map((id) => ({ id, name: id.toLowerCase(), tz: pick(['UTC', 'Europe/London', 'Asia/Kolkata']) })),
    ],
    channels: CHANNELS,
  });
  const port = await freePort();
  sandbox.setAppUrl(`http://127.0.0.1:${port}/slack/events`);
  let app: ChildProcess;
  try {
    app = await startApp(
      {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: sandbox.apiUrl,
        DATABASE_PATH: path.join(dir, 'soak.db'),
        ADMIN_USER_IDS: ADMIN,
        ANONYMITY_THRESHOLD: '3',
        LOG_LEVEL: 'warn',
      },
      port,
      logFile,
    );
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  const pid = app.pid as number;
  log(`soak: ${minutes} min; app pid ${pid} on port ${port}; database and log in ${dir}`);

  const counters: Counters = { rounds: 0, requests: 0, errors: [] };
  for (const [t, team] of TEAMS.entries()) {
    await sandbox.command(ADMIN, `team add ${team}`).then((c) => c.answer());
    const ids = members[t] as string[];
    // Every fourth member is an engineer, as `cycle` answers for them.
    const roster = (role: string, keep: (i: number) => boolean) =>
      sandbox
        .command(
          ADMIN,
          `roster add ${team} ${ids
            .filter((_, i) => keep(i))
            .map((id) => `<@${id}>`)
            .join(' ')} as ${role}`,
        )
        .then((c) => c.answer());
    await roster('data-scientist', (i) => i % 4 !== 3);
    await roster('engineer:infra', (i) => i % 4 === 3);
    await sandbox.command(ADMIN, `subscribe <#C0LEADS> ${team} each-round`).then((c) => c.answer());
  }
  await sandbox.command(ADMIN, 'subscribe <#C0ORG> all each-round').then((c) => c.answer());

  const startedAt = Date.now();
  const endAt = startedAt + minutes * 60_000;
  const samples: Sample[] = [sample(pid, counters, startedAt)];
  const sampler = setInterval(() => {
    if (app.exitCode !== null) return;
    const s = sample(pid, counters, startedAt);
    samples.push(s);
    log(
      `  ${s.at.toFixed(0)} s: RSS ${s.rssMb.toFixed(1)} MB, ${s.fds} fds, ${s.rounds} rounds, ${s.requests} requests`,
    );
  }, sampleEveryMs);

  let i = 0;
  while (Date.now() < endAt && app.exitCode === null) {
    const t = i % TEAMS.length;
    try {
      await cycle(sandbox, TEAMS[t] as string, members[t] as string[], counters);
    } catch (error) {
      counters.errors.push(`cycle ${i}: ${(error as Error).message}`);
    }
    i += 1;
    await sleep(250);
  }
  clearInterval(sampler);
  if (app.exitCode === null) samples.push(sample(pid, counters, startedAt));
  else counters.errors.push(`the app exited with ${app.exitCode}; see ${logFile}`);

  const health = await fetch(`http://127.0.0.1:${port}/healthz`)
    .then((r) => r.json())
    .catch(() => null);
  log(`\n/healthz at the end: ${JSON.stringify(health)}`);
  app.kill('SIGTERM');
  const exitCode = await new Promise<number | null>((resolve) =>
    app.exitCode !== null ? resolve(app.exitCode) : app.once('exit', (c) => resolve(c)),
  );
  if (exitCode !== 0) counters.errors.push(`SIGTERM ended the app with exit code ${exitCode}`);
  await sandbox.stop();
  return { minutes, samples, counters, exitCode, dir, logFile };
}

async function main(): Promise<void> {
  const result = await soak({
    minutes: parseMinutes(process.argv.slice(2)),
    log: (line) => console.log(line),
  });
  const ok = report(result);
  if (ok) fs.rmSync(result.dir, { recursive: true, force: true });
  else console.log(`kept ${result.dir} (database and app.log) for a look`);
  process.exit(ok ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
