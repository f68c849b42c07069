import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Db, immediateTransaction } from './database.js';

/** migrations/ sits at the package root, both beside src/ (tsx, tests) and beside dist/ (npm start). */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface Migration {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationDriftError extends Error {
  readonly code = 'migration_drift';
}

const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .filter((file) => FILE_PATTERN.test(file))
    .sort()
    .map((file) => {
      const [, id, name] = FILE_PATTERN.exec(file) as RegExpExecArray;
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        id: Number(id),
        name: name as string,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
  migrations.forEach((m, index) => {
    if (m.id !== index + 1)
      throw new MigrationDriftError(
        `migrations must be numbered 001, 002, … without gaps; found ${m.id} at position ${index + 1}`,
      );
  });
  return migrations;
}

/**
 * Applies, in order and each in its own transaction, the migrations the database has not seen.
 * Refuses (MigrationDriftError) a database that has migrations these files do not know, or
 * whose applied files have since changed: that database belongs to other code.
 */
export function migrate(db: Db, migrations: Migration[] = readMigrations()): { applied: number[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const done = db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all() as Array<{
    id: number;
    name: string;
    checksum: string;
  }>;
  const known = new Map(migrations.map((m) => [m.id, m]));
  for (const row of done) {
    const file = known.get(row.id);
    if (!file) {
      throw new MigrationDriftError(
        `the database has migration ${String(row.id).padStart(3, '0')}_${row.name}, which this version of tooth-tail does not know; run a newer version or restore a matching backup`,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationDriftError(
        `migration ${String(row.id).padStart(3, '0')}_${row.name} was changed after it was applied; migrations are forward only: add a new file instead`,
      );
    }
  }
  const applied: number[] = [];
  const record = db.prepare(
    'INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
  );
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?');
  for (const m of migrations) {
    if (done.some((row) => row.id === m.id)) continue;
    // Two processes starting at once (a rolling deploy) both see the migration missing; the
    // write lock taken up front makes the second wait, see it applied, and skip it.
    const ran = immediateTransaction(db, () => {
      if (isApplied.get(m.id)) return false;
      db.exec(m.sql);
      record.run(m.id, m.name, m.checksum, new Date().toISOString());
      return true;
    });
    if (ran) applied.push(m.id);
  }
  return { applied };
}
