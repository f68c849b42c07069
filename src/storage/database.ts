import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export class DatabaseOpenError extends Error {
  readonly code = 'database_unavailable';
}

/**
 * Opens (creating if needed) the SQLite file with WAL, foreign keys and a busy timeout, so a
 * second process (the CLI report, a backup) waits for a lock instead of failing at once.
 * Throws DatabaseOpenError with a readable reason when the file or its folder is unusable.
 */
export function openDatabase(file: string, options: { readonly?: boolean; busyTimeoutMs?: number } = {}): Db {
  try {
    if (file !== ':memory:' && !options.readonly)
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    if (!options.readonly) {
      // Fail now, not on the first write, when the file or disk refuses writes.
      db.exec('BEGIN IMMEDIATE; COMMIT;');
    }
    return db;
  } catch (error) {
    throw new DatabaseOpenError(`cannot open the database at ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * A value that changes whenever the database changes: SQLite's `data_version` moves when another
 * connection (the other process, the CLI) commits, and `total_changes()` when this one writes.
 * Reading both costs two prepared statements, far less than any query it lets a cache skip.
 */
export function dataVersion(db: Db): () => string {
  const others = db.prepare('PRAGMA data_version').pluck();
  const own = db.prepare('SELECT total_changes()').pluck();
  return () => `${others.get()}:${own.get()}`;
}

/**
 * Runs `fn` with a shorter busy timeout on this connection. The driver waits for a lock
 * synchronously, holding up every request of the process; background work that will simply try
 * again later (renewing the worker lease) should not wait the full timeout that requests get.
 */
export function withBusyTimeout<T>(db: Db, ms: number, fn: () => T): T {
  const previous = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(ms))}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${previous}`);
  }
}

/**
 * Runs `fn` in a transaction that begins immediately (BEGIN IMMEDIATE), as every transaction of
 * the app does. In WAL mode a deferred transaction that reads and then writes fails with
 * SQLITE_BUSY_SNAPSHOT when another connection wrote in between, and the busy timeout cannot
 * help; one that takes the write lock up front waits its turn instead.
 */
export function immediateTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
