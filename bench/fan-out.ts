// Benchmarks 2 and 4: one round to many members through the sandbox under Slack's limits
// (chat.postMessage 1/s per channel, a workspace-wide ceiling of 10, 20 or 50 calls a second that
// the app is not told), each timed against the minimum that ceiling allows, counting lost and
// duplicated DMs and the calls Slack refused; the app's resident memory, idle and during a
// fan-out, beside a bare Bolt app's; and a scheduled round for a large team whose time zones are
// not cached, from the scheduled minute to the first and the last prompt. The app runs as a
// child process, in its default configuration unless `deliveryRatePerSecond` is set.
import path from 'node:path';
import { Sandbox, type SandboxUser } from '../src/sandbox/sandbox.js';
import { TeamRepository } from '../src/storage/teams.js';
import {
  appArgs,
  appEnv,
  bareBoltArgs,
  bareBoltEnv,
  type Child,
  freePort,
  type Runtime,
  sampleRss,
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
import type { Row } from './lib/table.js';

export interface FanOutSizes {
  /** One fan-out per workspace ceiling (calls a second), to this many members each. */
  ceilings: ReadonlyArray<{ workspacePerSecond: number; members: number }>;
  /** The app's DELIVERY_RATE_PER_SECOND (StartOptions.deliveryRatePerSecond); null: the default, none. */
  deliveryRatePerSecond: number | null;
  /**
   * The scheduled round: this many members, time zones not cached, under this ceiling. With
   * `catchUp` (the smoke test) the minute is the one just begun, opened by the app's start-up
   * tick, instead of the next one, which takes up to a minute of waiting.
   */
  scheduled: { members: number; workspacePerSecond: number; catchUp?: boolean };
}

const TEAM = 'Fanout';
const WALL_RATIO_TARGET = 1.15;
/** At most this share of the calls may be answered HTTP 429. */
const REFUSED_TARGET = 0.02;
const RSS_TARGET_MB = 150;
/** How long both processes sit idle before their idle RSS is sampled. */
const SETTLE_MS = 2000;
/** The scheduled round's first prompt should follow its minute within this. */
const FIRST_PROMPT_TARGET_S = 10;
/** Members' zones where 10:00 has passed or is now when it is 10:00 in UTC, so all are asked at once. */
const ZONES = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney'];

/** The fan-out rows, one per ceiling, then the memory rows (measured during the first fan-out). */
export async function fanOut(sizes: FanOutSizes, rt: Runtime, cleanups: Cleanups): Promise<Row[]> {
  const rows: Row[] = [];
  const memory: Row[] = [];
  for (const [i, ceiling] of sizes.ceilings.entries()) {
    const result = await oneFanOut(ceiling, sizes.deliveryRatePerSecond, i === 0, rt, cleanups);
    rows.push(result.row);
    memory.push(...result.memory);
    await cleanups.run();
  }
  return [...rows, ...memory];
}

async function oneFanOut(
  ceiling: FanOutSizes['ceilings'][number],
  deliveryRatePerSecond: number | null,
  measureMemory: boolean,
  rt: Runtime,
  cleanups: Cleanups,
): Promise<{ row: Row; memory: Row[] }> {
  const { members: n, workspacePerSecond } = ceiling;
  const dir = tempDir(cleanups);
  const databasePath = path.join(dir, 'fan-out.db');
  const members = people('U0F', n);
  const db = migratedDatabase(databasePath);
  seedTeam(db, TEAM, members);
  db.close();

  const sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: sandboxUsers(members),
    // Slack's own rules (tiers, one message a second per channel), plus the workspace's ceiling.
    limits: { workspacePerSecond },
  });
  cleanups.add(() => sandbox.stop());
  const env = appEnvironment({ apiUrl: sandbox.apiUrl, databasePath, logLevel: 'warn' });
  const options = deliveryRatePerSecond === null ? {} : { deliveryRatePerSecond };
  const app = spawnNode('tooth-tail', appArgs(rt), { ...env, ...appEnv(rt, options) }, await freePort());
  cleanups.add(() => app.stop());
  const bare = measureMemory
    ? spawnNode('bare Bolt app', bareBoltArgs(rt), { ...env, ...bareBoltEnv(rt) }, await freePort())
    : null;
  if (bare) cleanups.add(() => bare.stop());
  await Promise.all([app.ready(30_000), bare?.ready(30_000)]);
  sandbox.setAppUrl(`http://127.0.0.1:${app.port}/slack/events`);

  let idle: [number, number] = [Number.NaN, Number.NaN];
  if (bare) {
    await sleep(SETTLE_MS);
    idle = await Promise.all([idleRss(app), idleRss(bare)]);
  }
  const rss = sampleRss(app, 100);
  cleanups.add(() => rss.stop());
  const minimumS = n / workspacePerSecond;
  const started = Date.now();
  const reply = (await (await sandbox.command(ADMIN, `survey now ${TEAM}`)).reply(30_000)) as {
    text?: string;
  };
  if (!reply.text?.includes(`${n} people will get a DM`))
    throw new Error(`survey now answered: ${reply.text}`);
  const tally = await watchDeliveries(sandbox, app, n, Math.max(60_000, minimumS * 3_000 + 30_000));
  rss.stop();
  const wallS = (tally.lastAt - started) / 1000;
  const row = fanOutRow(
    `fan-out to ${n} members at ${workspacePerSecond} calls/s, wall time`,
    tally,
    n,
    wallS,
    {
      minimumS,
      workspacePerSecond,
      pace: deliveryRatePerSecond === null ? 'self-paced' : `capped at ${deliveryRatePerSecond}/s`,
    },
  );
  if (!bare) return { row, memory: [] };
  const rssTarget = `≤ ${RSS_TARGET_MB} MB`;
  const [appIdle, bareIdle] = idle;
  return {
    row,
    memory: [
      {
        benchmark: 'RSS, idle',
        figure: appIdle,
        floor: bareIdle,
        unit: 'MB',
        floorIs: 'bare Bolt, idle',
        target: rssTarget,
        met: appIdle <= RSS_TARGET_MB,
        note: `after start-up, ${n} members in the database`,
      },
      {
        benchmark: 'RSS, peak during the fan-out',
        figure: rss.max(),
        floor: bareIdle,
        unit: 'MB',
        floorIs: 'bare Bolt, idle',
        target: rssTarget,
        met: rss.max() <= RSS_TARGET_MB,
        note: `VmRSS sampled every 100 ms, fan-out to ${n} at ${workspacePerSecond} calls/s`,
      },
    ],
  };
}

function fanOutRow(
  benchmark: string,
  tally: Tally,
  n: number,
  wallS: number,
  limit: { minimumS: number; workspacePerSecond: number; pace: string },
): Row {
  const lost = n - tally.delivered.size;
  const duplicates = [...tally.delivered.values()].reduce((sum, k) => sum + k - 1, 0);
  const refusedShare = tally.calls === 0 ? 0 : tally.rateLimited / tally.calls;
  return {
    benchmark,
    figure: wallS,
    floor: limit.minimumS,
    unit: 's',
    floorIs: `N / ${limit.workspacePerSecond} per s`,
    target: `≤ ${WALL_RATIO_TARGET}×, 0 lost, 0 duplicates, ≤ ${REFUSED_TARGET * 100}% HTTP 429`,
    met:
      wallS / limit.minimumS <= WALL_RATIO_TARGET &&
      lost === 0 &&
      duplicates === 0 &&
      refusedShare <= REFUSED_TARGET,
    note: `lost ${lost}, duplicates ${duplicates}, failed ${tally.failed}, HTTP 429s ${tally.rateLimited} of ${tally.calls} calls (${(refusedShare * 100).toFixed(1)}%); ${limit.pace}`,
  };
}

/**
 * A team scheduled for the next whole minute, none of whose members' time zones are cached: from
 * that minute to the first prompt and to the last. Every member's 10:00 has come (zones east of
 * UTC), so all are asked at once, and the last prompt is bounded by the workspace's ceiling.
 */
export async function scheduledRound(sizes: FanOutSizes, rt: Runtime, cleanups: Cleanups): Promise<Row[]> {
  const { members: n, workspacePerSecond } = sizes.scheduled;
  const dir = tempDir(cleanups);
  const databasePath = path.join(dir, 'scheduled.db');
  const members = people('U0S', n);
  const users: SandboxUser[] = [
    { id: ADMIN, name: 'ada', tz: 'UTC' },
    ...members.map((m: Person, i) => ({
      id: m.id,
      name: m.id.toLowerCase(),
      tz: ZONES[i % ZONES.length] as string,
    })),
  ];
  const sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users,
    limits: { workspacePerSecond },
  });
  cleanups.add(() => sandbox.stop());

  // The next whole minute at least 10 s away, so the app is up and idle when it comes.
  const minute = sizes.scheduled.catchUp
    ? Math.floor(Date.now() / 60_000) * 60_000
    : Math.ceil((Date.now() + 10_000) / 60_000) * 60_000;
  const at = new Date(minute);
  const db = migratedDatabase(databasePath);
  const team = seedTeam(db, TEAM, members);
  new TeamRepository(db).schedule(
    team.id,
    `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`,
    'UTC',
    3,
    new Date(sizes.scheduled.catchUp ? minute - 60_000 : Date.now()).toISOString(),
  );
  db.close();

  const env = appEnvironment({ apiUrl: sandbox.apiUrl, databasePath, logLevel: 'warn' });
  const options =
    sizes.deliveryRatePerSecond === null ? {} : { deliveryRatePerSecond: sizes.deliveryRatePerSecond };
  const app = spawnNode('tooth-tail', appArgs(rt), { ...env, ...appEnv(rt, options) }, await freePort());
  cleanups.add(() => app.stop());
  await app.ready(30_000);
  sandbox.setAppUrl(`http://127.0.0.1:${app.port}/slack/events`);
  if (!sizes.scheduled.catchUp && Date.now() >= minute)
    throw new Error('the app took too long to start: the scheduled minute has passed');

  const minimumS = n / workspacePerSecond;
  const tally = await watchDeliveries(sandbox, app, n, 60_000 + Math.max(60_000, minimumS * 3_000 + 30_000));
  const firstS = (tally.firstAt - minute) / 1000;
  const lastS = (tally.lastAt - minute) / 1000;
  const lookups = (method: string) => sandbox.calls.filter((c) => c.method === method).length;
  const how = `users.list ${lookups('users.list')} calls, users.info ${lookups('users.info')}; one users.info per member (Tier 4, 100 a minute) would take ${n / 100} min`;
  const first: Row = {
    benchmark: `scheduled round, ${n} members, cold cache: minute → first prompt`,
    figure: firstS,
    floor: 0,
    unit: 's',
    floorIs: 'Slack allows at once',
    target: `≤ ${FIRST_PROMPT_TARGET_S} s`,
    met: firstS <= FIRST_PROMPT_TARGET_S,
    note: how,
  };
  const last = fanOutRow(`scheduled round, ${n} members, cold cache: minute → last prompt`, tally, n, lastS, {
    minimumS,
    workspacePerSecond,
    pace: sizes.deliveryRatePerSecond === null ? 'self-paced' : `capped at ${sizes.deliveryRatePerSecond}/s`,
  });
  return [first, last];
}

/** The highest of ten VmRSS samples taken 100 ms apart. */
async function idleRss(child: Child): Promise<number> {
  let peak = Number.NaN;
  for (let i = 0; i < 10; i++) {
    const now = child.rssMb();
    peak = Number.isNaN(peak) ? now : Math.max(peak, now);
    await sleep(100);
  }
  return peak;
}

interface Tally {
  /** DMs that reached the sandbox, per member. */
  delivered: Map<string, number>;
  /** When the first and the last of them arrived (Date.now()). */
  firstAt: number;
  lastAt: number;
  /** chat.postMessage calls, and how many of them Slack answered HTTP 429. */
  calls: number;
  rateLimited: number;
  failed: number;
}

/**
 * Reads the sandbox's record of Web API calls as they arrive until every member has a DM, or the
 * app's outbox has nothing left to send (then the missing are lost), or the deadline passes.
 */
async function watchDeliveries(
  sandbox: Sandbox,
  app: Child,
  members: number,
  timeoutMs: number,
): Promise<Tally> {
  const tally: Tally = { delivered: new Map(), firstAt: 0, lastAt: 0, calls: 0, rateLimited: 0, failed: 0 };
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  let lastOutboxCheck = 0;
  for (;;) {
    const calls = sandbox.calls;
    for (; seen < calls.length; seen++) {
      const call = calls[seen];
      if (call?.method !== 'chat.postMessage') continue;
      tally.calls += 1;
      if (call.status === 429) tally.rateLimited += 1;
      if (!call.ok) continue;
      const channel = String(call.args.channel);
      tally.delivered.set(channel, (tally.delivered.get(channel) ?? 0) + 1);
      if (tally.firstAt === 0) tally.firstAt = call.at;
      tally.lastAt = call.at;
    }
    if (tally.delivered.size >= members) break;
    if (Date.now() - lastOutboxCheck > 1000) {
      lastOutboxCheck = Date.now();
      const outbox = await outboxOf(app);
      if (outbox && outbox.pending === 0 && outbox.sending === 0 && outbox.sent + outbox.failed > 0) break;
    }
    if (Date.now() > deadline)
      throw new Error(`fan-out: ${tally.delivered.size} of ${members} DMs after ${timeoutMs} ms`);
    await sleep(20);
  }
  // Let any duplicate still in flight arrive before counting, and read the outbox's verdict.
  await sleep(1000);
  for (const call of sandbox.calls.slice(seen)) {
    if (call.method !== 'chat.postMessage') continue;
    tally.calls += 1;
    if (call.status === 429) tally.rateLimited += 1;
    if (call.ok) {
      const channel = String(call.args.channel);
      tally.delivered.set(channel, (tally.delivered.get(channel) ?? 0) + 1);
    }
  }
  tally.failed = (await outboxOf(app))?.failed ?? Number.NaN;
  return tally;
}

async function outboxOf(
  app: Child,
): Promise<{ pending: number; sending: number; sent: number; failed: number } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${app.port}/healthz`);
    const body = (await res.json()) as {
      outbox?: { pending: number; sending: number; sent: number; failed: number };
    };
    return body.outbox;
  } catch {
    return undefined;
  }
}
