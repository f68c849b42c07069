// SIGKILL at seeded random points of a round's life, with the app as a real child process: while
// it opens (the prompt fan-out), reminds, closes, and posts digests. After each restart the work
// finishes exactly once: every member prompted and reminded, one summary per round, one digest row
// per subscription and round, and at most `concurrency` (8) duplicate messages per crash.
// Set RELIABILITY_SEED to replay another sequence of kill points.
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import type { Message } from '../../src/sandbox/types.js';
import { type Db, openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrate.js';
import { SubscriptionRepository } from '../../src/storage/subscriptions.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { type ChildApp, eventually, freePort, startChildApp } from '../helpers/child-app.js';
import { seedTeam, tempDir } from '../helpers/db.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../helpers/harness.js';
import { sleep } from './helpers.js';

const SEED = Number(process.env.RELIABILITY_SEED ?? 20271115);
/**
 * Milliseconds after each phase's trigger at which the app is killed, each range about as long as
 * that phase's work: 50 prompts or reminders at 100 calls a second, three digests with charts.
 */
const [OPEN_KILL, REMIND_KILL, CLOSE_KILL, DIGEST_KILL] = fc.sample(
  fc.tuple(
    fc.integer({ min: 0, max: 700 }),
    fc.integer({ min: 0, max: 700 }),
    fc.integer({ min: 0, max: 400 }),
    fc.integer({ min: 0, max: 250 }),
  ),
  { seed: SEED, numRuns: 1 },
)[0] as [number, number, number, number];

const CONCURRENCY = 8; // the app's default sender concurrency
const ADMIN = 'UADMIN';
const MEMBERS = Array.from({ length: 50 }, (_, i) => `U0K${String(i).padStart(3, '0')}`);
const RESPONDENTS = MEMBERS.slice(0, 4);
const CHANNELS = ['C0LEADS', 'C0FRAUD', 'C0ORG'];
const DAY_MS = 24 * 60 * 60 * 1000;

const { dir, cleanup } = tempDir('tooth-tail-crash-points-');
const databasePath = path.join(dir, 'crash.db');
const children: ChildApp[] = [];
let sandbox: Sandbox | undefined;

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  await sandbox?.stop();
  cleanup();
});

function withDb<T>(fn: (db: Db) => T): T {
  const db = openDatabase(databasePath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** One team of 50 data scientists, subscribed in three channels; its schedule never fires here. */
function seed(): void {
  withDb((db) => {
    migrate(db);
    const bigId = seedTeam(db, { name: 'Big', members: MEMBERS, createdBy: ADMIN });
    const now = new Date().toISOString();
    new TeamRepository(db).schedule(bigId, '0 0 1 1 *', 'UTC', 3, now);
    const subscriptions = new SubscriptionRepository(db);
    for (const [channelId, teamId] of [
      ['C0LEADS', bigId],
      ['C0FRAUD', bigId],
      ['C0ORG', null],
    ] as const) {
      subscriptions.subscribe({
        workspaceId: 'T0SANDBOX',
        channelId,
        teamId,
        cadence: 'each-round',
        createdBy: ADMIN,
        now,
      });
    }
  });
}

const outbox = () =>
  withDb(
    (db) =>
      db
        .prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status ORDER BY status')
        .all() as Array<{
        status: string;
        n: number;
      }>,
  );
const outboxDone = () => outbox().every((row) => row.status === 'sent' || row.status === 'skipped');

/** The check-in DMs of one round a member received (original text, so an answered one still counts). */
function checkIns(userId: string, roundId: number, kind: 'prompt' | 'reminder'): Message[] {
  return (sandbox as Sandbox).dm(userId).filter((m) => {
    const first = m.history[0];
    return (
      JSON.stringify(first?.blocks).includes(`"value":"${roundId}"`) &&
      (first?.text.startsWith('Reminder') ?? false) === (kind === 'reminder')
    );
  });
}

/** Every member (of `who`) got exactly one such DM, save at most `concurrency` duplicates. */
function expectOnceEach(who: string[], roundId: number, kind: 'prompt' | 'reminder'): number {
  const counts = who.map((id) => checkIns(id, roundId, kind).length);
  expect(
    counts.filter((n) => n === 0),
    `members without a ${kind}`,
  ).toHaveLength(0);
  expect(
    counts.filter((n) => n > 2),
    `members with three or more`,
  ).toHaveLength(0);
  const duplicates = counts.filter((n) => n === 2).length;
  expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
  return duplicates;
}

describe(`SIGKILL at seeded points (seed ${SEED}: ${[OPEN_KILL, REMIND_KILL, CLOSE_KILL, DIGEST_KILL].join(', ')} ms)`, () => {
  it('finishes the round exactly once after each crash', async () => {
    seed();
    sandbox = await Sandbox.start({
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      users: [
        { id: ADMIN, name: 'ada', tz: 'UTC' },
        ...MEMBERS.map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
      ],
      channels: CHANNELS.map((id) => ({ id, name: id.toLowerCase() })),
      // Slack-like pace, so each fan-out is still running when the kill comes.
      limits: { workspacePerSecond: 100 },
    });
    const box = sandbox;
    const port = await freePort();
    box.setAppUrl(`http://127.0.0.1:${port}/slack/events`);
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: box.apiUrl,
      DATABASE_PATH: databasePath,
      ADMIN_USER_IDS: ADMIN,
      ANONYMITY_THRESHOLD: '3',
      LOG_LEVEL: 'error',
      // The killed process's lease must run out before the restart sends; a short one keeps this quick.
      WORKER_LEASE_SECONDS: '2',
    };
    const start = async () => {
      const child = await startChildApp(env, port);
      children.push(child);
      return child;
    };
    const kill = async (child: ChildApp) => {
      child.process.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
    };
    const roundIds = () =>
      withDb((db) => db.prepare('SELECT id FROM rounds ORDER BY id').pluck().all() as number[]);
    const answer = async (userId: string, roundId: number) => {
      const dm = checkIns(userId, roundId, 'prompt').at(-1) as Message;
      await box.clickButton(userId, { channel: userId, ts: dm.ts }, 'check_in_answer');
      await box.waitFor(() => box.openViews(userId).at(-1), 5000, `a modal for ${userId}`);
      expect(
        (await box.fillAndSubmit(userId, { waiting_pct: '10', infra_pct: '30', path_to_prod: 'diy-infra' }))
          .body,
      ).toBeNull();
    };
    // Digests only, not the app's "thanks for adding me" when it is invited.
    const messagesIn = () =>
      CHANNELS.map((c) => box.messages(c).filter((m) => !m.text.startsWith('Thanks for adding')).length);

    // 1. Open: killed during the prompt fan-out (or before the round was even stored).
    let app = await start();
    // The subscriptions were seeded; a person invites the app into each channel, as in Slack.
    for (const channel of CHANNELS) await box.inviteApp(channel, ADMIN);
    void box.command(ADMIN, 'survey now Big').catch(() => undefined);
    await sleep(OPEN_KILL);
    await kill(app);
    app = await start();
    // A command lost to the crash is run again, as the admin would.
    if (roundIds().length === 0) await (await box.command(ADMIN, 'survey now Big')).reply(10_000);
    const [first] = roundIds() as [number];
    await eventually(
      () => MEMBERS.every((id) => checkIns(id, first, 'prompt').length > 0) && outboxDone(),
      30_000,
      'every prompt',
    );
    expectOnceEach(MEMBERS, first, 'prompt');
    for (const id of RESPONDENTS) await answer(id, first);

    // 2. Remind: the round is past half its window while the app is down; the start-up tick reminds.
    await kill(app);
    withDb((db) =>
      db
        .prepare('UPDATE rounds SET opened_at = ?, closes_at = ? WHERE id = ?')
        .run(
          new Date(Date.now() - 2 * DAY_MS).toISOString(),
          new Date(Date.now() + DAY_MS).toISOString(),
          first,
        ),
    );
    app = await start();
    await sleep(REMIND_KILL);
    await kill(app);
    app = await start();
    const waiting = MEMBERS.filter((id) => !RESPONDENTS.includes(id));
    await eventually(
      () => waiting.every((id) => checkIns(id, first, 'reminder').length > 0) && outboxDone(),
      30_000,
      'every reminder',
    );
    expectOnceEach(waiting, first, 'reminder');
    for (const id of RESPONDENTS) expect(checkIns(id, first, 'reminder')).toHaveLength(0);
    expect(
      withDb((db) => db.prepare('SELECT reminders_sent FROM rounds WHERE id = ?').pluck().get(first)),
    ).toBe(1);

    // 3. Close: the window ended while the app was down; the start-up tick closes and queues digests.
    await kill(app);
    withDb((db) =>
      db
        .prepare('UPDATE rounds SET closes_at = ? WHERE id = ?')
        .run(new Date(Date.now() - 60_000).toISOString(), first),
    );
    app = await start();
    await sleep(CLOSE_KILL);
    await kill(app);
    app = await start();
    await eventually(
      () => messagesIn().every((n) => n > 0) && outboxDone(),
      30_000,
      'a digest in every channel',
    );
    const afterClose = messagesIn();
    expect(afterClose.every((n) => n >= 1 && n <= 2)).toBe(true);

    // 4. Digest: a second round closed by command; killed while its digests and charts go out.
    await (await box.command(ADMIN, 'survey now Big')).reply(10_000);
    const second = roundIds()[1] as number;
    await eventually(
      () => MEMBERS.every((id) => checkIns(id, second, 'prompt').length > 0) && outboxDone(),
      30_000,
      'the second round’s prompts',
    );
    for (const id of RESPONDENTS) await answer(id, second);
    expect((await (await box.command(ADMIN, 'survey close Big')).reply(10_000)).text).toMatch(
      /^Closed the \*Big\* check-in: 4 of 50/,
    );
    await sleep(DIGEST_KILL);
    await kill(app);
    app = await start();
    // The team's channels get the second round's digest; the `all` channel already had today's
    // org digest, and gets at most one a day.
    const TEAM_CHANNELS = CHANNELS.length - 1;
    await eventually(
      () =>
        messagesIn()
          .slice(0, TEAM_CHANNELS)
          .every((n, i) => n > (afterClose[i] as number)) && outboxDone(),
      30_000,
      'the second digests',
    );
    const secondDigests = messagesIn().map((n, i) => n - (afterClose[i] as number));
    expect(secondDigests.slice(0, TEAM_CHANNELS).every((n) => n >= 1 && n <= 2)).toBe(true);
    expect(secondDigests[TEAM_CHANNELS]).toBe(0);

    // Exactly once where it counts: the stored state.
    withDb((db) => {
      expect(db.prepare('SELECT round_id FROM round_summaries ORDER BY round_id').pluck().all()).toEqual([
        first,
        second,
      ]);
      expect(db.prepare('SELECT count(*) FROM rounds WHERE closed_at IS NULL').pluck().get()).toBe(0);
      expect(
        db
          .prepare(
            "SELECT round_id, kind, count(*) AS n FROM deliveries WHERE kind IN ('digest', 'file') GROUP BY round_id, kind ORDER BY round_id, kind",
          )
          .all(),
      ).toEqual([
        { round_id: first, kind: 'digest', n: CHANNELS.length },
        { round_id: first, kind: 'file', n: CHANNELS.length },
        { round_id: second, kind: 'digest', n: TEAM_CHANNELS },
        { round_id: second, kind: 'file', n: TEAM_CHANNELS },
      ]);
      expect(db.prepare('SELECT count(*) FROM responses').pluck().get()).toBe(2 * RESPONDENTS.length);
    });
    app.process.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  }, 90_000);
});
