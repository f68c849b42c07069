// Benchmarks 2 and 4: one round to many members through the sandbox under Slack-like limits
// (chat.postMessage 1/s per channel, a workspace-wide ceiling), timed against the minimum those
// limits allow, counting lost and duplicated DMs; and the app's resident memory, idle and during
// that fan-out, beside a bare Bolt app's. The app runs as a child process.
import path from 'node:path';
import { Sandbox } from '../src/sandbox/sandbox.js';
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
  people,
  SIGNING_SECRET,
  sandboxUsers,
  seedTeam,
  tempDir,
} from './lib/setup.js';
import type { Row } from './lib/table.js';

export interface FanOutSizes {
  members: number;
  /** Slack: about 1 chat.postMessage per second per channel. */
  perChannelPerSecond: number;
  /** The workspace-wide ceiling on Web API calls per second. */
  workspacePerSecond: number;
  /** The app's client-side pace (StartOptions.deliveryRatePerSecond); null leaves it unpaced. */
  deliveryRatePerSecond: number | null;
}

const TEAM = 'Fanout';
const WALL_RATIO_TARGET = 1.15;
const RSS_TARGET_MB = 150;
/** How long both processes sit idle before their idle RSS is sampled. */
const SETTLE_MS = 2000;

export async function fanOut(sizes: FanOutSizes, rt: Runtime, cleanups: Cleanups): Promise<Row[]> {
  const dir = tempDir(cleanups);
  const databasePath = path.join(dir, 'fan-out.db');
  const members = people('U0F', sizes.members);
  const db = migratedDatabase(databasePath);
  seedTeam(db, TEAM, members);
  db.close();

  const sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: sandboxUsers(members),
    limits: {
      postMessagePerChannelPerSecond: sizes.perChannelPerSecond,
      workspacePerSecond: sizes.workspacePerSecond,
    },
  });
  cleanups.add(() => sandbox.stop());
  const env = appEnvironment({ apiUrl: sandbox.apiUrl, databasePath, logLevel: 'warn' });
  const options =
    sizes.deliveryRatePerSecond === null ? {} : { deliveryRatePerSecond: sizes.deliveryRatePerSecond };
  const app = spawnNode('tooth-tail', appArgs(rt), { ...env, ...appEnv(rt, options) }, await freePort());
  cleanups.add(() => app.stop());
  const bare = spawnNode('bare Bolt app', bareBoltArgs(rt), { ...env, ...bareBoltEnv(rt) }, await freePort());
  cleanups.add(() => bare.stop());
  await Promise.all([app.ready(30_000), bare.ready(30_000)]);
  sandbox.setAppUrl(`http://127.0.0.1:${app.port}/slack/events`);

  await sleep(SETTLE_MS);
  const [appIdle, bareIdle] = await Promise.all([idleRss(app), idleRss(bare)]);

  const rss = sampleRss(app, 100);
  cleanups.add(() => rss.stop());
  const minimumS = sizes.members / sizes.workspacePerSecond;
  const started = Date.now();
  const reply = (await (await sandbox.command(ADMIN, `survey now ${TEAM}`)).reply(30_000)) as {
    text?: string;
  };
  if (!reply.text?.includes(`${sizes.members} people will get a DM`))
    throw new Error(`survey now answered: ${reply.text}`);
  const tally = await watchDeliveries(
    sandbox,
    app,
    sizes.members,
    Math.max(60_000, minimumS * 3_000 + 30_000),
  );
  rss.stop();
  const wallS = (tally.lastAt - started) / 1000;
  const lost = sizes.members - tally.delivered.size;
  const duplicates = [...tally.delivered.values()].reduce((sum, n) => sum + n - 1, 0);
  const pace = sizes.deliveryRatePerSecond === null ? 'unpaced' : `paced at ${sizes.deliveryRatePerSecond}/s`;
  const rssTarget = `≤ ${RSS_TARGET_MB} MB`;
  return [
    {
      benchmark: `fan-out to ${sizes.members} members, wall time`,
      figure: wallS,
      floor: minimumS,
      unit: 's',
      floorIs: `N / ${sizes.workspacePerSecond} per s`,
      target: `≤ ${WALL_RATIO_TARGET}×, 0 lost, 0 duplicates`,
      met: wallS / minimumS <= WALL_RATIO_TARGET && lost === 0 && duplicates === 0,
      note: `lost ${lost}, duplicates ${duplicates}, failed ${tally.failed}, HTTP 429s ${tally.rateLimited}; ${pace}`,
    },
    {
      benchmark: 'RSS, idle',
      figure: appIdle,
      floor: bareIdle,
      unit: 'MB',
      floorIs: 'bare Bolt, idle',
      target: rssTarget,
      met: appIdle <= RSS_TARGET_MB,
      note: `after start-up, ${sizes.members} members in the database`,
    },
    {
      benchmark: `RSS, peak during the fan-out`,
      figure: rss.max(),
      floor: bareIdle,
      unit: 'MB',
      floorIs: 'bare Bolt, idle',
      target: rssTarget,
      met: rss.max() <= RSS_TARGET_MB,
      note: 'VmRSS sampled every 100 ms',
    },
  ];
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
  /** When the last of them arrived (Date.now()). */
  lastAt: number;
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
  const tally: Tally = { delivered: new Map(), lastAt: 0, rateLimited: 0, failed: 0 };
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  let lastOutboxCheck = 0;
  for (;;) {
    const calls = sandbox.calls;
    for (; seen < calls.length; seen++) {
      const call = calls[seen];
      if (call?.method !== 'chat.postMessage') continue;
      if (call.status === 429) tally.rateLimited += 1;
      if (!call.ok) continue;
      const channel = String(call.args.channel);
      tally.delivered.set(channel, (tally.delivered.get(channel) ?? 0) + 1);
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
    if (call.method === 'chat.postMessage' && call.ok) {
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
