// One worker at a time: the lease decides which process runs the scheduler and the sender. Two
// processes are two connections to one migrated file here, with a hand-turned clock.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkerLease } from '../../src/services/worker-lease.js';
import { Database, type Db, openDatabase } from '../../src/storage/database.js';
import type { Lease } from '../../src/storage/leases.js';
import { LeaseRepository } from '../../src/storage/leases.js';
import { migratedDatabase } from '../helpers/db.js';

const PERIOD = 4000; // ticks every 1 s; a lease lasts 2 s from its renewal
let now = Date.parse('2027-01-04T10:00:00.000Z');
let file: string;
let cleanup: () => void;
const connections: Db[] = [];

beforeEach(() => {
  now = Date.parse('2027-01-04T10:00:00.000Z');
  const migrated = migratedDatabase();
  ({ file, cleanup } = migrated);
  connections.push(migrated.db);
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const db of connections.splice(0)) if (db.open) db.close();
  cleanup();
});

function processNamed(self: string, onAcquired: (previous: Lease | undefined) => void = () => {}) {
  const db = openDatabase(file);
  connections.push(db);
  const logs: string[] = [];
  const leases = new LeaseRepository(db);
  const lease = new WorkerLease({
    leases,
    self,
    periodMs: PERIOD,
    now: () => now,
    onAcquired,
    logger: {
      info: (m) => logs.push(`info: ${m}`),
      warn: (m) => logs.push(`warn: ${m}`),
      error: (m) => logs.push(`error: ${m}`),
    },
  });
  return { lease, leases, logs };
}

describe('WorkerLease', () => {
  it('one process holds it; the other stands by', () => {
    const takeovers: Array<Lease | undefined> = [];
    const a = processNamed('A', (previous) => takeovers.push(previous));
    const b = processNamed('B', () => takeovers.push(undefined));
    a.lease.tick();
    b.lease.tick();
    expect([a.lease.held(), b.lease.held()]).toEqual([true, false]);
    expect(takeovers).toEqual([undefined]);
    expect(b.lease.status()).toEqual({
      held: false,
      self: 'B',
      holder: 'A',
      expiresAt: new Date(now + PERIOD / 2).toISOString(),
    });
    // Renewed every tick, it stays with A however long it runs.
    for (let i = 0; i < 10; i++) {
      now += PERIOD / 4;
      a.lease.tick();
      b.lease.tick();
      expect([a.lease.held(), b.lease.held()]).toEqual([true, false]);
    }
    expect(takeovers).toHaveLength(1);
  });

  it('when the holder dies, the other takes over within three quarters of a period, and learns from whom', () => {
    const previous: Array<Lease | undefined> = [];
    const a = processNamed('A');
    const b = processNamed('B', (p) => previous.push(p));
    a.lease.tick();
    const lastRenewal = now;
    // A dies right after renewing; B keeps ticking every quarter period.
    let tookOverAt: number | null = null;
    while (tookOverAt === null) {
      now += PERIOD / 4;
      b.lease.tick();
      if (b.lease.held()) tookOverAt = now;
    }
    expect(tookOverAt - lastRenewal).toBeLessThanOrEqual((PERIOD * 3) / 4);
    expect(previous).toEqual([expect.objectContaining({ holder: 'A' })]);
    // A counts it as its own no longer than the expiry it wrote, so the two never overlap.
    expect(a.lease.held()).toBe(false);
    expect(b.logs).toContainEqual(expect.stringMatching(/^info: took the worker lease from A/));
  });

  it('a holder that stops releases the lease; the other takes it at its next tick', () => {
    const a = processNamed('A');
    const b = processNamed('B');
    a.lease.tick();
    a.lease.stop();
    expect(a.lease.held()).toBe(false);
    b.lease.tick();
    expect(b.lease.held()).toBe(true);
  });

  it('a renewal that fails (the database locked) is logged once; the lease holds until it runs out', () => {
    const a = processNamed('A');
    a.lease.tick();
    const acquire = vi.spyOn(a.leases, 'acquire').mockImplementation(() => {
      throw new Database.SqliteError('database is locked', 'SQLITE_BUSY');
    });
    now += PERIOD / 4;
    expect(() => a.lease.tick()).not.toThrow();
    now += PERIOD / 8;
    a.lease.tick();
    expect(a.lease.held()).toBe(true); // 1.5 s after the last renewal, of 2 s
    now += PERIOD / 8;
    expect(a.lease.held()).toBe(false); // 2 s: it has run out, so A stops claiming work
    expect(a.logs.filter((l) => l.startsWith('error:'))).toEqual([
      expect.stringMatching(/^error: renewing the worker lease failed \(SQLITE_BUSY\): database is locked; /),
    ]);
    acquire.mockRestore();
    a.lease.tick();
    expect(a.lease.held()).toBe(true);
    expect(a.logs).toContainEqual('info: renewing the worker lease works again after 2 failures');
  });

  it('takeover work that throws is logged once and tried again at each tick until it succeeds', () => {
    let calls = 0;
    const a = processNamed('A', () => {
      calls += 1;
      if (calls < 3) throw new Database.SqliteError('database is locked', 'SQLITE_BUSY');
    });
    a.lease.tick();
    now += PERIOD / 4;
    a.lease.tick();
    now += PERIOD / 4;
    a.lease.tick();
    now += PERIOD / 4;
    a.lease.tick();
    expect(calls).toBe(3);
    expect(a.logs.filter((l) => l.startsWith('error:'))).toHaveLength(1);
  });

  it('a holder whose lease lapsed takes it back, told that it was its own', () => {
    const previous: Array<Lease | undefined> = [];
    const a = processNamed('A', (p) => previous.push(p));
    a.lease.tick();
    now += PERIOD; // a stalled event loop: no tick for a whole period
    expect(a.lease.held()).toBe(false);
    a.lease.tick();
    expect(a.lease.held()).toBe(true);
    expect(previous).toEqual([undefined, expect.objectContaining({ holder: 'A' })]);
  });
});
