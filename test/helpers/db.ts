import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Db, openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrate.js';
import { TeamRepository } from '../../src/storage/teams.js';

/** A fresh folder for one test's database files; removed by `cleanup`. */
export function tempDir(prefix = 'tooth-tail-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The SQL of every statement `build` prepares on `db` (a repository's constructor prepares its
 * statements, most of them private): for reading their plans or programs with EXPLAIN.
 */
export function statementsPreparedBy(db: Db, build: () => void): string[] {
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  try {
    build();
  } finally {
    db.prepare = prepare;
  }
  return prepared;
}

/** A real, migrated SQLite file in a temp folder. */
export function migratedDatabase(): { db: Db; file: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'test.db');
  const db = openDatabase(file);
  migrate(db);
  return {
    db,
    file,
    cleanup: () => {
      if (db.open) db.close();
      cleanup();
    },
  };
}

/**
 * A team of data scientists written straight into a migrated database, for tests that start the
 * app as a child process on it. Returns the team's id.
 */
export function seedTeam(
  db: Db,
  input: { name: string; members: readonly string[]; createdBy: string },
): number {
  const teams = new TeamRepository(db);
  const now = new Date().toISOString();
  const workspaceId = 'T0SANDBOX';
  const team = teams.add({
    workspaceId,
    name: input.name,
    channelId: null,
    timezone: 'UTC',
    createdBy: input.createdBy,
    now,
  });
  for (const userId of input.members) {
    teams.upsertMember({
      workspaceId,
      teamId: team.id,
      userId,
      role: 'data-scientist',
      specialty: null,
      now,
    });
  }
  return team.id;
}
