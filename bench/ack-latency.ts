// Benchmark 1: time to the HTTP response (the ack) of `/tooth-tail help`, `summary`, `ratio`, a
// click on "Answer" in the check-in DM (which opens the modal) and a check-in submission, over
// signed loopback requests at a fixed concurrency, beside a bare Bolt app built the same way whose
// listeners only ack (the floor), a second process of that same bare app (the floor's twin: how
// far apart two identical apps come out in this run), and the same bare app making the one Slack
// call tooth-tail makes after each ack (a reference). All run as child processes; the client, the
// sandbox and the request bodies are the same for each, and their blocks rotate.

import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Sandbox } from '../src/sandbox/sandbox.js';
import { openDatabase } from '../src/storage/database.js';
import {
  appArgs,
  appEnv,
  bareBoltArgs,
  bareBoltEnv,
  type Child,
  freePort,
  type Runtime,
  sleep,
  spawnNode,
} from './lib/processes.js';
import {
  ADMIN,
  appEnvironment,
  BOT_TOKEN,
  type Cleanups,
  migratedDatabase,
  type Person,
  people,
  SIGNING_SECRET,
  sandboxUsers,
  seedTeam,
  tempDir,
} from './lib/setup.js';
import { type LoadResult, SignedClient, type SlackBody } from './lib/signed-client.js';
import { percentile } from './lib/stats.js';
import type { Row } from './lib/table.js';

export interface AckSizes {
  /** Measured requests per kind and app. */
  requests: number;
  /** Unmeasured requests per kind and app first, so both are warm (JIT, caches, sockets). */
  warmup: number;
  concurrency: number;
  /** The measured requests go in this many blocks, alternating which app goes first. */
  blocks: number;
  /** Members of the team whose check-ins are submitted (round-robin). */
  members: number;
}

const TEAM = 'Bench';
const CLICK = '"Answer" click';
const CHANNEL = { id: 'C0BENCH', name: 'bench' };
/** "Far inside" Slack's 3 s: a tenth of it. */
const P99_CEILING_MS = 300;
const P99_RATIO_TARGET = 1.5;

export async function ackLatency(sizes: AckSizes, rt: Runtime, cleanups: Cleanups): Promise<Row[]> {
  const comparedApp = comparedEntry(rt, process.env.BENCH_COMPARE);
  const dir = tempDir(cleanups);
  const databasePath = path.join(dir, 'ack.db');
  const members = people('U0M', sizes.members);
  const db = migratedDatabase(databasePath);
  seedTeam(db, TEAM, members);
  db.close();

  const sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: sandboxUsers(members),
    channels: [CHANNEL],
  });
  cleanups.add(() => sandbox.stop());
  const env = appEnvironment({ apiUrl: sandbox.apiUrl, databasePath });
  const app = spawnNode('tooth-tail', appArgs(rt), { ...env, ...appEnv(rt, {}) }, await freePort());
  cleanups.add(() => app.stop());
  // The floor, its twin and the reference: the same bare Bolt app, the reference making its call.
  const spawnBare = async (name: string, replies = false) => {
    const child = spawnNode(
      name,
      bareBoltArgs(rt),
      { ...env, ...bareBoltEnv(rt, replies) },
      await freePort(),
    );
    cleanups.add(() => child.stop());
    return child;
  };
  const bare = await spawnBare('bare Bolt app');
  const twin = await spawnBare('bare Bolt app (twin)');
  const replying = await spawnBare('bare Bolt app that replies', true);
  await Promise.all([app.ready(30_000), bare.ready(30_000), twin.ready(30_000), replying.ready(30_000)]);

  const capture = await CaptureServer.start();
  cleanups.add(() => capture.stop());
  const appUrl = `http://127.0.0.1:${app.port}/slack/events`;
  sandbox.setAppUrl(appUrl);
  await closedRoundThenOpenRound(sandbox, members);
  const submissions = await captureSubmissions(sandbox, capture, members, appUrl);
  const clicks = await captureClicks(sandbox, capture, members, appUrl);
  const compared = comparedApp && (await spawnCompared(rt, comparedApp, env, databasePath, dir, cleanups));
  const total = sizes.warmup + sizes.requests;
  const kinds: Array<{ name: string; bodies: Array<SlackBody | (() => SlackBody)> }> = [
    { name: '`help`', bodies: await captureCommands(sandbox, capture, members, 'help', total, appUrl) },
    { name: '`summary`', bodies: await captureCommands(sandbox, capture, members, 'summary', total, appUrl) },
    { name: '`ratio`', bodies: await captureCommands(sandbox, capture, members, 'ratio', total, appUrl) },
    {
      name: CLICK,
      bodies: Array.from(
        { length: total },
        (_, i) => clicks[i % clicks.length] as SlackBody | (() => SlackBody),
      ),
    },
    {
      name: 'modal submission',
      bodies: Array.from({ length: total }, (_, i) => submissions[i % submissions.length] as SlackBody),
    },
  ];

  // One client per app, each keeping `concurrency` sockets alive across its blocks.
  const targets = (
    [
      ['app', app],
      ['bare', bare],
      ['twin', twin],
      ['replying', replying],
      ...(compared ? ([['compared', compared]] as const) : []),
    ] as const
  ).map(([name, child]) => {
    const client = new SignedClient(
      `http://127.0.0.1:${child.port}/slack/events`,
      SIGNING_SECRET,
      sizes.concurrency,
    );
    cleanups.add(() => client.close());
    return { name, child, client };
  });
  const rows: Row[] = [];
  // BENCH_ACK_KINDS=click,submission (any words of the kinds' names) runs only those: for profiling.
  const only = (process.env.BENCH_ACK_KINDS ?? '').split(',').filter(Boolean);
  for (const kind of kinds.filter(
    (k) => only.length === 0 || only.some((w) => k.name.toLowerCase().includes(w)),
  )) {
    const measured: Record<Target, Measured> = {
      app: { latencies: [], cpuMs: 0, loadCpuMs: 0 },
      bare: { latencies: [], cpuMs: 0, loadCpuMs: 0 },
      twin: { latencies: [], cpuMs: 0, loadCpuMs: 0 },
      replying: { latencies: [], cpuMs: 0, loadCpuMs: 0 },
      compared: { latencies: [], cpuMs: 0, loadCpuMs: 0 },
    };
    const warm = kind.bodies.slice(0, sizes.warmup);
    for (const target of targets)
      await run(
        target,
        warm,
        sizes.concurrency,
        sandbox,
        settledWhen(kind.name, target.name, warm.length, sandbox),
      );
    const bodies = kind.bodies.slice(sizes.warmup);
    const perBlock = Math.ceil(bodies.length / sizes.blocks);
    for (let b = 0; b < sizes.blocks; b++) {
      const block = bodies.slice(b * perBlock, (b + 1) * perBlock);
      // Rotate who goes first, so drift in the machine's load falls on each app alike.
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(b + i) % targets.length] as (typeof targets)[number];
        const result = await run(
          target,
          block,
          sizes.concurrency,
          sandbox,
          settledWhen(kind.name, target.name, block.length, sandbox),
        );
        measured[target.name].latencies.push(...result.latencies);
        measured[target.name].cpuMs += result.cpuMs;
        measured[target.name].loadCpuMs += result.loadCpuMs;
      }
    }
    rows.push(...latencyRows(kind.name, measured, sizes));
  }
  return rows;
}

type Target = 'app' | 'bare' | 'twin' | 'replying' | 'compared';
interface Measured {
  latencies: number[];
  /** CPU time the app's process used over the measured blocks, work after the acks included. */
  cpuMs: number;
  /** CPU time its main thread used while the requests were in flight: what the acks wait on. */
  loadCpuMs: number;
}

function latencyRows(kind: string, m: Record<Target, Measured>, sizes: AckSizes): Row[] {
  const what = `ack ${kind}`;
  const at = (t: Target, p: number) => percentile(m[t].latencies, p);
  const cpu = (t: Target) => (m[t].cpuMs / m[t].latencies.length).toFixed(2);
  const loadCpu = (t: Target) => (m[t].loadCpuMs / m[t].latencies.length).toFixed(2);
  const p99 = { figure: at('app', 99), floor: at('bare', 99) };
  const replyCall = kind === 'modal submission' ? 'chat.update' : kind === CLICK ? 'views.open' : 'respond()';
  // Two identical apps in one run: how far apart they come out is the noise in every ratio here.
  const twin = (p: number) =>
    `${at('twin', p).toFixed(1)} ms (${(at('twin', p) / at('bare', p)).toFixed(2)}× the floor)`;
  // BENCH_COMPARE's build, beside this one in the same run (nothing when it is not set).
  const comparedNote = (p: number) =>
    m.compared.latencies.length === 0
      ? ''
      : `; BENCH_COMPARE build p${p} ${at('compared', p).toFixed(1)} ms (${(at('compared', p) / at('bare', p)).toFixed(2)}× the floor)` +
        (p === 50
          ? `, CPU ms per request ${cpu('compared')}, main thread while in flight ${loadCpu('compared')}`
          : '');
  return [
    {
      benchmark: `${what} p50`,
      figure: at('app', 50),
      floor: at('bare', 50),
      unit: 'ms',
      floorIs: 'bare Bolt',
      target: '',
      met: null,
      note: `${m.app.latencies.length} requests each, concurrency ${sizes.concurrency}; CPU ms per request: app ${cpu('app')}, bare ${cpu('bare')}, bare + ${replyCall} ${cpu('replying')}; main thread while in flight: app ${loadCpu('app')}, bare ${loadCpu('bare')}, bare + ${replyCall} ${loadCpu('replying')}; floor's twin p50 ${twin(50)}${comparedNote(50)}`,
    },
    {
      benchmark: `${what} p99`,
      ...p99,
      unit: 'ms',
      floorIs: 'bare Bolt',
      target: `≤ ${P99_RATIO_TARGET}× and ≤ ${P99_CEILING_MS} ms`,
      met: p99.figure / p99.floor <= P99_RATIO_TARGET && p99.figure <= P99_CEILING_MS,
      note: `bare Bolt + ${replyCall}: p50 ${at('replying', 50).toFixed(1)} ms, p99 ${at('replying', 99).toFixed(1)} ms (app ${(p99.figure / at('replying', 99)).toFixed(2)}× that); floor's twin p99 ${twin(99)}${comparedNote(99)}`,
    },
  ];
}

/**
 * One block of requests against one app. Failures (anything but HTTP 200) abort the benchmark:
 * a figure over errors means nothing. It then waits for the app's after-ack work (replies to
 * response_url, views.open, chat.update) to finish, so none of it lands in the next app's block:
 * until `settled` says so (work that can be deferred for longer than a moment), then until the
 * sandbox has seen no call for 100 ms.
 */
async function run(
  { child, client }: { child: Child; client: SignedClient },
  bodies: Array<SlackBody | (() => SlackBody)>,
  concurrency: number,
  sandbox: Sandbox,
  settled: () => boolean,
): Promise<LoadResult & { cpuMs: number; loadCpuMs: number }> {
  const cpuBefore = child.cpuMs();
  const mainBefore = child.cpuMs(true);
  const result = await client.load(bodies, concurrency);
  const loadCpuMs = child.cpuMs(true) - mainBefore;
  if (result.failures > 0)
    throw new Error(
      `${child.name}: ${result.failures} of ${bodies.length} failed, e.g. ${result.firstFailure}`,
    );
  await sandbox.waitFor(settled, 10_000, `${child.name}'s work after its acks`);
  await quiet(sandbox);
  return { ...result, cpuMs: child.cpuMs() - cpuBefore, loadCpuMs };
}

/**
 * BENCH_COMPARE=<another checkout of tooth-tail, built>: that build of the app runs beside this
 * one, in a slot of its own in the same rotation. Two builds measured in one run differ by what
 * they do, not by the machine's mood that hour: how a change is judged before it lands. Its entry
 * point for this runtime, undefined when the variable is not set; an error, before anything is
 * set up, when that checkout has no such file.
 */
export function comparedEntry(rt: Runtime, checkout: string | undefined): string | undefined {
  if (!checkout) return undefined;
  const entry = path.resolve(checkout, rt.name === 'dist' ? 'dist/main.js' : 'src/main.ts');
  if (!fs.existsSync(entry))
    throw new Error(`BENCH_COMPARE: ${entry} does not exist (run npm run build in that checkout first)`);
  return entry;
}

/**
 * The BENCH_COMPARE build, on a copy of this one's database taken once the rounds are set up (the
 * captured requests name its rounds and DMs).
 */
async function spawnCompared(
  rt: Runtime,
  entry: string,
  env: Record<string, string>,
  databasePath: string,
  dir: string,
  cleanups: Cleanups,
): Promise<Child> {
  const copy = path.join(dir, 'ack-compared.db');
  const source = openDatabase(databasePath, { readonly: true });
  try {
    await source.backup(copy);
  } finally {
    source.close();
  }
  const child = spawnNode(
    `tooth-tail (BENCH_COMPARE)`,
    appArgs(rt),
    { ...env, DATABASE_PATH: copy, ...appEnv(rt, {}), BENCH_APP_ENTRY: entry },
    await freePort(),
  );
  cleanups.add(() => child.stop());
  await child.ready(30_000);
  return child;
}

/**
 * When tooth-tail's work after a block of acks is done. A click on "Answer" ends in an open modal
 * (views.open answered) or a refusal said at its response_url, and while Slack rate-limits
 * views.open a click may wait up to 1.5 s for its turn before either: longer than the 100 ms of
 * quiet that ends a block, so without this wait that work landed in the next block, often a
 * floor's. The floors are not waited for: the bare app does nothing after its acks, and the one
 * that calls views.open after each (a reference) makes its call at once and lets a 429 go.
 */
function settledWhen(kind: string, target: Target, clicks: number, sandbox: Sandbox): () => boolean {
  if (kind !== CLICK || (target !== 'app' && target !== 'compared')) return () => true;
  const callsBefore = sandbox.calls.length;
  const responsesBefore = sandbox.responses.length;
  return () => {
    const opened = sandbox.calls
      .slice(callsBefore)
      .filter((c) => c.method === 'views.open' && c.status !== 429).length;
    return opened + sandbox.responses.length - responsesBefore >= clicks;
  };
}

/** Waits until the sandbox has seen no new Web API call or response_url post for 100 ms. */
async function quiet(sandbox: Sandbox, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const seen = sandbox.calls.length + sandbox.responses.length;
    if (seen === last) return;
    if (Date.now() > deadline) throw new Error('the app kept calling the sandbox after its block ended');
    last = seen;
    await sleep(100);
  }
}

const DS_ANSWERS = { waiting_pct: '20', infra_pct: '10', path_to_prod: 'paired' };
const ENG_ANSWERS = { rewrite_pct: '20', support_pct: '10', platform_pct: '30' };

/** The member's latest check-in DM, its button clicked: resolves once the modal is open. */
async function openCheckIn(sandbox: Sandbox, member: Person, dmCount: number) {
  const dm = await sandbox.waitFor(
    () => sandbox.dm(member.id).length >= dmCount && sandbox.dm(member.id).at(-1),
    10_000,
    `check-in DM ${dmCount} to ${member.id}`,
  );
  const click = await sandbox.clickButton(member.id, { channel: member.id, ts: dm.ts }, 'check_in_answer');
  if (click.status !== 200) throw new Error(`clicking Answer as ${member.id} gave HTTP ${click.status}`);
  return sandbox.waitFor(() => sandbox.openViews(member.id).at(-1), 10_000, `a modal for ${member.id}`);
}

/**
 * Through the real app: a round everyone answers and the admin closes (so `summary` has a
 * stored summary and a trend to show), then a second round left open for the submissions.
 */
async function closedRoundThenOpenRound(sandbox: Sandbox, members: Person[]): Promise<void> {
  const command = async (text: string) => {
    const reply = (await (await sandbox.command(ADMIN, text)).reply(30_000)) as { text?: string };
    return reply.text ?? '';
  };
  const opened = await command(`survey now ${TEAM}`);
  if (!/will get a DM/.test(opened)) throw new Error(`survey now: ${opened}`);
  for (const member of members) {
    await openCheckIn(sandbox, member, 1);
    const answer = await sandbox.fillAndSubmit(
      member.id,
      member.role === 'data-scientist' ? DS_ANSWERS : ENG_ANSWERS,
    );
    if (answer.status !== 200 || answer.body !== null)
      throw new Error(`check-in of ${member.id}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  const closed = await command(`survey close ${TEAM}`);
  if (!/Closed/.test(closed)) throw new Error(`survey close: ${closed}`);
  const reopened = await command(`survey now ${TEAM}`);
  if (!/will get a DM/.test(reopened)) throw new Error(`survey now: ${reopened}`);
}

/** One submission body per member for the open round, as Slack would send it from the real modal. */
async function captureSubmissions(
  sandbox: Sandbox,
  capture: CaptureServer,
  members: Person[],
  appUrl: string,
): Promise<SlackBody[]> {
  const bodies: SlackBody[] = [];
  for (const member of members) {
    await openCheckIn(sandbox, member, 2);
    sandbox.setAppUrl(capture.url);
    await sandbox.fillAndSubmit(member.id, member.role === 'data-scientist' ? DS_ANSWERS : ENG_ANSWERS);
    sandbox.setAppUrl(appUrl);
    bodies.push(capture.take());
  }
  return bodies;
}

/**
 * One click on "Answer" per member, in the open round's check-in DM. A trigger_id is good for one
 * views.open within 3 s, so each is sent with a fresh one, issued by the sandbox as Slack would.
 */
async function captureClicks(
  sandbox: Sandbox,
  capture: CaptureServer,
  members: Person[],
  appUrl: string,
): Promise<Array<() => SlackBody>> {
  const clicks: Array<() => SlackBody> = [];
  sandbox.setAppUrl(capture.url);
  for (const member of members) {
    const dm = sandbox.dm(member.id).at(-1);
    if (!dm) throw new Error(`no check-in DM to ${member.id}`);
    await sandbox.clickButton(member.id, { channel: member.id, ts: dm.ts }, 'check_in_answer');
    const { body, contentType } = capture.take();
    const payload = JSON.parse(new URLSearchParams(body).get('payload') ?? 'null') as { trigger_id: string };
    // Slack sends each click with a trigger_id and a response_url of its own.
    clicks.push(() => ({
      contentType,
      body: new URLSearchParams({
        payload: JSON.stringify({
          ...payload,
          trigger_id: sandbox.issueTriggerId(member.id),
          response_url: sandbox.issueResponseUrl(member.id, dm.ts),
        }),
      }).toString(),
    }));
  }
  sandbox.setAppUrl(appUrl);
  return clicks;
}

/** `count` bodies of `/tooth-tail <text>`, each with its own response_url (which takes 5 posts at most). */
async function captureCommands(
  sandbox: Sandbox,
  capture: CaptureServer,
  members: Person[],
  text: string,
  count: number,
  appUrl: string,
): Promise<SlackBody[]> {
  sandbox.setAppUrl(capture.url);
  const bodies: SlackBody[] = [];
  for (let i = 0; i < count; i++) {
    await sandbox.command((members[i % members.length] as Person).id, text);
    bodies.push(capture.take());
  }
  sandbox.setAppUrl(appUrl);
  return bodies;
}

/** Stands in for the app while the sandbox builds a request, and keeps the request's body. */
class CaptureServer {
  private last: SlackBody | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<CaptureServer> {
    let self: CaptureServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.once('end', () => {
        if (self)
          self.last = {
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: req.headers['content-type'] ?? '',
          };
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new CaptureServer(server, `http://127.0.0.1:${port}/slack/events`);
    return self;
  }

  take(): SlackBody {
    const body = this.last;
    if (!body) throw new Error('the sandbox sent nothing to the capture server');
    this.last = undefined;
    return body;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
