// Two app processes on one database (a rolling deploy, or a second start by mistake), as real
// child processes: both answer Slack, one worker runs the scheduler and the sender, nobody is
// missed or prompted twice, and neither process dies. Killed mid fan-out, the worker's lease
// passes to the other process within one lease period, and it finishes the round.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { type Db, openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrate.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { type ChildApp, eventually, freePort, startChildApp } from '../helpers/child-app.js';
import { seedTeam, tempDir } from '../helpers/db.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const MEMBERS = Array.from({ length: 500 }, (_, i) => `U0W${String(i).padStart(4, '0')}`);
const CONCURRENCY = 8; // the app's default sender concurrency: sends in flight at once

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface Health {
  status: string;
  lease: { held: boolean; self: string; holder: string | null; expiresAt: string | null };
  outbox: Record<string, number>;
}

const health = async (app: ChildApp): Promise<Health> =>
  (await (await fetch(`http://127.0.0.1:${app.port}/healthz`)).json()) as Health;

async function setUp(input: { members: readonly string[]; env: Record<string, string>; perSecond?: number }) {
  const { dir, cleanup } = tempDir('tooth-tail-two-');
  const databasePath = path.join(dir, 'shared.db');
  const sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...input.members.map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
    ],
    ...(input.perSecond ? { limits: { workspacePerSecond: input.perSecond } } : {}),
  });
  const children: ChildApp[] = [];
  cleanups.push(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await sandbox.stop();
    cleanup();
  });
  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: sandbox.apiUrl,
    DATABASE_PATH: databasePath,
    ADMIN_USER_IDS: ADMIN,
    LOG_LEVEL: 'warn',
    ...input.env,
  };
  const start = async () => {
    const child = await startChildApp(env, await freePort(), 60_000);
    children.push(child);
    return child;
  };
  /** Slack sends its requests to this process (a load balancer's choice). */
  const route = (app: ChildApp) => sandbox.setAppUrl(`http://127.0.0.1:${app.port}/slack/events`);
  const withDb = <T>(fn: (db: Db) => T): T => {
    const db = openDatabase(databasePath);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  const dmCounts = () => input.members.map((id) => sandbox.dm(id).length);
  const outboxDone = () =>
    withDb((db) => db.prepare("SELECT count(*) FROM deliveries WHERE status <> 'sent'").pluck().get()) === 0;
  return { sandbox, start, route, withDb, dmCounts, outboxDone, databasePath };
}

describe('two processes on one database', () => {
  it('across a scheduled minute, with a fan-out of 500: everyone prompted exactly once, both processes up', async () => {
    const { sandbox, start, route, withDb, dmCounts, outboxDone } = await setUp({
      members: MEMBERS,
      env: { WORKER_LEASE_SECONDS: '10' },
    });
    // Both start at once on a new file: both migrate it, one after the other.
    const [a, b] = (await Promise.all([start(), start()])) as [ChildApp, ChildApp];
    // One of them takes the lease at its first tick, or its next if the other was migrating.
    const [healthA, healthB] = await eventually(
      async () => {
        const both = await Promise.all([health(a), health(b)]);
        return both.some((h) => h.lease.held) && both;
      },
      10_000,
      'a process to hold the lease',
    );
    expect([healthA.lease.held, healthB.lease.held].sort()).toEqual([false, true]);
    expect(healthA.lease.holder).toBe(healthB.lease.holder);
    expect(
      withDb((db) => db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()),
    ).toBeGreaterThan(0);

    // A team of 500 scheduled for the next minute (at least 3 s away, to be seeded in time).
    const at = new Date(Math.ceil((Date.now() + 3000) / 60_000) * 60_000);
    withDb((db) => {
      const teamId = seedTeam(db, { name: 'Big', members: MEMBERS, createdBy: ADMIN });
      const cron = `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
      new TeamRepository(db).schedule(teamId, cron, 'UTC', 3, new Date().toISOString());
    });

    // Every process answers Slack, worker or not.
    for (const app of [a, b]) {
      route(app);
      expect((await (await sandbox.command(ADMIN, 'teams')).answer(10_000)).text).toContain('Big');
    }

    await eventually(
      () => dmCounts().every((n) => n > 0),
      at.getTime() - Date.now() + 60_000,
      'a DM for everyone',
    );
    await eventually(outboxDone, 20_000, 'an outbox with nothing left to send');
    const counts = dmCounts();
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    expect(withDb((db) => db.prepare('SELECT scheduled_for FROM rounds').pluck().all())).toEqual([
      at.toISOString(),
    ]);
    expect([a.process.exitCode, b.process.exitCode]).toEqual([null, null]);
    expect(a.output() + b.output()).not.toMatch(/SQLITE_BUSY_SNAPSHOT|Unhandled|uncaught/i);

    // Both stop cleanly; the worker lets go of the lease as it stops.
    a.process.kill('SIGTERM');
    b.process.kill('SIGTERM');
    expect([(await a.exited).code, (await b.exited).code]).toEqual([0, 0]);
  }, 150_000);

  it('the worker killed mid fan-out: the other takes over within one lease period and finishes the round', async () => {
    const LEASE_MS = 4000;
    const { sandbox, start, route, withDb, dmCounts, outboxDone, databasePath } = await setUp({
      members: MEMBERS,
      env: { WORKER_LEASE_SECONDS: String(LEASE_MS / 1000) },
      // Slack-like pace, so the fan-out is still running when the worker is killed.
      perSecond: 100,
    });
    const db = openDatabase(databasePath);
    migrate(db);
    seedTeam(db, { name: 'Big', members: MEMBERS, createdBy: ADMIN });
    db.close();

    const worker = await start();
    await eventually(
      async () => (await health(worker)).lease.held,
      10_000,
      'the first process to take the lease',
    );
    const standby = await start();
    expect((await health(standby)).lease).toMatchObject({
      held: false,
      holder: (await health(worker)).lease.self,
    });

    // The command reaches the standby; the worker sends.
    route(standby);
    expect((await (await sandbox.command(ADMIN, 'survey now Big')).answer(20_000)).text).toMatch(
      /500 people will get a DM/,
    );
    await eventually(() => dmCounts().filter((n) => n > 0).length >= 150, 60_000, '150 DMs');
    worker.process.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await worker.exited).signal).toBe('SIGKILL');
    expect(dmCounts().filter((n) => n > 0).length).toBeLessThan(MEMBERS.length);

    await eventually(
      async () => (await health(standby)).lease.held,
      LEASE_MS * 3,
      'the standby to take the lease',
    );
    const tookOverAt = Date.parse(
      withDb((db) =>
        db.prepare("SELECT acquired_at FROM leases WHERE name = 'worker'").pluck().get(),
      ) as string,
    );
    expect(tookOverAt - killedAt).toBeLessThanOrEqual(LEASE_MS);

    await eventually(() => dmCounts().every((n) => n > 0), 60_000, 'a DM for everyone');
    await eventually(outboxDone, 20_000, 'an outbox with nothing left to send');
    const counts = dmCounts();
    expect(counts.filter((n) => n === 0 || n > 2)).toEqual([]);
    // Only what the killed worker had in flight can go twice.
    expect(counts.filter((n) => n === 2).length).toBeLessThanOrEqual(CONCURRENCY);
    expect(standby.process.exitCode).toBeNull();
    standby.process.kill('SIGTERM');
    expect((await standby.exited).code).toBe(0);
  }, 150_000);

  it('a write lock held past the busy timeout mid fan-out: the worker stays up and finishes, exactly once', async () => {
    const members = MEMBERS.slice(0, 100);
    const { sandbox, start, dmCounts, outboxDone, databasePath, route } = await setUp({
      members,
      env: { LOG_LEVEL: 'error' },
      perSecond: 40,
    });
    const db = openDatabase(databasePath);
    migrate(db);
    seedTeam(db, { name: 'Mid', members, createdBy: ADMIN });
    const app = await start();
    route(app);
    await (await sandbox.command(ADMIN, 'survey now Mid')).answer(20_000);
    await eventually(() => dmCounts().filter((n) => n > 0).length >= 20, 30_000, '20 DMs');
    // Another process (a long migration, a careless sqlite3 shell) holds the write lock for
    // longer than the app's 5 s busy timeout.
    db.exec('BEGIN IMMEDIATE');
    await new Promise((resolve) => setTimeout(resolve, 6500));
    db.exec('COMMIT');
    db.close();
    expect(app.process.exitCode).toBeNull();
    await eventually(() => dmCounts().every((n) => n > 0), 60_000, 'a DM for everyone');
    await eventually(outboxDone, 20_000, 'an outbox with nothing left to send');
    expect(dmCounts().filter((n) => n !== 1)).toEqual([]);
    expect(app.output()).toMatch(
      /(claiming|recording) deliveries failed \(SQLITE_BUSY\): database is locked/,
    );
    expect(app.process.exitCode).toBeNull();
    app.process.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  }, 120_000);
});
