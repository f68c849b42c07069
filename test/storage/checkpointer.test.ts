import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer, type CheckpointResult } from '../../src/storage/checkpointer.js';
import { openDatabase } from '../../src/storage/database.js';
import { eventually } from '../helpers/child-app.js';
import { migratedDatabase } from '../helpers/db.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function logger() {
  const lines: string[] = [];
  return {
    lines,
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
  };
}

const ROW = 'x'.repeat(2000);
const BATCHES = 30;
const ROWS_PER_BATCH = 100;

describe('Checkpointer', () => {
  it('checkpoints from a thread of its own, and the connection never does', async () => {
    const { db, file, cleanup } = migratedDatabase();
    cleanups.push(cleanup);
    const log = logger();
    const checkpointer = Checkpointer.start(db, file, log, { intervalMs: 10 });
    cleanups.push(() => checkpointer.stop());
    expect(checkpointer.running).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    const results: CheckpointResult[] = [];
    checkpointer.onCheckpoint((r) => results.push(r));
    db.exec('CREATE TABLE filler (a TEXT)');
    const insert = db.prepare('INSERT INTO filler (a) VALUES (?)');
    const batch = db.transaction(() => {
      for (let i = 0; i < ROWS_PER_BATCH; i++) insert.run(ROW);
    });
    let written = 0;
    for (let b = 0; b < BATCHES; b++) {
      batch.immediate();
      written += ROWS_PER_BATCH * ROW.length;
      // Give the worker its turn, as the gaps between requests do.
      const seen = results.length;
      await eventually(() => results.length > seen, 5000, 'a checkpoint');
    }
    // Every batch's pages went back into the database file, so SQLite reused the WAL from its
    // start instead of growing it: without the worker it would hold all ~6 MB written.
    expect(results.some((r) => r.checkpointed > 0)).toBe(true);
    expect(fs.statSync(`${file}-wal`).size).toBeLessThan(written / 4);
    expect(db.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(BATCHES * ROWS_PER_BATCH);
    expect(log.lines).toEqual([]);

    await checkpointer.stop();
    expect(checkpointer.running).toBe(false);
    insert.run('after the stop');
    await checkpointer.stop(); // a second stop is harmless
  });

  it("falls back to SQLite's own checkpoints, and says so once, when the worker cannot run", async () => {
    const { db, file, cleanup } = migratedDatabase();
    cleanups.push(cleanup);
    const log = logger();
    const checkpointer = Checkpointer.start(db, file, log, {
      intervalMs: 10,
      driver: '/nowhere/better-sqlite3',
    });
    cleanups.push(() => checkpointer.stop());
    await eventually(() => !checkpointer.running, 5000, 'the fallback');
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(
      /^warn the database's checkpoint worker stopped .*commits checkpoint again$/,
    );
  });

  it('leaves a database in memory, or opened read-only, to SQLite', async () => {
    const memory = openDatabase(':memory:');
    cleanups.push(() => {
      memory.close();
    });
    const none = Checkpointer.start(memory, ':memory:', logger());
    expect(none.running).toBe(false);
    expect(memory.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await none.stop();

    const { file, cleanup } = migratedDatabase();
    cleanups.push(cleanup);
    const readonly = openDatabase(file, { readonly: true });
    cleanups.push(() => {
      readonly.close();
    });
    expect(Checkpointer.start(readonly, file, logger()).running).toBe(false);
  });
});
