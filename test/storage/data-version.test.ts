// The version kept command replies hang on: what moves it at once, and how late another process's
// commit may show.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DataVersion,
  type Db,
  dataVersion,
  OTHER_PROCESSES_EVERY_MS,
  openDatabase,
} from '../../src/storage/database.js';
import { migratedDatabase } from '../helpers/db.js';

let db: Db;
let other: Db;
let cleanup: () => void;
let now: number;
let version: DataVersion;

beforeEach(() => {
  const migrated = migratedDatabase();
  ({ db, cleanup } = migrated);
  other = openDatabase(migrated.file);
  now = 1_000;
  version = dataVersion(db, { now: () => now });
});
afterEach(() => {
  other.close();
  cleanup();
});

/** Any commit will do: who may read the org table, as `/tooth-tail ratio-visibility` sets it. */
const write = (on: Db) =>
  on
    .prepare(
      `INSERT INTO workspace_settings (workspace_id, ratio_visibility) VALUES ('T1', 'leads')
       ON CONFLICT (workspace_id) DO UPDATE SET ratio_visibility =
         CASE ratio_visibility WHEN 'leads' THEN 'everyone' ELSE 'leads' END`,
    )
    .run();

describe('dataVersion', () => {
  it('stays put while nothing is written, however long', () => {
    const before = version.current();
    now += 10 * OTHER_PROCESSES_EVERY_MS;
    expect(version.current()).toBe(before);
    db.prepare('SELECT count(*) FROM teams').get();
    expect(version.current()).toBe(before);
  });

  it('moves at once when this connection writes', () => {
    const before = version.current();
    write(db);
    expect(version.current()).not.toBe(before);
  });

  it("shows another process's commit within OTHER_PROCESSES_EVERY_MS, and not by reading more often", () => {
    const before = version.current();
    write(other);
    now += OTHER_PROCESSES_EVERY_MS - 1;
    expect(version.current()).toBe(before);
    now += 1;
    const after = version.current();
    expect(after).not.toBe(before);
    now += OTHER_PROCESSES_EVERY_MS;
    expect(version.current()).toBe(after);
  });

  it('reads again when the clock goes back, rather than trusting an old reading', () => {
    const before = version.current();
    write(other);
    now -= 1;
    expect(version.current()).not.toBe(before);
  });
});
