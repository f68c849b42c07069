import type { Db } from '../storage/database.js';
import { type Migration, MigrationDriftError, readMigrations } from '../storage/migrate.js';

const label = (m: { id: number; name: string }): string => `${String(m.id).padStart(3, '0')}_${m.name}`;

/**
 * Checks, without writing, that the database was migrated by exactly these migration files: the
 * read-only report must neither migrate a file nor read one shaped by other code.
 * Throws MigrationDriftError saying what differs and what to do.
 */
export function verifySchema(db: Db, migrations: Migration[] = readMigrations()): void {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (table === undefined)
    throw new MigrationDriftError(
      'the file has no schema_migrations table: it is not a tooth-tail database, or the app has never started on it',
    );
  const applied = db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all() as Array<{
    id: number;
    name: string;
    checksum: string;
  }>;
  const known = new Map(migrations.map((m) => [m.id, m]));
  for (const row of applied) {
    const file = known.get(row.id);
    if (!file)
      throw new MigrationDriftError(
        `the database has migration ${label(row)}, which this version of tooth-tail does not know; use a newer version`,
      );
    if (file.checksum !== row.checksum)
      throw new MigrationDriftError(
        `migration ${label(row)} in the database differs from this version's file; the database belongs to other code`,
      );
  }
  const missing = migrations.find((m) => !applied.some((row) => row.id === m.id));
  if (missing)
    throw new MigrationDriftError(
      `the database is older than this version of tooth-tail (migration ${label(missing)} is not applied); start the app once to migrate it`,
    );
}
