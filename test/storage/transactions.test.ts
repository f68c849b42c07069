// Issue 15: two processes on one database, and a claim failed with SQLITE_BUSY_SNAPSHOT. A
// transaction that reads and then writes must take the write lock when it begins, so that another
// connection writing in between waits for it instead of failing it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Db, immediateTransaction, openDatabase } from '../../src/storage/database.js';
import { OutboxRepository } from '../../src/storage/outbox.js';
import { migratedDatabase } from '../helpers/db.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const NOW = '2027-01-04T10:00:00.000Z';
const DUE_SQL = "status = 'pending' AND not_before <= ?";

let db: Db;
let other: Db;
let cleanup: () => void;

beforeEach(() => {
  const migrated = migratedDatabase();
  ({ db, cleanup } = migrated);
  // The other process: no busy timeout, so a write that would wait shows as SQLITE_BUSY at once.
  other = openDatabase(migrated.file, { busyTimeoutMs: 0 });
  new OutboxRepository(db).enqueue(
    ['U1', 'U2'].map((userId) => ({
      workspaceId: 'T1',
      kind: 'digest' as const,
      dedupeKey: `digest:${userId}`,
      channel: userId,
      payload: { text: 'hello' },
      notBefore: NOW,
    })),
    NOW,
  );
});
afterEach(() => {
  vi.restoreAllMocks();
  other.close();
  cleanup();
});

/**
 * Makes the other connection write right after `db` reads the due deliveries, inside whatever
 * transaction that read is part of: the interleaving two processes produce by chance.
 */
function writeFromOtherAfterTheDueRead(): { error: () => unknown } {
  const statement = Object.getPrototypeOf(db.prepare('SELECT 1')) as { all: (...args: unknown[]) => unknown };
  const all = statement.all;
  let error: unknown = null;
  let done = false;
  vi.spyOn(statement, 'all').mockImplementation(function (this: Database.Statement, ...args: unknown[]) {
    const rows = all.apply(this, args);
    if (!done && this.database === db && this.source.includes(DUE_SQL)) {
      done = true;
      try {
        other
          .prepare(
            "UPDATE deliveries SET error = 'touched by the other process' WHERE dedupe_key = 'digest:U2'",
          )
          .run();
      } catch (caught) {
        error = caught;
      }
    }
    return rows;
  });
  return { error: () => error };
}

describe('transactions that read, then write', () => {
  it('a deferred one fails with SQLITE_BUSY_SNAPSHOT when another connection writes in between (the fault)', () => {
    const interleaving = writeFromOtherAfterTheDueRead();
    const claim = db.transaction(() => {
      const rows = db
        .prepare(`SELECT * FROM deliveries WHERE ${DUE_SQL} ORDER BY not_before, id LIMIT 1`)
        .all(NOW) as Array<{ id: number }>;
      for (const row of rows) db.prepare("UPDATE deliveries SET status = 'sending' WHERE id = ?").run(row.id);
    });
    expect(() => claim()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }));
    expect(interleaving.error()).toBeNull(); // the other process's write went through
  });

  it('claiming due deliveries takes the write lock first: the other connection waits, the claim succeeds', () => {
    const interleaving = writeFromOtherAfterTheDueRead();
    const claimed = new OutboxRepository(db).claimDue(NOW, 1);
    expect(claimed.map((d) => d.dedupeKey)).toEqual(['digest:U1']);
    // With no busy timeout the other connection says SQLITE_BUSY instead of waiting its turn.
    expect(interleaving.error()).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(db.prepare("SELECT dedupe_key, status FROM deliveries WHERE status = 'sending'").all()).toEqual([
      { dedupe_key: 'digest:U1', status: 'sending' },
    ]);
  });

  it('a transaction inside another is a savepoint: it rolls back alone, and the outer one commits', () => {
    const status = (key: string) =>
      (db.prepare('SELECT error FROM deliveries WHERE dedupe_key = ?').get(key) as { error: string | null })
        .error;
    const mark = (key: string) =>
      db.prepare("UPDATE deliveries SET error = 'marked' WHERE dedupe_key = ?").run(key);
    const result = immediateTransaction(db, () => {
      mark('digest:U1');
      expect(() =>
        immediateTransaction(db, () => {
          mark('digest:U2');
          throw new Error('the inner one fails');
        }),
      ).toThrow('the inner one fails');
      expect(db.inTransaction).toBe(true);
      return immediateTransaction(db, () => 'inner value');
    });
    expect(result).toBe('inner value');
    expect(db.inTransaction).toBe(false);
    expect([status('digest:U1'), status('digest:U2')]).toEqual(['marked', null]);
    // The outer one failing rolls back everything, the inner ones' work included.
    expect(() =>
      immediateTransaction(db, () => {
        immediateTransaction(db, () => mark('digest:U2'));
        throw new Error('the outer one fails');
      }),
    ).toThrow('the outer one fails');
    expect(status('digest:U2')).toBeNull();
    // It takes the write lock as it begins: the other connection cannot write meanwhile.
    immediateTransaction(db, () => {
      expect(() => other.prepare("UPDATE deliveries SET error = 'x'").run()).toThrow(/locked|busy/i);
    });
  });

  it('every transaction in src/ goes through immediateTransaction', () => {
    const files = fs
      .readdirSync(SRC, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.startsWith('sandbox'));
    const offenders = files.filter(
      (file) =>
        file !== path.join('storage', 'database.ts') &&
        /\.transaction\(/.test(fs.readFileSync(path.join(SRC, file), 'utf8')),
    );
    expect(offenders).toEqual([]);
    // …and the check sees a transaction where there is one.
    expect(fs.readFileSync(path.join(SRC, 'storage', 'database.ts'), 'utf8')).toMatch(
      /db\.transaction\(.*\)\.immediate\b/,
    );
  });
});
