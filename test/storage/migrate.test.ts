import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { MigrationDriftError, migrate, readMigrations } from '../../src/storage/migrate.js';
import { migratedDatabase, tempDir } from '../helpers/db.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const schemaOf = (db: ReturnType<typeof openDatabase>) =>
  db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();

/** An empty database file in a temporary folder, closed and removed after the test. */
function emptyDatabase(): ReturnType<typeof openDatabase> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const db = openDatabase(path.join(dir, 'test.db'));
  cleanups.unshift(() => db.close());
  return db;
}

describe('migrate', () => {
  it('applies every file once, in order, and records it', () => {
    const db = emptyDatabase();
    const files = readMigrations();
    expect(files.map((m) => m.id)).toEqual(files.map((_, i) => i + 1));
    expect(migrate(db).applied).toEqual(files.map((m) => m.id));
    const recorded = db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all();
    expect(recorded).toEqual(files.map((m) => ({ id: m.id, name: m.name })));
  });

  it('changes nothing when run again', () => {
    const { db, cleanup } = migratedDatabase();
    cleanups.push(cleanup);
    const before = schemaOf(db);
    const rowsBefore = db.prepare('SELECT * FROM schema_migrations').all();
    expect(migrate(db).applied).toEqual([]);
    expect(schemaOf(db)).toEqual(before);
    expect(db.prepare('SELECT * FROM schema_migrations').all()).toEqual(rowsBefore);
  });

  it('refuses a database with a migration the code does not know', () => {
    const { db, cleanup } = migratedDatabase();
    cleanups.push(cleanup);
    db.prepare(
      "INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (999, 'from_the_future', 'x', 'now')",
    ).run();
    expect(() => migrate(db)).toThrow(MigrationDriftError);
    expect(() => migrate(db)).toThrow(/999_from_the_future.*does not know/);
  });

  it('refuses a database whose applied migration file has since changed', () => {
    const { db, cleanup } = migratedDatabase();
    cleanups.push(cleanup);
    const edited = readMigrations().map((m) => (m.id === 1 ? { ...m, checksum: 'edited' } : m));
    expect(() => migrate(db, edited)).toThrow(/was changed after it was applied/);
  });

  it('applies only the new file when one is added, inside a transaction', () => {
    const db = emptyDatabase();
    const files = readMigrations();
    migrate(db, files);
    const broken = {
      id: files.length + 1,
      name: 'broken',
      sql: 'CREATE TABLE extra (id INTEGER); SELECT nonsense FROM nowhere;',
      checksum: 'c',
    };
    expect(() => migrate(db, [...files, broken])).toThrow();
    // The failed migration left neither its table nor its record behind.
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({
      n: 0,
    });
    const good = { ...broken, name: 'extra', sql: 'CREATE TABLE extra (id INTEGER);' };
    expect(migrate(db, [...files, good]).applied).toEqual([good.id]);
  });

  it('keeps every response and delivery when 009 rebuilds their tables, and their indexes', () => {
    const db = emptyDatabase();
    const files = readMigrations();
    const rebuild = files.find((m) => m.name === 'checks_without_in_lists');
    if (!rebuild) throw new Error('migration 009 is missing');
    migrate(
      db,
      files.filter((m) => m.id < rebuild.id),
    );
    db.exec(`
      INSERT INTO teams (id, workspace_id, name, name_key, timezone, created_by, created_at, schedule_since)
        VALUES (1, 'T1', 'Fraud', 'fraud', 'UTC', 'U0', 'x', 'x');
      INSERT INTO rounds (id, workspace_id, team_id, opened_at, closes_at, opened_by) VALUES (7, 'T1', 1, 'x', 'y', 'U0');
      INSERT INTO round_roster (round_id, workspace_id, user_id, role, prompt_at) VALUES
        (7, 'T1', 'U1', 'data-scientist', 'x'), (7, 'T1', 'U2', 'engineer', 'x');
      INSERT INTO responses (id, workspace_id, round_id, user_id, role, waiting_pct, infra_pct, path_to_prod, blocker,
          submitted_at, updated_at)
        VALUES (3, 'T1', 7, 'U1', 'data-scientist', 20, 10, 'rewrite', 'the deploy queue', 'a', 'b');
      INSERT INTO responses (id, workspace_id, round_id, user_id, role, rewrite_pct, support_pct, platform_pct,
          submitted_at, updated_at)
        VALUES (4, 'T1', 7, 'U2', 'engineer', 50, 30, 0, 'c', 'd');
      INSERT INTO deliveries (id, workspace_id, kind, dedupe_key, channel, payload, round_id, user_id, not_before,
          status, attempts, message_channel, message_ts, error, created_at, updated_at) VALUES
        (11, 'T1', 'prompt', 'p:7:U1', 'U1', '{"text":"hi"}', 7, 'U1', 'n', 'sent', 1, 'D1', '1.1', NULL, 'c', 'u'),
        (12, 'T1', 'update', 't:7:U1', 'U1', '{"text":"thanks","updateTs":"1.1"}', 7, 'U1', 'n', 'failed', 8,
          NULL, NULL, 'ratelimited', 'c', 'u');
    `);
    const rows = () => ({
      responses: db.prepare('SELECT * FROM responses ORDER BY id').all(),
      deliveries: db.prepare('SELECT * FROM deliveries ORDER BY id').all(),
      indexes: db
        .prepare(
          "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('responses', 'deliveries') ORDER BY name",
        )
        .all(),
    });
    const before = rows();
    expect(before.indexes).toHaveLength(5);
    // Up to 009 itself: the migrations after it may add indexes of their own.
    const upTo009 = files.filter((m) => m.id <= rebuild.id);
    expect(migrate(db, upTo009).applied).toEqual([rebuild.id]);
    expect(rows()).toEqual(before);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('opens with WAL, foreign keys and a busy timeout', () => {
    const { db, cleanup } = migratedDatabase();
    cleanups.push(cleanup);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThanOrEqual(1000);
  });

  it('reports an unusable database path clearly', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'not-a-db.db');
    fs.writeFileSync(file, 'this is not sqlite'.repeat(100));
    expect(() => migrate(openDatabase(file))).toThrow(/not a database|cannot open/);
  });
});
