// `tooth-tail delete-workspace <team_id> --yes`: an admin's way to delete everything stored for a
// Slack workspace, typically after it uninstalled the app (the app keeps the data until then).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Db, openDatabase } from '../storage/database.js';
import { countWorkspaceRows, deleteWorkspaceData } from '../storage/workspace-data.js';
import type { CliIo } from './run.js';
import { EXIT } from './run.js';
import { verifySchema } from './schema.js';

export const DELETE_USAGE = `Usage: tooth-tail delete-workspace <team_id> --yes

Deletes everything tooth-tail stored for one Slack workspace (T…): teams, rosters, rounds,
answers, round summaries, subscriptions, the outbox and cached profiles. It cannot be undone.
Without --yes it only counts what would be deleted. If the workspace still has the app
installed, new rounds will store new data; uninstall it first to stop that.

Environment:
  DATABASE_PATH   the SQLite file (default ./data/tooth-tail.db)
`;

const summary = (rows: Record<string, number>): string =>
  Object.entries(rows)
    .filter(([, n]) => n > 0)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');

/** Runs the command; returns the exit code. Never throws. */
export function runDeleteWorkspace(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): number {
  let parsed: { values: { yes?: boolean; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.stderr(`tooth-tail: ${(error as Error).message}\n${DELETE_USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout(DELETE_USAGE);
    return EXIT.ok;
  }
  const [workspaceId, ...extra] = parsed.positionals;
  if (workspaceId === undefined || extra.length > 0 || !/^[TE][A-Z0-9]+$/.test(workspaceId)) {
    io.stderr(`tooth-tail: name one workspace id, like T0123ABCD\n${DELETE_USAGE}`);
    return EXIT.usage;
  }
  const file = path.resolve(env.DATABASE_PATH?.trim() || './data/tooth-tail.db');
  if (!fs.existsSync(file)) {
    io.stderr(`tooth-tail: no database at ${file}; set DATABASE_PATH\n`);
    return EXIT.runtime;
  }
  let db: Db;
  try {
    db = openDatabase(file);
  } catch (error) {
    io.stderr(`tooth-tail: ${(error as Error).message}\n`);
    return EXIT.runtime;
  }
  try {
    verifySchema(db);
    const rows = countWorkspaceRows(db, workspaceId);
    if (Object.values(rows).every((n) => n === 0)) {
      io.stderr(`tooth-tail: the database holds nothing for workspace ${workspaceId}\n`);
      return EXIT.notFound;
    }
    if (!parsed.values.yes) {
      io.stdout(
        `Would delete, for workspace ${workspaceId}: ${summary(rows)}.\nNothing was deleted; add --yes to delete it.\n`,
      );
      return EXIT.usage;
    }
    io.stdout(
      `Deleted everything stored for workspace ${workspaceId}: ${summary(deleteWorkspaceData(db, workspaceId))}.\n`,
    );
    return EXIT.ok;
  } catch (error) {
    io.stderr(`tooth-tail: could not delete workspace ${workspaceId}: ${(error as Error).message}\n`);
    return EXIT.runtime;
  } finally {
    db.close();
  }
}
