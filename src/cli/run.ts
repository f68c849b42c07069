// The `tooth-tail` command line: reads DATABASE_PATH read-only and prints the round summaries
// through the same services, and so the same anonymity rule, as Slack (SPEC section 7); or
// copies it to a backup file.
import fs from 'node:fs';
import path from 'node:path';
import { exportCsv } from '../domain/export-csv.js';
import { InsightService } from '../services/insight.js';
import { type Clock, systemClock } from '../services/ports.js';
import { ReportService } from '../services/reports.js';
import { type Db, openDatabase } from '../storage/database.js';
import { MigrationDriftError } from '../storage/migrate.js';
import { RoundRepository } from '../storage/rounds.js';
import { SummaryRepository } from '../storage/summaries.js';
import { type Team, TeamRepository } from '../storage/teams.js';
import { type CliCommand, parseCliArgs, USAGE } from './args.js';
import { BackupTargetExistsError, backupDatabase } from './backup.js';
import { formatFrontier, formatJson, formatTable } from './format.js';
import { formatOrg, orgJson } from './org.js';
import { verifySchema } from './schema.js';

export const EXIT = { ok: 0, runtime: 1, usage: 2, notFound: 3 } as const;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const DEFAULT_DATABASE_PATH = './data/tooth-tail.db';
const DEFAULT_K = 5;
const MIN_K = 3;

type Report = Extract<CliCommand, { kind: 'report' | 'org' }>;

/** k from ANONYMITY_THRESHOLD, or why it is refused. The same bounds as the app's config. */
function anonymityThreshold(env: NodeJS.ProcessEnv): number | { error: string } {
  const raw = env.ANONYMITY_THRESHOLD?.trim() ?? '';
  if (raw === '') return DEFAULT_K;
  const k = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(k >= MIN_K && k <= 1000))
    return {
      error: `ANONYMITY_THRESHOLD must be a whole number from ${MIN_K} to 1000 (smaller groups could be identified); got “${raw}”`,
    };
  return k;
}

/** Runs the command line; resolves with the exit code. Never rejects. */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  clock: Clock = systemClock,
): Promise<number> {
  const command = parseCliArgs(argv);
  if (command.kind === 'help') {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (command.kind === 'usage-error') {
    io.stderr(
      `tooth-tail: ${command.message}\n${USAGE.split('\n')[0]}\nRun \`tooth-tail --help\` for more.\n`,
    );
    return EXIT.usage;
  }
  const k = command.kind === 'report' ? anonymityThreshold(env) : DEFAULT_K;
  if (typeof k !== 'number') {
    io.stderr(`tooth-tail: ${k.error}\n`);
    return EXIT.usage;
  }
  const file = path.resolve(env.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH);
  if (!fs.existsSync(file)) {
    io.stderr(`tooth-tail: no database at ${file}; set DATABASE_PATH or run the app first\n`);
    return EXIT.runtime;
  }
  let db: Db;
  try {
    db = openDatabase(file, { readonly: true });
  } catch (error) {
    io.stderr(`tooth-tail: ${(error as Error).message}\n`);
    return EXIT.runtime;
  }
  try {
    verifySchema(db);
    if (command.kind === 'backup') return await backup(db, file, command.file, io);
    return report(db, command, k, io, clock);
  } catch (error) {
    const verb = command.kind === 'backup' ? 'back up' : 'report from';
    io.stderr(
      error instanceof MigrationDriftError || error instanceof BackupTargetExistsError
        ? `tooth-tail: cannot ${verb} ${file}: ${error.message}\n`
        : `tooth-tail: the ${command.kind} failed reading ${file}: ${(error as Error).message}\n`,
    );
    return EXIT.runtime;
  } finally {
    db.close();
  }
}

async function backup(db: Db, source: string, target: string, io: CliIo): Promise<number> {
  const file = path.resolve(target);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { bytes, rows } = await backupDatabase(db, file);
  io.stdout(
    `backed up ${source} to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB; checked: ${rows.teams} teams, ${rows.rounds} rounds, ${rows.responses} responses, ${rows.summaries} round summaries)\n`,
  );
  return EXIT.ok;
}

function report(db: Db, command: Report, k: number, io: CliIo, clock: Clock): number {
  const teams = new TeamRepository(db);
  const summaries = new SummaryRepository(db);
  const reports = new ReportService({
    summaries,
    rounds: new RoundRepository(db),
    clock,
    anonymityThreshold: k,
    teams,
  });
  const insight = new InsightService({ teams, summaries, reports, clock, anonymityThreshold: k });

  let workspaces = teams.workspaceIds();
  if (command.workspace !== null) {
    if (!workspaces.includes(command.workspace)) {
      io.stderr(
        `tooth-tail: unknown workspace “${command.workspace}”; ${workspaces.length === 0 ? 'the database has no teams yet' : `workspaces in the database: ${workspaces.join(', ')}`}\n`,
      );
      return EXIT.notFound;
    }
    workspaces = [command.workspace];
  }

  if (command.kind === 'org') {
    // One object, as the issue fixes its shape: an org view is of one workspace.
    if (workspaces.length > 1) {
      io.stderr(
        `tooth-tail: the database holds several workspaces (${workspaces.join(', ')}); choose one with --workspace\n`,
      );
      return EXIT.usage;
    }
    const org = insight.orgReport(workspaces[0] ?? '');
    io.stdout(command.format === 'json' ? `${JSON.stringify(orgJson(org), null, 2)}\n` : formatOrg(org));
    return EXIT.ok;
  }

  let targets: Array<{ workspaceId: string; team: Team | null }>;
  if (command.team === null) {
    targets = workspaces.map((workspaceId) => ({ workspaceId, team: null }));
  } else {
    const name = command.team;
    targets = workspaces.flatMap((workspaceId) => {
      // A removed team's history stays readable by its name.
      const team = teams.findWithHistory(workspaceId, name);
      return team ? [{ workspaceId, team }] : [];
    });
    if (targets.length === 0) {
      const known = workspaces.flatMap((ws) => teams.list(ws).map((t) => t.name));
      io.stderr(
        `tooth-tail: unknown team “${name}”; ${known.length === 0 ? 'there are no teams yet' : `teams: ${known.join(', ')}`}\n`,
      );
      return EXIT.notFound;
    }
  }

  switch (command.format) {
    case 'csv': {
      // Each workspace's export is the file `/tooth-tail export` uploads; several share one header.
      const files = targets.map((t) => reports.exportCsv(t.workspaceId, t.team).csv);
      io.stdout(
        files.length === 0
          ? exportCsv([])
          : files.map((csv, i) => (i === 0 ? csv : withoutHeader(csv))).join(''),
      );
      return EXIT.ok;
    }
    case 'json':
      io.stdout(formatJson(targets.flatMap((t) => insight.exportRows(t.workspaceId, t.team))));
      return EXIT.ok;
    case 'table': {
      if (targets.length === 0) io.stdout(formatTable([]));
      const parts = targets.map((t) => {
        const rows = insight.exportRows(t.workspaceId, t.team);
        const heading = workspaces.length > 1 ? `Workspace ${t.workspaceId}\n` : '';
        const org = t.team === null && rows.length > 0 ? insight.orgReport(t.workspaceId) : null;
        const frontier = org ? `\n${formatFrontier(org.frontier, k, org.frontierWindowWeeks)}` : '';
        return `${heading}${formatTable(rows)}${frontier}`;
      });
      io.stdout(parts.join('\n'));
      return EXIT.ok;
    }
  }
}

const withoutHeader = (csv: string): string => csv.slice(csv.indexOf('\r\n') + 2);
