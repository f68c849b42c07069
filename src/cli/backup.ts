// `tooth-tail backup <file>`: an online, consistent copy of the database while the app runs.
import fs from 'node:fs';
import type { Db } from '../storage/database.js';
import { openDatabase } from '../storage/database.js';
import { verifySchema } from './schema.js';

/**
 * Pages per backup step, returned by the progress callback: all that remain. SQLite restarts a
 * backup when another connection writes between two steps, so under steady writes a copy made in
 * small steps might never finish; one step reads everything inside one read transaction, a
 * consistent snapshot, and in WAL mode a reader never blocks the app's writes.
 */
const ALL_PAGES = 0x7fffffff;

export class BackupTargetExistsError extends Error {
  readonly code = 'backup_target_exists';
}

export interface BackupResult {
  bytes: number;
  /** Rows in the copy, per table that matters to an operator checking it. */
  rows: { teams: number; rounds: number; responses: number; summaries: number };
}

/**
 * Copies `source` to `target` with SQLite's online backup API (better-sqlite3's `backup()`),
 * then opens the copy and checks it (`PRAGMA quick_check`, and that its migrations are this
 * version's) before giving it its name, so a file at `target` is always a whole, checked copy.
 * The copy is a single file (rollback journal, not WAL), ready to be put in place of the database.
 * Throws BackupTargetExistsError rather than overwrite a file.
 */
export async function backupDatabase(source: Db, target: string): Promise<BackupResult> {
  if (fs.existsSync(target)) throw new BackupTargetExistsError(`${target} exists already; choose a new file`);
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    await source.backup(partial, { progress: () => ALL_PAGES });
    const rows = check(partial);
    fs.renameSync(partial, target);
    return { bytes: fs.statSync(target).size, rows };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}

function check(file: string): BackupResult['rows'] {
  const copy = openDatabase(file);
  try {
    const result = copy.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new Error(`the copy failed SQLite's quick_check: ${String(result)}`);
    verifySchema(copy);
    copy.pragma('journal_mode = DELETE');
    const count = (table: string) => copy.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return {
      teams: count('teams'),
      rounds: count('rounds'),
      responses: count('responses'),
      summaries: count('round_summaries'),
    };
  } finally {
    copy.close();
  }
}
