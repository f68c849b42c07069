// What every benchmark needs around the app: a temp folder, a migrated database seeded through
// the repositories, the sandbox, and a list of things to stop when the benchmark ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Role, Specialty } from '../../src/domain/types.js';
import type { SandboxUser } from '../../src/sandbox/sandbox.js';
import { type Db, openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrate.js';
import { type Team, TeamRepository } from '../../src/storage/teams.js';

export const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-bench-token';
export const WORKSPACE = 'T0SANDBOX';
export const ADMIN = 'UADMIN';

/** Things to stop or remove, last first; `run` never throws, so one failure stops nothing else. */
export class Cleanups {
  private readonly steps: Array<() => Promise<void> | void> = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    while (this.steps.length > 0) {
      try {
        await this.steps.pop()?.();
      } catch (error) {
        console.error(`bench cleanup: ${(error as Error).message}`);
      }
    }
  }
}

export function tempDir(cleanups: Cleanups): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tooth-tail-bench-'));
  cleanups.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function migratedDatabase(file: string): Db {
  const db = openDatabase(file);
  migrate(db);
  return db;
}

export interface Person {
  id: string;
  role: Role;
  specialty: Specialty | null;
}

const SPECIALTIES: Specialty[] = ['ml', 'data', 'infra', 'app'];

/** `count` people, `prefix`0001…, three data scientists to every two engineers of mixed specialty. */
export function people(prefix: string, count: number): Person[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}${String(i + 1).padStart(5, '0')}`;
    return i % 5 < 3
      ? { id, role: 'data-scientist' as const, specialty: null }
      : { id, role: 'engineer' as const, specialty: SPECIALTIES[i % SPECIALTIES.length] as Specialty };
  });
}

export const sandboxUsers = (members: readonly Person[]): SandboxUser[] => [
  { id: ADMIN, name: 'ada', tz: 'UTC' },
  ...members.map((m) => ({ id: m.id, name: m.id.toLowerCase(), tz: 'UTC' })),
];

/** A team with these members, written through the repositories as the app would. */
export function seedTeam(db: Db, name: string, members: readonly Person[], now = new Date()): Team {
  const teams = new TeamRepository(db);
  const at = now.toISOString();
  return db.transaction(() => {
    const team = teams.add({
      workspaceId: WORKSPACE,
      name,
      channelId: null,
      timezone: 'UTC',
      createdBy: ADMIN,
      now: at,
    });
    for (const m of members) {
      teams.upsertMember({
        workspaceId: WORKSPACE,
        teamId: team.id,
        userId: m.id,
        role: m.role,
        specialty: m.specialty,
        now: at,
      });
    }
    return team;
  })();
}

/** The environment of an app child pointed at the sandbox. */
export function appEnvironment(input: {
  apiUrl: string;
  databasePath: string;
  logLevel?: string;
}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: input.apiUrl,
    DATABASE_PATH: input.databasePath,
    ADMIN_USER_IDS: ADMIN,
    LOG_LEVEL: input.logLevel ?? 'error',
  };
}
