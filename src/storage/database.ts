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
