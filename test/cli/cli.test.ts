import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonRows } from '../../src/cli/format.js';
import { EXIT } from '../../src/cli/run.js';
import { InsightService } from '../../src/services/insight.js';
import { ReportService } from '../../src/services/reports.js';
import type { Db } from '../../src/storage/database.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { SummaryRepository } from '../../src/storage/summaries.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { runCliCapturing } from '../helpers/cli.js';
import { migratedDatabase } from '../helpers/db.js';
import { dsAnswer, engAnswer, type FixtureTeam, seedOrg, tail, tooth } from '../privacy/org-fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WS = 'T0ACME';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/** Fraud ML (two rounds, tail below k), Search (tooth below k), a formula-like name, and Ads (no rounds). */
const ORG: FixtureTeam[] = [
  {
    name: 'Fraud ML',
    rounds: [
      {
        roster: [...ids('UFD', 6).map(tooth), ...ids('UFE', 3).map((id) => tail(id, 'infra'))],
        answers: ids('UFD', 5).map((userId) => ({ userId, answers: dsAnswer(10, 10) })),
        k: 5,
      },
      {
        roster: [...ids('UFD', 6).map(tooth), ...ids('UFE', 5).map((id) => tail(id, 'app'))],
        answers: [
          ...ids('UFD', 6).map((userId) => ({ userId, answers: dsAnswer(20, 10, 'rewrite') })),
          ...ids('UFE', 4).map((userId) => ({ userId, answers: engAnswer(30, 20) })),
        ],
        k: 5,
      },
    ],
  },
  {
    name: 'Search',
    rounds: [
      {
        roster: [...ids('USD', 8).map(tooth), ...ids('USE', 6).map((id) => tail(id, 'data'))],
        answers: [
          ...ids('USD', 3).map((userId) => ({ userId, answers: dsAnswer(50, 0) })),
          ...ids('USE', 6).map((userId) => ({ userId, answers: engAnswer(0, 10, 50) })),
        ],
        k: 5,
      },
    ],
  },
  {
    name: '=HYPERLINK("x"), "Ops"',
    rounds: [
      {
        roster: ids('UOD', 5).map(tooth),
        answers: ids('UOD', 5).map((userId) => ({ userId, answers: dsAnswer(0, 5) })),
        k: 5,
      },
    ],
  },
  { name: 'Ads', rounds: [] },
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real command line in a child process, as `npx tsx src/cli/index.ts …`. */
async function spawnCli(args: string[], env: Record<string, string>): Promise<Run & { bytes: Buffer }> {
  const { DATABASE_PATH: _d, ANONYMITY_THRESHOLD: _k, ...base } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      encoding: 'buffer',
    });
    return { code: 0, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), bytes: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: Buffer; stderr: Buffer };
    return {
      code: e.code,
      stdout: e.stdout.toString('utf8'),
      stderr: e.stderr.toString('utf8'),
      bytes: e.stdout,
    };
  }
}

/** The same, in this process: for the many cases where a child process would only add seconds. */
const run = runCliCapturing;

describe('tooth-tail report', () => {
  let db: Db;
  let file: string;
  let cleanup: () => void;
  const services = (k = 5) => {
    const teams = new TeamRepository(db);
    const summaries = new SummaryRepository(db);
    const reports = new ReportService({
      summaries,
      rounds: new RoundRepository(db),
      clock: () => new Date(),
      anonymityThreshold: k,
      teams,
    });
    return {
      teams,
      reports,
      insight: new InsightService({
        teams,
        summaries,
        reports,
        clock: () => new Date(),
        anonymityThreshold: k,
      }),
    };
  };

  beforeEach(() => {
    ({ db, file, cleanup } = migratedDatabase());
    seedOrg(db, WS, ORG);
  });
  afterEach(() => cleanup());

  describe('as a child process', () => {
    it('prints CSV byte-identical to the Slack export, for the org and for one team', async () => {
      const { reports, teams } = services();
      const [all, one] = await Promise.all([
        spawnCli(['report', '--format', 'csv'], { DATABASE_PATH: file }),
        spawnCli(['report', '--team', 'fraud ml', '--format=csv'], { DATABASE_PATH: file }),
      ]);
      expect(all.code).toBe(EXIT.ok);
      expect(all.bytes.equals(Buffer.from(reports.exportCsv(WS, null).csv, 'utf8'))).toBe(true);
      expect(all.stdout.split('\r\n')).toHaveLength(6);
      expect(one.code).toBe(EXIT.ok);
      const fraud = teams.find(WS, 'Fraud ML') ?? null;
      expect(one.bytes.equals(Buffer.from(reports.exportCsv(WS, fraud).csv, 'utf8'))).toBe(true);
      expect(one.stderr).toBe('');
    });

    it('prints an aligned table with withheld figures as – and the frontier', async () => {
      const table = await spawnCli(['report'], { DATABASE_PATH: file });
      expect(table.code).toBe(EXIT.ok);
      const lines = table.stdout.split('\n');
      expect(lines[0]).toBe(
        'team                    closed            eng:DS  ratio  DS answered  eng answered  productive  waiting  infra  handmaid load  verdict',
      );
      expect(lines).toContain(
        'Search                  2025-01-15 10:00     6:8   0.75          3/8           6/6           –        –      –            10%  insufficient-data',
      );
      // The rounds closed in 2025, outside the frontier's 13 weeks back from today.
      expect(table.stdout).toContain(
        'Ratio frontier (engineers per data scientist; every shown round of the last 13 weeks',
      );
      expect(table.stdout).toContain('  0.5-1     no teams');
    });

    it('prints the org view with --org, as a table and as the JSON object of issue 13', async () => {
      const [table, json] = await Promise.all([
        spawnCli(['report', '--org'], { DATABASE_PATH: file }),
        spawnCli(['report', '--org', '--format', 'json'], { DATABASE_PATH: file }),
      ]);
      expect(table).toMatchObject({ code: EXIT.ok, stderr: '' });
      expect(table.stdout).toContain(
        "Capacity lost: about 1.2 data scientists' worth of time went to waiting on engineers, and 0.9 to doing infrastructure themselves (over the 2 of 4 teams whose figures are shown).",
      );
      expect(json).toMatchObject({ code: EXIT.ok, stderr: '' });
      expect(Object.keys(JSON.parse(json.stdout))).toEqual(['k', 'capacity', 'tail_pool', 'frontier']);
    });

    it('explains --help, usage errors, unknown teams and a missing database by exit code', async () => {
      const missing = path.join(path.dirname(file), 'nowhere.db');
      const [help, unknownFlag, unknownTeam, noDb] = await Promise.all([
        spawnCli(['--help'], {}),
        spawnCli(['report', '--colour'], { DATABASE_PATH: file }),
        spawnCli(['report', '--team', 'Nope'], { DATABASE_PATH: file }),
        spawnCli(['report'], { DATABASE_PATH: missing }),
      ]);
      expect(help).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(/^Usage: tooth-tail report \[--team NAME\] \[--format table\|csv\|json\]/);
      expect(unknownFlag).toMatchObject({ code: EXIT.usage, stdout: '' });
      expect(unknownFlag.stderr).toMatch(/^tooth-tail: unknown option --colour\nUsage: tooth-tail report/);
      expect(unknownTeam.code).toBe(EXIT.notFound);
      expect(unknownTeam.stderr).toBe(
        'tooth-tail: unknown team “Nope”; teams: =HYPERLINK("x"), "Ops", Ads, Fraud ML, Search\n',
      );
      expect(noDb).toMatchObject({
        code: EXIT.runtime,
        stdout: '',
        stderr: `tooth-tail: no database at ${missing}; set DATABASE_PATH or run the app first\n`,
      });
      expect(fs.existsSync(missing)).toBe(false);
    });
  });

  describe('in process', () => {
    it('prints JSON with the CSV’s columns and null where a figure is withheld', async () => {
      const json = await run(['report', '--format', 'json'], { DATABASE_PATH: file });
      expect(json.code).toBe(EXIT.ok);
      expect(JSON.parse(json.stdout)).toEqual(jsonRows(services().insight.exportRows(WS, null)));
      expect(JSON.parse(json.stdout)[3]).toEqual({
        team: 'Search',
        round_id: 3,
        opened_at: '2025-01-13T10:00:00.000Z',
        closed_at: '2025-01-15T10:00:00.000Z',
        tooth: 8,
        tail: 6,
        ratio: 0.75,
        tooth_responses: 3,
        tail_responses: 6,
        median_waiting_pct: null,
        median_infra_pct: null,
        median_productive_pct: null,
        mean_handmaid_load: 10,
        verdict: 'insufficient-data',
        mean_waiting_pct: null,
        mean_infra_pct: null,
        waiting_fte: null,
        infra_fte: null,
        team_removed_at: null,
      });
      expect(JSON.parse(json.stdout)[1]).toMatchObject({
        team: 'Fraud ML',
        mean_waiting_pct: 10,
        mean_infra_pct: 10,
        waiting_fte: 0.6,
        infra_fte: 0.6,
      });
    });

    it('prints the org JSON: capacity summed unrounded, the pooled tail with specialties, the frontier', async () => {
      // 1 February 2025: every seeded round is inside the frontier's 13 weeks.
      const org = await run(
        ['report', '--org', '--format', 'json'],
        { DATABASE_PATH: file },
        () => new Date('2025-02-01T00:00:00.000Z'),
      );
      expect(org.code).toBe(EXIT.ok);
      expect(JSON.parse(org.stdout)).toEqual({
        k: 5,
        // Fraud ML 1.2 and 0.6, the formula-named team 0 and 0.25: 0.85 rounds half away from zero.
        capacity: { teams: 2, waiting_fte: 1.2, infra_fte: 0.9 },
        tail_pool: {
          respondents: 10,
          mean_rewrite_pct: 12,
          mean_support_pct: 14,
          mean_platform_pct: 30,
          mean_handmaid_load: 26,
          // 12% of the 11 engineers on the pooled rounds' rosters.
          rewrite_fte: 1.3,
          by_specialty: [
            { specialty: 'ml', respondents: 0, mean_handmaid_load: null, withheld: false },
            // 6 data engineers would show, but beside the 4 app engineers' withheld cell and the
            // pool they would give the app engineers away by subtraction.
            { specialty: 'data', respondents: 6, mean_handmaid_load: null, withheld: true },
            { specialty: 'infra', respondents: 0, mean_handmaid_load: null, withheld: false },
            { specialty: 'app', respondents: 4, mean_handmaid_load: null, withheld: true },
            { specialty: 'engineer', respondents: 0, mean_handmaid_load: null, withheld: false },
          ],
        },
        frontier: {
          window_weeks: 13,
          bands: [
            {
              band: 'under-0.25',
              label: '< 0.25',
              teams: 1,
              observations: 1,
              median_productive_pct: null,
              withheld: true,
            },
            {
              band: '0.25-0.5',
              label: '0.25-0.5',
              teams: 0,
              observations: 0,
              median_productive_pct: null,
              withheld: false,
            },
            // Fraud ML's two rounds are in this band: one team, so withheld.
            {
              band: '0.5-1',
              label: '0.5-1',
              teams: 1,
              observations: 2,
              median_productive_pct: null,
              withheld: true,
            },
            {
              band: '1-plus',
              label: '>= 1',
              teams: 0,
              observations: 0,
              median_productive_pct: null,
              withheld: false,
            },
          ],
        },
      });
      const table = await run(
        ['report'],
        { DATABASE_PATH: file },
        () => new Date('2025-02-01T00:00:00.000Z'),
      );
      expect(table.stdout).toContain('  0.5-1     withheld (fewer than 2 teams or 5 answers)');
    });

    it('refuses --org with --team or CSV, and with several workspaces unless one is chosen', async () => {
      expect(await run(['report', '--org', '--team', 'Search'], { DATABASE_PATH: file })).toMatchObject({
        code: EXIT.usage,
        stdout: '',
      });
      const csv = await run(['report', '--org', '--format', 'csv'], { DATABASE_PATH: file });
      expect(csv.code).toBe(EXIT.usage);
      expect(csv.stderr).toContain('--org prints a table or JSON');
      seedOrg(db, 'T0OTHER', [{ name: 'Other', rounds: [] }]);
      const several = await run(['report', '--org'], { DATABASE_PATH: file });
      expect(several.code).toBe(EXIT.usage);
      expect(several.stderr).toContain('several workspaces (T0ACME, T0OTHER); choose one with --workspace');
      expect((await run(['report', '--org', '--workspace', 'T0ACME'], { DATABASE_PATH: file })).code).toBe(
        EXIT.ok,
      );
    });

    it('refuses a bad format and a k below 3 as usage errors', async () => {
      const badFormat = await run(['report', '--format', 'xml'], { DATABASE_PATH: file });
      expect(badFormat.code).toBe(EXIT.usage);
      expect(badFormat.stderr).toContain('--format must be one of table, csv, json; got “xml”');
      const lowK = await run(['report'], { DATABASE_PATH: file, ANONYMITY_THRESHOLD: '2' });
      expect(lowK).toMatchObject({ code: EXIT.usage, stdout: '' });
      expect(lowK.stderr).toBe(
        'tooth-tail: ANONYMITY_THRESHOLD must be a whole number from 3 to 1000 (smaller groups could be identified); got “2”\n',
      );
    });

    it('reads the file without changing it', async () => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      const hash = () => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      const before = hash();
      for (const format of ['table', 'csv', 'json']) {
        expect((await run(['report', '--format', format], { DATABASE_PATH: file })).code).toBe(EXIT.ok);
      }
      expect(hash()).toBe(before);
    });

    it('applies ANONYMITY_THRESHOLD from the environment, as the app does', async () => {
      const k6 = await run(['report', '--format', 'csv'], { DATABASE_PATH: file, ANONYMITY_THRESHOLD: '6' });
      expect(k6.stdout).toBe(services(6).reports.exportCsv(WS, null).csv);
      const fraudFirst = k6.stdout
        .split('\r\n')
        .find((line) => line.startsWith('Fraud ML,'))
        ?.split(',');
      expect(fraudFirst?.slice(9, 14)).toEqual(['', '', '', '', 'insufficient-data']);
      expect((await run(['report'], { DATABASE_PATH: file, ANONYMITY_THRESHOLD: 'five' })).code).toBe(
        EXIT.usage,
      );
    });

    it('reports every workspace under one CSV header, or one with --workspace', async () => {
      seedOrg(db, 'T0OTHER', [
        {
          name: 'Fraud ML',
          rounds: [
            {
              roster: ids('UXD', 5).map(tooth),
              answers: ids('UXD', 5).map((userId) => ({ userId, answers: dsAnswer(5, 5) })),
              k: 5,
            },
          ],
        },
      ]);
      const { reports } = services();
      const both = await run(['report', '--format', 'csv'], { DATABASE_PATH: file });
      const other = reports.exportCsv('T0OTHER', null).csv;
      expect(both.stdout).toBe(reports.exportCsv(WS, null).csv + other.slice(other.indexOf('\r\n') + 2));
      expect(
        (await run(['report', '--format', 'csv', '--workspace', 'T0OTHER'], { DATABASE_PATH: file })).stdout,
      ).toBe(other);
      const fraudBoth = await run(['report', '--team', 'Fraud ML', '--format', 'json'], {
        DATABASE_PATH: file,
      });
      expect(JSON.parse(fraudBoth.stdout)).toHaveLength(3);
      const table = (await run(['report'], { DATABASE_PATH: file })).stdout;
      expect(table).toMatch(/^Workspace T0ACME\nteam /);
      expect(table).toContain('\nWorkspace T0OTHER\nteam ');
      const unknown = await run(['report', '--workspace', 'T0NOPE'], { DATABASE_PATH: file });
      expect(unknown).toMatchObject({
        code: EXIT.notFound,
        stderr: 'tooth-tail: unknown workspace “T0NOPE”; workspaces in the database: T0ACME, T0OTHER\n',
      });
    });

    it('reports an empty database as empty, in every format', async () => {
      const empty = migratedDatabase();
      try {
        const env = { DATABASE_PATH: empty.file };
        expect((await run(['report', '--format', 'csv'], env)).stdout).toBe(
          'team,round_id,opened_at,closed_at,tooth,tail,ratio,tooth_responses,tail_responses,median_waiting_pct,median_infra_pct,median_productive_pct,mean_handmaid_load,verdict,mean_waiting_pct,mean_infra_pct,waiting_fte,infra_fte,team_removed_at\r\n',
        );
        expect((await run(['report', '--format', 'json'], env)).stdout).toBe('[]\n');
        expect((await run(['report'], env)).stdout).toContain('(no closed rounds yet)');
        const org = JSON.parse((await run(['report', '--org', '--format', 'json'], env)).stdout);
        expect(org.capacity).toEqual({ teams: 0, waiting_fte: null, infra_fte: null });
        expect(org.tail_pool.respondents).toBe(0);
        expect(await run(['report', '--team', 'x'], env)).toMatchObject({
          code: EXIT.notFound,
          stderr: 'tooth-tail: unknown team “x”; there are no teams yet\n',
        });
      } finally {
        empty.cleanup();
      }
    });

    it.each([
      [
        'an older schema',
        'DELETE FROM schema_migrations WHERE id = 1',
        /migration 001_init is not applied\); start the app once/,
      ],
      [
        'a changed migration',
        "UPDATE schema_migrations SET checksum = 'changed'",
        /migration 001_init in the database differs/,
      ],
      ['no schema_migrations table', 'DROP TABLE schema_migrations', /not a tooth-tail database/],
    ])('refuses %s with exit code 1', async (_, sql, message) => {
      db.exec(sql);
      const result = await run(['report'], { DATABASE_PATH: file });
      expect(result.code).toBe(EXIT.runtime);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    });

    it('refuses a file that is not a database with exit code 1', async () => {
      const junk = path.join(path.dirname(file), 'junk.db');
      fs.writeFileSync(junk, 'not a database at all, just text '.repeat(100));
      const result = await run(['report'], { DATABASE_PATH: junk });
      expect(result.code).toBe(EXIT.runtime);
      expect(result.stderr).toMatch(/^tooth-tail: .*not a database/);
    });
  });
});
