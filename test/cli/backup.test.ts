// `tooth-tail backup <file>`: an online, consistent copy while another process writes. Every row
// committed before the backup began is in the copy, and the copy is one moment of the database:
// the writer's rows in it are load:1 … load:M with no gap.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/run.js';
import { type Db, openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrate.js';
import { OutboxRepository } from '../../src/storage/outbox.js';
import { runCliCapturing } from '../helpers/cli.js';
import { seedTeam, tempDir } from '../helpers/db.js';

const PREFILL = 20_000;
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function database(): { file: string; dir: string; db: Db } {
  const { dir, cleanup } = tempDir('tooth-tail-backup-');
  const file = path.join(dir, 'tooth-tail.db');
  const db = openDatabase(file);
  cleanups.push(() => {
    if (db.open) db.close();
    cleanup();
  });
  migrate(db);
  seedTeam(db, { name: 'Fraud', members: ['U01', 'U02', 'U03'], createdBy: 'UADMIN' });
  return { file, dir, db };
}

const cli = runCliCapturing;

/** The writer's committed rows, as a sorted list of their numbers. */
const loadRows = (db: Db): number[] =>
  (db.prepare("SELECT dedupe_key FROM deliveries WHERE dedupe_key LIKE 'load:%'").pluck().all() as string[])
    .map((key) => Number(key.slice('load:'.length)))
    .sort((a, b) => a - b);

describe('tooth-tail backup', () => {
  it('copies the database while another process writes: every row committed before it began, as one consistent moment', async () => {
    const { file, dir, db } = database();
    // Some megabytes, so the copy takes a while next to the writer.
    new OutboxRepository(db).enqueue(
      Array.from({ length: PREFILL }, (_, i) => ({
        workspaceId: 'T0FILL',
        kind: 'digest' as const,
        dedupeKey: `fill:${i}`,
        channel: 'C0FILL',
        payload: { text: `fill ${i} ${'y'.repeat(300)}` },
        notBefore: '2999-01-01T00:00:00.000Z',
      })),
      new Date().toISOString(),
    );
    const writer: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/write-load.ts', file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    cleanups.push(() => writer.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      writer.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      writer.once('exit', (code) => reject(new Error(`the writer exited with ${code}`)));
    });

    const committedBefore = loadRows(db).at(-1) ?? 0;
    const target = path.join(dir, 'backups', 'copy.db');
    const result = await cli(['backup', target], { DATABASE_PATH: file });
    const committedAfter = loadRows(db).at(-1) ?? 0;
    writer.kill('SIGKILL');

    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(
      new RegExp(
        `^backed up .*tooth-tail\\.db to ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+\\.\\d MB; checked: 1 teams, 0 rounds, 0 responses, 0 round summaries\\)\\n$`,
      ),
    );
    // The writer kept going during the backup: the copy was taken under load.
    expect(committedAfter).toBeGreaterThan(committedBefore);

    const copy = openDatabase(target, { readonly: true });
    try {
      const rows = loadRows(copy);
      const last = rows.at(-1) ?? 0;
      expect(last).toBeGreaterThanOrEqual(committedBefore);
      expect(last).toBeLessThanOrEqual(committedAfter);
      expect(rows).toEqual(Array.from({ length: last }, (_, i) => i + 1));
      expect(
        copy.prepare("SELECT count(*) FROM deliveries WHERE dedupe_key LIKE 'fill:%'").pluck().get(),
      ).toBe(PREFILL);
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
      // One self-contained file, ready to be put in place of the database.
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    } finally {
      copy.close();
    }
    expect(fs.readdirSync(path.dirname(target))).toEqual(['copy.db']);
    // The app accepts the copy as its own: nothing to migrate.
    const restored = openDatabase(target);
    try {
      expect(migrate(restored).applied).toEqual([]);
    } finally {
      restored.close();
    }
  }, 60_000);

  it('never overwrites a file, and refuses a file that is not a tooth-tail database', async () => {
    const { file, dir } = database();
    const existing = path.join(dir, 'existing.db');
    fs.writeFileSync(existing, 'keep me');
    const refused = await cli(['backup', existing], { DATABASE_PATH: file });
    expect(refused.code).toBe(EXIT.runtime);
    expect(refused.stderr).toMatch(
      /^tooth-tail: cannot back up .*: .*existing\.db exists already; choose a new file\n$/,
    );
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep me');

    const stranger = path.join(dir, 'stranger.db');
    openDatabase(stranger).close();
    const notOurs = await cli(['backup', path.join(dir, 'copy.db')], { DATABASE_PATH: stranger });
    expect(notOurs.code).toBe(EXIT.runtime);
    expect(notOurs.stderr).toMatch(/not a tooth-tail database/);
    expect(fs.existsSync(path.join(dir, 'copy.db'))).toBe(false);

    const missing = await cli(['backup', path.join(dir, 'copy.db')], {
      DATABASE_PATH: path.join(dir, 'nope.db'),
    });
    expect(missing.code).toBe(EXIT.runtime);
    expect(missing.stderr).toMatch(/^tooth-tail: no database at /);

    const usage = await cli(['backup'], { DATABASE_PATH: file });
    expect(usage.code).toBe(EXIT.usage);
    expect(usage.stderr).toMatch(/^tooth-tail: backup needs the file to write/);
  });
});
