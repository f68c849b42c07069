// `npm run demo`: the whole product on one machine. Starts the sandbox (Slack's stand-in) and the
// real app in HTTP mode as a child process on a fresh SQLite file, seeds an organisation through
// real slash commands, runs several weekly rounds in which simulated people answer through the
// real DMs and modals, and prints what managers would see in Slack. The app's clock starts some
// weeks back and the demo moves it a week per round (src/demo/app.ts), so rounds, trends and the
// frontier from history carry real dates. Exits non-zero, saying what failed, when any step of
// the loop does not work: it is a smoke test as well.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderBlocksAsText } from '../sandbox/render-text.js';
import { Sandbox } from '../sandbox/sandbox.js';
import {
  ADMIN,
  ALL_USERS,
  answersFor,
  FRAUD_CHANNEL,
  type Health,
  LEADERSHIP,
  LEADS,
  random,
  TEAMS,
} from './org.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SIGNING_SECRET = 'demo-signing-secret';
const BOT_TOKEN = 'xoxb-demo-token';
const WEEKS = 8;
const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;
/** Rounds open on Monday 10:00 UTC and are closed three days later, as the default schedule does. */
const OPEN_DAYS = 3;

const USAGE = `usage: npm run demo [-- --keep] [--out DIR] [--weeks N]

  --keep        leave the app and the sandbox running afterwards, to try commands yourself
  --out DIR     where the database and charts go (default demo-output/<time>)
  --weeks N     how many weekly rounds to run (default ${WEEKS}, 2-12), dated a week apart
  --from-source run the app from src/ with tsx instead of dist/ (used by the tests)`;

class DemoError extends Error {}

const tty = process.stdout.isTTY === true;
const bold = (s: string) => (tty ? `\u001b[1m${s}\u001b[22m` : s);
const say = (s = '') => process.stdout.write(`${s}\n`);
const step = (n: number, total: number, s: string) => say(`${bold(`[${n}/${total}]`)} ${s}`);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface App {
  child: ChildProcess;
  port: number;
  output: () => string;
}

async function startApp(env: Record<string, string>, fromSource: boolean, startAt: Date): Promise<App> {
  const port = await freePort();
  const entry = fromSource
    ? ['--import', 'tsx', path.join(ROOT, 'src/demo/app.ts')]
    : [path.join(ROOT, 'dist/demo/app.js')];
  if (!fromSource && !fs.existsSync(entry[0] as string)) {
    throw new DemoError('dist/demo/app.js is missing: run `npm run build` first (npm run demo does).');
  }
  let output = '';
  const child = spawn(process.execPath, [...entry, startAt.toISOString()], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new DemoError(`the app exited during start-up:\n${output.trim()}`);
    if (Date.now() - started > 20_000) {
      child.kill('SIGKILL');
      throw new DemoError(`the app did not answer /healthz within 20 s:\n${output.trim()}`);
    }
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, port, output: () => output };
}

/** Moves the app's clock forward to `at` and waits until it reads so. */
async function setClock(app: App, at: Date): Promise<void> {
  const set = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DemoError('the app did not move its clock within 5 s')), 5_000);
    app.child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  app.child.send({ type: 'clock', to: at.toISOString() });
  await set;
}

/** Waits until the app's outbox has nothing left to send (its /healthz counts pending and sending). */
async function outboxDrained(app: App): Promise<void> {
  const started = Date.now();
  for (;;) {
    const health = (await (await fetch(`http://127.0.0.1:${app.port}/healthz`)).json()) as {
      outbox?: { pending?: number; sending?: number };
    };
    if ((health.outbox?.pending ?? 0) === 0 && (health.outbox?.sending ?? 0) === 0) return;
    if (Date.now() - started > 30_000) throw new DemoError('the outbox did not drain within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Monday 10:00 UTC at or before `weeks` weeks ago: the first round opens then. */
function firstMonday(weeks: number): Date {
  const start = new Date(Date.now() - weeks * WEEK_MS);
  start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  start.setUTCHours(10, 0, 0, 0);
  return start;
}

/** Runs a slash command as a person and returns the app's reply; a missing reply is a failure. */
async function run(sandbox: Sandbox, userId: string, text: string, channelId?: string) {
  const result = await sandbox.command(userId, text, channelId ? { channelId } : {});
  if (result.status !== 200)
    throw new DemoError(`/tooth-tail ${text}: the app answered HTTP ${result.status}`);
  return result.answer(10_000);
}

async function expectReply(
  sandbox: Sandbox,
  userId: string,
  text: string,
  pattern: RegExp,
  channelId?: string,
) {
  const reply = await run(sandbox, userId, text, channelId);
  if (!pattern.test(String(reply.text))) {
    throw new DemoError(`/tooth-tail ${text}: expected a reply matching ${pattern}, got: ${reply.text}`);
  }
  return reply;
}

const mention = (id: string) => `<@${id}>`;

async function seed(sandbox: Sandbox): Promise<void> {
  for (const team of TEAMS) {
    const channel = team.channel ? ` <#${team.channel.id}|${team.channel.name}>` : '';
    await expectReply(sandbox, ADMIN.id, `team add "${team.name}"${channel} tz Europe/London`, /Added team/);
    await expectReply(
      sandbox,
      ADMIN.id,
      `roster add ${team.name} ${team.dataScientists.map((u) => mention(u.id)).join(' ')} as data-scientist`,
      /added/,
    );
    for (const e of team.engineers) {
      await expectReply(
        sandbox,
        ADMIN.id,
        `roster add ${team.name} ${mention(e.user.id)} as engineer:${e.specialty}`,
        /added/,
      );
    }
  }
  for (const team of TEAMS) {
    await expectReply(
      sandbox,
      ADMIN.id,
      `subscribe <#${LEADS.id}|${LEADS.name}> "${team.name}" each-round`,
      /Subscribed/,
    );
  }
  // The public channels above were joined by the app itself. #data-leadership is private: the
  // subscription waits until someone types `/invite @tooth-tail` there, as a person would.
  await expectReply(
    sandbox,
    ADMIN.id,
    `subscribe <#${LEADERSHIP.id}|${LEADERSHIP.name}> all each-round`,
    /Waiting: .*\/invite @tooth-tail/,
  );
  await sandbox.inviteApp(LEADERSHIP.id, ADMIN.id);
  await sandbox.waitFor(
    () => sandbox.messages(LEADERSHIP.id).some((m) => m.text.startsWith('Thanks for adding tooth-tail')),
    10_000,
    `tooth-tail to confirm in #${LEADERSHIP.name} that it was added`,
  );
  await expectReply(
    sandbox,
    ADMIN.id,
    `subscribe <#${FRAUD_CHANNEL.id}|${FRAUD_CHANNEL.name}> Fraud ML each-round`,
    // Fraud ML's home channel: `team add` already subscribed it, so this only confirms it.
    /(Subscribed|Updated) <#/,
  );
}

async function waitFor<T>(fn: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new DemoError(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One person answers their latest check-in DM through the button and the modal, as in Slack. */
async function answer(
  sandbox: Sandbox,
  health: Health,
  userId: string,
  role: 'data-scientist' | 'engineer',
  rand: () => number,
) {
  const dm = await waitFor(() => sandbox.dm(userId).at(-1), `the check-in DM to ${userId}`);
  const click = await sandbox.clickButton(userId, { channel: userId, ts: dm.ts }, 'check_in_answer');
  if (click.status !== 200) throw new DemoError(`clicking “Answer” as ${userId}: HTTP ${click.status}`);
  await waitFor(() => sandbox.openViews(userId).at(-1), `the check-in modal for ${userId}`);
  const submitted = await sandbox.fillAndSubmit(userId, answersFor(health, role, rand));
  if (submitted.status !== 200 || submitted.body !== null) {
    throw new DemoError(`submitting ${userId}'s check-in: ${JSON.stringify(submitted.body)}`);
  }
}

async function runWeek(
  sandbox: Sandbox,
  app: App,
  week: number,
  weeks: number,
  opensAt: Date,
  rand: () => number,
): Promise<{ asked: number; answered: number }> {
  let asked = 0;
  let answered = 0;
  const halfway = Math.floor(weeks / 2) + 1;
  await setClock(app, opensAt);
  for (const team of TEAMS) {
    const joined = team.joinsHalfway !== undefined && week >= halfway;
    if (week === halfway && team.joinsHalfway) {
      const e = team.joinsHalfway;
      await expectReply(
        sandbox,
        ADMIN.id,
        `roster add ${team.name} ${mention(e.user.id)} as engineer:${e.specialty}`,
        /added/,
      );
    }
    const before = new Map(sandbox.messages().map((m) => [`${m.channel}:${m.ts}`, true]));
    const opened = await expectReply(sandbox, ADMIN.id, `survey now ${team.name}`, /Opened a check-in/);
    const members = [
      ...team.dataScientists.map((u) => ({ id: u.id, role: 'data-scientist' as const })),
      ...team.engineers.map((e) => ({ id: e.user.id, role: 'engineer' as const })),
      ...(joined && team.joinsHalfway ? [{ id: team.joinsHalfway.user.id, role: 'engineer' as const }] : []),
    ];
    asked += members.length;
    await waitFor(
      () => members.every((m) => sandbox.dm(m.id).some((d) => !before.has(`${d.channel}:${d.ts}`))),
      `check-in DMs to everyone in ${team.name} (${opened.text})`,
    );
    for (const [i, member] of members.entries()) {
      // In the larger teams one person a week does not answer; small teams answer in full, and
      // Forecasting has fewer than k people anyway.
      if (members.length >= 10 && i % members.length === week % members.length) continue;
      await answer(
        sandbox,
        joined && team.joinsHalfway ? team.joinsHalfway.healthAfter : team.health,
        member.id,
        member.role,
        rand,
      );
      answered += 1;
    }
  }
  // Every round closes three days after it opened, as the default schedule would close it.
  await setClock(app, new Date(opensAt.getTime() + OPEN_DAYS * DAY_MS));
  for (const team of TEAMS) await expectReply(sandbox, ADMIN.id, `survey close ${team.name}`, /Closed the/);
  return { asked, answered };
}

/** The recommendation lines of a team digest (the ones marked :bulb:), as plain text. */
function adviceOf(blocks: unknown[] | undefined): string[] {
  return renderBlocksAsText(blocks, '', { ansi: false })
    .split('\n')
    .filter((line) => line.includes('💡') || line.includes(':bulb:'))
    .map((line) => line.replace(/^.*?(💡|:bulb:)\s*/, ''));
}

function show(title: string, blocks: unknown[] | undefined, text: string): void {
  say();
  say(bold(`┌ ${title}`));
  for (const line of renderBlocksAsText(blocks, text, { ansi: tty }).split('\n')) say(`│ ${line}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      keep: { type: 'boolean', default: false },
      out: { type: 'string' },
      weeks: { type: 'string', default: String(WEEKS) },
      'from-source': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    say(USAGE);
    return;
  }
  const weeks = Number(values.weeks);
  if (!Number.isInteger(weeks) || weeks < 2 || weeks > 12)
    throw new DemoError(`--weeks must be 2 to 12\n${USAGE}`);
  const out = path.resolve(
    values.out ?? path.join(ROOT, 'demo-output', new Date().toISOString().replace(/[:.]/g, '-')),
  );
  fs.mkdirSync(out, { recursive: true });
  const databasePath = path.join(out, 'tooth-tail.db');
  if (fs.existsSync(databasePath))
    throw new DemoError(`${databasePath} exists already; pass an empty --out folder`);
  const total = 6;
  const firstRound = firstMonday(weeks);

  say(bold('tooth-tail demo: the real app against a Slack sandbox on this machine'));
  say(`  database  ${databasePath}`);
  const sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: ALL_USERS,
    channels: [LEADS, LEADERSHIP, FRAUD_CHANNEL],
  });
  let app: App | undefined;
  const stopAll = async () => {
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGTERM');
      await new Promise((resolve) => app?.child.once('exit', resolve));
    }
    await sandbox.stop();
  };
  try {
    app = await startApp(
      {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: sandbox.apiUrl,
        DATABASE_PATH: databasePath,
        ADMIN_USER_IDS: ADMIN.id,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
      values['from-source'] === true,
      firstRound,
    );
    sandbox.setAppUrl(`http://127.0.0.1:${app.port}/slack/events`);
    say(`  sandbox   ${sandbox.url} (stands in for Slack's Web API and plays ${ALL_USERS.length} people)`);
    say(
      `  app       http://127.0.0.1:${app.port} (HTTP mode, POST /slack/events, GET /healthz; pid ${app.child.pid})`,
    );
    say();

    step(
      1,
      total,
      `Seeding an org of ${TEAMS.length} teams and ${ALL_USERS.length} people with /tooth-tail team add, roster add, subscribe…`,
    );
    await seed(sandbox);
    const rand = random(20261127);
    for (let week = 1; week <= weeks; week += 1) {
      const opensAt = new Date(firstRound.getTime() + (week - 1) * WEEK_MS);
      const { asked, answered } = await runWeek(sandbox, app, week, weeks, opensAt, rand);
      step(
        2,
        total,
        `Week ${week} of ${weeks} (${opensAt.toISOString().slice(0, 10)}): ${TEAMS.length} check-ins opened, ${asked} DMs, ${answered} answers through the modal, rounds closed`,
      );
    }
    // Digests and charts go out through the outbox; what is shown and saved below is all of it.
    await outboxDrained(app);

    step(3, total, 'Checking the verdicts the digests reached…');
    const digests = await waitFor(() => {
      const latest = TEAMS.map((team) =>
        sandbox
          .messages(LEADS.id)
          .filter((m) => m.text.startsWith(`${team.name}:`))
          .at(-1),
      );
      return latest.every((m) => m !== undefined) && latest.length === TEAMS.length ? latest : undefined;
    }, 'a digest of every team in #ml-leads');
    for (const [i, team] of TEAMS.entries()) {
      const digest = digests[i];
      if (!digest?.text.includes(team.expected)) {
        throw new DemoError(
          `${team.name} should read “${team.expected}” but its digest says: ${digest?.text}`,
        );
      }
    }

    step(4, total, 'What managers see in Slack:');
    for (const digest of digests) {
      show(`#${LEADS.name} · team digest`, digest?.blocks, digest?.text ?? '');
    }
    const orgDigest = sandbox.messages(LEADERSHIP.id).at(-1);
    if (!orgDigest) throw new DemoError(`no org digest reached #${LEADERSHIP.name}`);
    show(`#${LEADERSHIP.name} · org digest (subscribed to all)`, orgDigest.blocks, orgDigest.text);
    const ratio = await run(sandbox, ADMIN.id, 'ratio');
    if (!JSON.stringify(ratio.blocks).includes('0.25-0.5'))
      throw new DemoError('the ratio table has no frontier');
    show('/tooth-tail ratio (only the person who asked sees it)', ratio.blocks, ratio.text);

    step(5, total, 'What the digests recommend, with their evidence:');
    const advice = TEAMS.flatMap((team, i) =>
      adviceOf(digests[i]?.blocks).map((line) => `  ${team.name}: ${line}`),
    );
    for (const line of advice) say(line);
    if (!advice.some((line) => /Add \d+ more engineers? \(\w[^)]*\)\. Evidence: /.test(line)))
      throw new DemoError('no digest recommends a headcount with its evidence');

    step(6, total, 'Charts and data');
    const chartDir = path.join(out, 'charts');
    fs.mkdirSync(chartDir, { recursive: true });
    // The outbox has drained, so each chart's last upload is the one for the latest round.
    const charts = new Map(
      sandbox.files.filter((f) => f.filename.endsWith('.png')).map((f) => [f.filename, f] as const),
    );
    for (const file of charts.values()) {
      const target = path.join(chartDir, file.filename);
      fs.writeFileSync(target, file.content);
      say(`  chart     ${path.relative(process.cwd(), target)}: ${file.title ?? ''}`);
      say(`            alt text: ${file.altText ?? '(none)'}`);
    }
    say(`  database  ${databasePath}`);
    say(`            DATABASE_PATH=${databasePath} npx tooth-tail report`);
    say();

    if (values.keep) {
      fs.writeFileSync(path.join(process.cwd(), '.sandbox-url'), `${sandbox.url}\n`);
      say(bold('The app and the sandbox keep running. In another terminal, try:'));
      say(`  npm run sandbox -- --as ${ADMIN.name} "/tooth-tail summary Fraud ML"`);
      say(`  npm run sandbox -- --as ${ADMIN.name} "/tooth-tail ratio"`);
      say(`  npm run sandbox -- --as ${TEAMS[0]?.dataScientists[0]?.name} "/tooth-tail summary"`);
      say(`  DATABASE_PATH=${databasePath} npx tooth-tail report --format table`);
      say('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      fs.rmSync(path.join(process.cwd(), '.sandbox-url'), { force: true });
    }
    await stopAll();
    say(bold('Demo finished: the whole loop worked.'));
  } catch (error) {
    const output = app?.output().trim();
    await stopAll().catch(() => undefined);
    if (output)
      throw new DemoError(
        `${(error as Error).message}\n\nThe app's log:\n${output.split('\n').slice(-20).join('\n')}`,
      );
    throw error;
  }
}

main().catch((error) => {
  process.stderr.write(
    `\ndemo failed: ${error instanceof DemoError ? error.message : (error as Error).stack}\n`,
  );
  process.exit(1);
});
