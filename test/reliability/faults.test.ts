// A bad day: Slack slow (timeouts) or rate limiting in bursts, the database locked by another
// process, and a failure in the middle of a transaction. Nothing is lost silently, nothing is sent
// twice, and nothing is half-written.
import { spawn } from 'node:child_process';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { DeliverySender } from '../../src/services/sender.js';
import { createSlackApp } from '../../src/slack/app.js';
import { SlackGateway } from '../../src/slack/gateway.js';
import { OutboxRepository } from '../../src/storage/outbox.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { migratedDatabase } from '../helpers/db.js';
import { BOT_TOKEN, type Harness, SIGNING_SECRET, startHarness } from '../helpers/harness.js';
import { INTERNALS, snapshot } from './helpers.js';

const ADMIN = 'UADMIN';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function harness(members: string[], options: Parameters<typeof startHarness>[0]['options'] = {}) {
  const h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...members.map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
    ],
    channels: [
      { id: 'C0LEADS', name: 'ml-leads' },
      { id: 'C0ORG', name: 'org-all' },
    ],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    options,
  });
  cleanups.push(() => h.stop());
  return h;
}

async function teamWith(h: Harness, members: string[]): Promise<void> {
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud ${members.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
}

const count = (h: Harness, sql: string): number =>
  (h.app.db.prepare(`SELECT count(*) AS n FROM ${sql}`).get() as { n: number }).n;

describe('Slack slow or limiting', () => {
  /**
   * The sender exactly as startApp wires it, with a short request timeout (the default, 15 s, is
   * too long for a test), alone, so the test counts only its calls.
   */
  async function senderWithTimeout(requestTimeoutMs: number) {
    const sandbox = await Sandbox.start({
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      channels: [{ id: 'C0LEADS', name: 'ml-leads' }],
    });
    const { db, cleanup } = migratedDatabase();
    cleanups.push(async () => {
      await sandbox.stop();
      cleanup();
    });
    const config = loadConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: sandbox.apiUrl,
      LOG_LEVEL: 'error',
    });
    const { app } = createSlackApp(config, {
      retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 20 },
      requestTimeoutMs,
    });
    // The bot joins the public channel, as `subscribe` would have it do (with the default timeout,
    // not the short one under test).
    await new WebClient(BOT_TOKEN, { slackApiUrl: sandbox.apiUrl }).conversations.join({
      channel: 'C0LEADS',
    });
    const warnings: string[] = [];
    const outbox = new OutboxRepository(db);
    const sender = new DeliverySender({
      outbox,
      rounds: new RoundRepository(db),
      slack: new SlackGateway(app.client),
      clock: () => new Date(),
      logger: { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
      concurrency: 1,
      retryBaseMs: 20,
    });
    const queue = (n: number) =>
      outbox.enqueue(
        Array.from({ length: n }, (_, i) => ({
          workspaceId: 'T0SANDBOX',
          kind: 'digest' as const,
          dedupeKey: `digest:${i}`,
          channel: 'C0LEADS',
          payload: { text: `digest ${i}` },
          notBefore: new Date(0).toISOString(),
        })),
        new Date().toISOString(),
      );
    const rows = () =>
      db.prepare('SELECT dedupe_key, status, error, attempts FROM deliveries ORDER BY id').all() as Array<{
        dedupe_key: string;
        status: string;
        error: string | null;
        attempts: number;
      }>;
    return { sandbox, sender, queue, rows, warnings };
  }

  it('retries a Web API call that times out, within bounds, then sends the delivery again later', async () => {
    const { sandbox, sender, queue, rows, warnings } = await senderWithTimeout(150);
    queue(3);
    // The first delivery's call and its one retry both hang past the timeout; the next call hangs
    // once and its retry gets through. The first goes back to the outbox, and out again.
    sandbox.delayNext('chat.postMessage', { ms: 1000, times: 3 });
    await sender.kick();
    await sender.idle();
    expect(rows()).toEqual([
      { dedupe_key: 'digest:0', status: 'sent', error: null, attempts: 2 },
      { dedupe_key: 'digest:1', status: 'sent', error: null, attempts: 1 },
      { dedupe_key: 'digest:2', status: 'sent', error: null, attempts: 1 },
    ]);
    expect(warnings).toEqual([]);
    const posts = () => sandbox.calls.filter((c) => c.method === 'chat.postMessage');
    await sandbox.waitFor(() => posts().length === 6, 2000, 'the held calls to end');
    // Held calls are recorded when they end, so compare them sorted.
    expect(
      posts()
        .map((c) => [c.args.text, c.status, c.error ?? 'ok'])
        .sort(),
    ).toEqual([
      ['digest 0', 0, 'timed_out'],
      ['digest 0', 0, 'timed_out'],
      ['digest 0', 200, 'ok'],
      ['digest 1', 0, 'timed_out'],
      ['digest 1', 200, 'ok'],
      ['digest 2', 200, 'ok'],
    ]);
    // A call that timed out never reached Slack, so nothing was posted twice.
    expect(sandbox.messages('C0LEADS').map((m) => m.text)).toEqual(['digest 1', 'digest 2', 'digest 0']);
  });

  it('gives up on a digest whose calls keep timing out after a bounded number of attempts', async () => {
    const { sandbox, sender, queue, rows, warnings } = await senderWithTimeout(100);
    queue(1);
    sandbox.delayNext('chat.postMessage', { ms: 1000, times: 1000 });
    await sender.kick();
    await sender.idle();
    expect(rows()).toEqual([
      { dedupe_key: 'digest:0', status: 'failed', error: 'request_error', attempts: 8 },
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(/^delivery 1 \(digest to C0LEADS\) failed: request_error \(after 8 attempts\)/),
    ]);
    expect(sandbox.messages('C0LEADS')).toEqual([]);
  });

  it('waits out a burst of 20 HTTP 429s across a 30-person fan-out: everyone gets exactly one DM', async () => {
    const members = Array.from({ length: 30 }, (_, i) => `U0M${String(i).padStart(2, '0')}`);
    // Production's number of retries (fiveRetriesInFiveMinutes), without its minutes of back-off.
    const h = await harness(members, {
      retryConfig: { retries: 5, factor: 1, minTimeout: 10, maxTimeout: 20 },
    });
    await teamWith(h, members);
    h.sandbox.rateLimitNext('chat.postMessage', { retryAfterSeconds: 1, times: 20 });
    const started = Date.now();
    expect((await h.run(ADMIN, 'survey now Fraud')).text).toMatch(/30 people will get a DM now/);
    await h.settle();
    const elapsed = Date.now() - started;
    const posts = h.sandbox.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.filter((c) => c.status === 429)).toHaveLength(20);
    expect(posts.filter((c) => c.ok)).toHaveLength(30);
    for (const id of members) expect(h.sandbox.dm(id)).toHaveLength(1);
    expect(h.app.db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all()).toEqual([
      { status: 'sent', n: 30 },
    ]);
    // Each 429 holds its one delivery for Retry-After: at least a second, well under a minute.
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(15_000);
  }, 30_000);
});

describe('the database locked by another process', () => {
  /** Another process takes the write lock (as a backup or a second instance could) for `ms`. */
  async function lockFor(file: string, ms: number): Promise<{ released: Promise<number> }> {
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.exec('BEGIN EXCLUSIVE');
      process.stdout.write('locked\\n');
      setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released ' + Date.now() + '\\n'); }, Number(process.argv[2]));
    `;
    const child = spawn(process.execPath, ['-e', script, file, String(ms)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const released = new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const at = /released (\d+)/.exec(out);
        if (at) resolve(Number(at[1]));
      });
      child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the locker exited ${code}`))));
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.includes('locked') && resolve());
      child.once('exit', () => reject(new Error(`the locker never locked: ${out}`)));
    });
    return { released };
  }

  it('commands arriving while it is locked succeed once it is released (busy timeout)', async () => {
    const h = await harness(['U0DS1', 'U0DS2']);
    await teamWith(h, ['U0DS1']);
    const { released } = await lockFor(h.databasePath, 1000);
    const sent = Date.now();
    const replies = await Promise.all([
      h.run(ADMIN, 'team add Locked'),
      h.run(ADMIN, 'roster add Fraud <@U0DS2> as engineer:infra'),
      h.run(ADMIN, 'subscribe <#C0LEADS> Fraud each-round'),
    ]);
    const releasedAt = await released;
    // Each was answered after the lock was released, having arrived while it was held.
    expect(releasedAt - sent).toBeGreaterThanOrEqual(800);
    for (const reply of replies) {
      const post = h.sandbox.responses.find((r) => r.body === reply);
      expect(post?.at).toBeGreaterThanOrEqual(releasedAt);
    }
    expect(replies.map((r) => r.text)).toEqual([
      expect.stringMatching(/^Added team \*Locked\*/),
      expect.stringMatching(/^\*Fraud\* as engineer:infra: added <@U0DS2>/),
      expect.stringMatching(/^Subscribed <#C0LEADS>/),
    ]);
    expect(count(h, 'teams')).toBe(2);
    expect(count(h, 'members')).toBe(2);
    expect(count(h, 'subscriptions')).toBe(1);
  });

  it('a lock held past the busy timeout fails the command cleanly: a plain message, nothing written', async () => {
    const h = await harness(['U0DS1']);
    await teamWith(h, ['U0DS1']);
    const before = snapshot(h.app.db);
    const { released } = await lockFor(h.databasePath, 6000); // the busy timeout is 5 s
    const reply = await h.run(ADMIN, 'survey now Fraud');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe(
      'Sorry, something went wrong on our side and nothing was changed. Please try again in a minute.',
    );
    expect(reply.text).not.toMatch(INTERNALS);
    await released;
    expect(snapshot(h.app.db)).toEqual(before);
    expect((await h.run(ADMIN, 'survey now Fraud')).text).toMatch(/^Opened a check-in for \*Fraud\*/);
  }, 20_000);
});

describe('a failure in the middle of a transaction', () => {
  const members = ['U0DS1', 'U0DS2', 'U0DS3', 'U0DS4'];

  async function answered(h: Harness, userId: string): Promise<void> {
    const dm = await h.sandbox.waitFor(() => h.sandbox.dm(userId).at(-1), 5000, `a DM to ${userId}`);
    await h.sandbox.clickButton(userId, { channel: userId, ts: dm.ts }, 'check_in_answer');
    await h.sandbox.waitFor(() => h.sandbox.openViews(userId).at(-1), 5000, `a modal for ${userId}`);
    await h.sandbox.fillAndSubmit(userId, { waiting_pct: '10', infra_pct: '5', path_to_prod: 'paired' });
  }

  /** A trigger that fails the statement, and so the transaction around it, as a full disk would. */
  const failOn = (h: Harness, name: string, table: string, when = '1') =>
    h.app.db.exec(
      `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected)'); END`,
    );

  it('closing: a failure after the round was marked closed leaves it open, with no summary and no digest', async () => {
    const h = await harness(members);
    await teamWith(h, members);
    await h.run(ADMIN, 'subscribe <#C0LEADS> Fraud each-round');
    await h.run(ADMIN, 'subscribe <#C0ORG> all each-round');
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    for (const id of members.slice(0, 3)) await answered(h, id);
    await h.settle();
    // The summary is written after `closed_at`; the digests after the summary. Fail each in turn.
    for (const [table, when] of [
      ['round_summaries', '1'],
      ['deliveries', "NEW.kind = 'file'"],
    ] as const) {
      const before = snapshot(h.app.db);
      failOn(h, 'fail_close', table, when);
      const reply = await h.run(ADMIN, 'survey close Fraud');
      expect(reply.text).toMatch(/^Sorry, something went wrong on our side and nothing was changed/);
      h.app.db.exec('DROP TRIGGER fail_close');
      await h.settle();
      expect(snapshot(h.app.db)).toEqual(before);
      expect(count(h, 'rounds WHERE closed_at IS NULL')).toBe(1);
      expect(h.sandbox.messages('C0LEADS')).toHaveLength(0);
    }
    // Once the fault is gone the same command closes it, exactly once.
    expect((await h.run(ADMIN, 'survey close Fraud')).text).toMatch(/^Closed the \*Fraud\* check-in: 3 of 4/);
    await h.settle();
    expect(count(h, 'round_summaries')).toBe(1);
    expect(count(h, "deliveries WHERE kind = 'digest'")).toBe(2);
    expect(h.sandbox.messages('C0LEADS')).toHaveLength(1);
    expect(h.sandbox.messages('C0ORG')).toHaveLength(1);
  });

  it('opening: a failure while queueing the check-ins leaves no round, no roster snapshot and no DM', async () => {
    const h = await harness(members);
    await teamWith(h, members);
    const before = snapshot(h.app.db);
    failOn(h, 'fail_open', 'deliveries', `NEW.user_id = '${members[2]}'`);
    const reply = await h.run(ADMIN, 'survey now Fraud');
    expect(reply.text).toMatch(/^Sorry, something went wrong on our side and nothing was changed/);
    h.app.db.exec('DROP TRIGGER fail_open');
    await h.settle();
    expect(snapshot(h.app.db)).toEqual(before);
    for (const id of members) expect(h.sandbox.dm(id)).toHaveLength(0);
    expect((await h.run(ADMIN, 'survey now Fraud')).text).toMatch(/4 people will get a DM now/);
    await h.settle();
    for (const id of members) expect(h.sandbox.dm(id)).toHaveLength(1);
  });

  it('reminding: a failure while queueing reminders leaves the reminder unsent and unmarked, to run again', async () => {
    const h = await harness(members);
    await teamWith(h, members);
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    await answered(h, members[0] as string);
    const round = h.app.db.prepare('SELECT id FROM rounds').get() as { id: number };
    const before = snapshot(h.app.db);
    failOn(h, 'fail_remind', 'deliveries', `NEW.kind = 'reminder' AND NEW.user_id = '${members[3]}'`);
    expect(() => h.app.rounds.remind(round.id, 1)).toThrow(/injected/);
    h.app.db.exec('DROP TRIGGER fail_remind');
    expect(snapshot(h.app.db)).toEqual(before);
    expect(h.app.rounds.remind(round.id, 1)).toBe(3);
    expect(h.app.rounds.remind(round.id, 1)).toBe(0);
    await h.settle();
    expect(members.map((id) => h.sandbox.dm(id).length)).toEqual([1, 2, 2, 2]);
  });
});
