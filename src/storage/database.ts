import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export type Db = BetterSqlite3.Database;

/**
 * The SQLite driver's package for this Node. better-sqlite3 12 is the last that runs on Node 20
 * (13 needs 22), but on Node 24.19 and later 12 aborts the process when a statement is
 * garbage-collected after its thread's environment is gone (nodejs/node#65446: its objects use
 * Node's ObjectWrap); 13, on Node-API, does not. Same API: the types are 12's.
 */
export const SQLITE_DRIVER =
  Number(process.versions.node.split('.')[0]) >= 24 ? 'better-sqlite3-napi' : 'better-sqlite3';

export const Database: typeof BetterSqlite3 = createRequire(import.meta.url)(SQLITE_DRIVER);

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

/** A value that changes whenever the database changes, cheap enough to ask on every request. */
export interface DataVersion {
  current(): string;
}

/** How late a commit by another process (a second app process, the CLI) may show in `current`. */
export const OTHER_PROCESSES_EVERY_MS = 100;

/**
 * Writes on this connection move `total_changes()`, a counter of the connection that takes no
 * lock. Commits by other connections move SQLite's `data_version`, which needs a read transaction
 * (a lock and an unlock on the -shm file), the dearest step of an ack answered from a kept reply
 * on a busy machine. So it is read at most every OTHER_PROCESSES_EVERY_MS: another process's
 * change shows that much later at most, far less than a person takes between two commands. Every
 * write of this process is on this connection (the check-in thread and the checkpoint thread
 * write no rows), so nothing of this process shows late.
 */
export function dataVersion(db: Db, options: { now?: () => number } = {}): DataVersion {
  const now = options.now ?? (() => performance.now());
  const others = db.prepare('PRAGMA data_version').pluck();
  const own = db.prepare('SELECT total_changes()').pluck();
  let othersSeen = others.get();
  let askedAt = now();
  return {
    current: () => {
      const at = now();
      if (at - askedAt >= OTHER_PROCESSES_EVERY_MS || at < askedAt) {
        othersSeen = others.get();
        askedAt = at;
      }
      return `${othersSeen}:${own.get()}`;
    },
  };
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
 * One better-sqlite3 transaction function per connection, which runs the work it is given (a
 * nested call takes a savepoint, as its own transaction functions do): db.transaction(fn) builds
 * four wrappers and defines their properties on every call, a tenth of a submission's write when
 * it was made once per transaction (profiled under `npm run bench`).
 */
const runners = new WeakMap<Db, (work: () => unknown) => unknown>();

/**
 * Runs `fn` in a transaction that begins immediately (BEGIN IMMEDIATE), as every transaction of
 * the app does. In WAL mode a deferred transaction that reads and then writes fails with
 * SQLITE_BUSY_SNAPSHOT when another connection wrote in between, and the busy timeout cannot
 * help; one that takes the write lock up front waits its turn instead.
 */
export function immediateTransaction<T>(db: Db, fn: () => T): T {
  let run = runners.get(db);
  if (!run) {
    run = db.transaction((work: () => unknown) => work()).immediate;
    runners.set(db, run);
  }
  return run(fn) as T;
}
