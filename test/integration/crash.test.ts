// Crash safety with the app as a real child process: SIGKILL in the middle of a 500-person
// fan-out loses nobody and duplicates at most `concurrency` DMs; SIGTERM finishes in-flight sends.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrate.js';
import { type ChildApp, eventually, freePort, startChildApp } from '../helpers/child-app.js';
import { seedTeam, tempDir } from '../helpers/db.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const MEMBERS = Array.from({ length: 500 }, (_, i) => `U0P${String(i).padStart(4, '0')}`);
const CONCURRENCY = 8; // the app's default sender concurrency

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setUp() {
  const { dir, cleanup } = tempDir();
  const databasePath = path.join(dir, 'crash.db');
  const db = openDatabase(databasePath);
  migrate(db);
  seedTeam(db, { name: 'Big', members: MEMBERS, createdBy: ADMIN });
  db.close();
  // Slack-like pace, so the fan-out is still running when it is interrupted.
  const sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...MEMBERS.map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
    ],
    limits: { workspacePerSecond: 100 },
  });
  const port = await freePort();
  sandbox.setAppUrl(`http://127.0.0.1:${port}/slack/events`);
  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: sandbox.apiUrl,
    DATABASE_PATH: databasePath,
    ADMIN_USER_IDS: ADMIN,
    LOG_LEVEL: 'warn',
    // The killed process's lease must run out before the restart sends; a short one keeps this quick.
    WORKER_LEASE_SECONDS: '2',
  };
  const children: ChildApp[] = [];
  cleanups.push(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await sandbox.stop();
    cleanup();
  });
  const start = async () => {
    const child = await startChildApp(env, port);
    children.push(child);
    return child;
  };
  const dmCounts = () => MEMBERS.map((id) => sandbox.dm(id).length);
  const outboxState = () => {
    const db = openDatabase(databasePath, { readonly: true });
    try {
      return db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as Array<{
        status: string;
        n: number;
      }>;
    } finally {
      db.close();
    }
  };
  return { sandbox, start, dmCounts, outboxState };
}

describe('crash safety', () => {
  it('after SIGKILL mid fan-out, a restart delivers to everyone, with at most `concurrency` duplicates', async () => {
    const { sandbox, start, dmCounts, outboxState } = await setUp();
    const first = await start();
    const reply = await (await sandbox.command(ADMIN, 'survey now Big')).reply(10_000);
    expect(reply.text).toMatch(/500 people will get a DM/);
    await eventually(() => dmCounts().filter((n) => n > 0).length >= 150, 30_000, '150 DMs');
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const delivered = dmCounts().filter((n) => n > 0).length;
    expect(delivered).toBeLessThan(MEMBERS.length);

    const second = await start();
    await eventually(() => dmCounts().every((n) => n > 0), 60_000, 'a DM for every member');
    await eventually(() => outboxState().every((s) => s.status === 'sent'), 10_000, 'an empty outbox');
    const counts = dmCounts();
    expect(counts.filter((n) => n === 0)).toHaveLength(0);
    expect(counts.filter((n) => n > 2)).toHaveLength(0);
    expect(counts.filter((n) => n === 2).length).toBeLessThanOrEqual(CONCURRENCY);
    second.process.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 120_000);

  it('on SIGTERM finishes the sends in flight, exits 0, and a restart sends the rest exactly once', async () => {
    const { sandbox, start, dmCounts, outboxState } = await setUp();
    const first = await start();
    await (await sandbox.command(ADMIN, 'survey now Big')).reply(10_000);
    await eventually(() => dmCounts().filter((n) => n > 0).length >= 100, 30_000, '100 DMs');
    first.process.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(outboxState().find((s) => s.status === 'sending')).toBeUndefined();
    const sentBefore = outboxState().find((s) => s.status === 'sent')?.n ?? 0;
    expect(dmCounts().filter((n) => n > 0).length).toBe(sentBefore);

    await start();
    await eventually(() => dmCounts().every((n) => n > 0), 60_000, 'a DM for every member');
    await eventually(() => outboxState().every((s) => s.status === 'sent'), 10_000, 'an empty outbox');
    expect(dmCounts().every((n) => n === 1)).toBe(true);
  }, 120_000);
});
