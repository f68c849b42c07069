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

describe('migrate', () => {
  it('applies every file once, in order, and records it', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = openDatabase(path.join(dir, 'a.db'));
    cleanups.unshift(() => db.close());
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
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = openDatabase(path.join(dir, 'b.db'));
    cleanups.unshift(() => db.close());
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
