// `tooth-tail report [--team NAME] [--format table|csv|json] [--workspace ID]` (SPEC section 7)
// and `tooth-tail backup <file>`.
import { parseArgs } from 'node:util';

export const FORMATS = ['table', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'report'; team: string | null; format: Format; workspace: string | null }
  | { kind: 'backup'; file: string }
  | { kind: 'usage-error'; message: string };

export const USAGE = `Usage: tooth-tail report [--team NAME] [--format table|csv|json] [--workspace ID]
       tooth-tail backup <file>

report: prints the stored round summaries from the tooth-tail database, without Slack, for
scripts and BI tools: one row per team and round. The anonymity rule applies exactly as in
Slack: a figure from a group where fewer than k people answered is withheld ('–' in the
table, empty in CSV, null in JSON).

backup: copies the database, consistently, to <file> (a new file) while the app keeps running,
and checks the copy. Restore by stopping the app and putting the copy in place of the database
file (see the README).

Options of report:
  --team NAME        only this team (its name as in Slack, any case)
  --format FORMAT    table (default; with the ratio frontier), csv (the same file as
                     /tooth-tail export) or json (the CSV's columns, null when withheld)
  --workspace ID     only this Slack workspace (T…); default: every workspace in the file
  -h, --help         show this help

Environment:
  DATABASE_PATH        the SQLite file, opened read-only by both (default ./data/tooth-tail.db)
  ANONYMITY_THRESHOLD  k: the fewest answers a group needs for its figures (default 5, at least 3)

Exit codes:
  0  the report was printed, or the backup written and checked
  1  runtime error: no database, unreadable file, a schema this version does not know, or a
     backup that could not be written (the file exists already, the disk is full)
  2  usage error: unknown command or option, bad format, bad ANONYMITY_THRESHOLD
  3  unknown team or workspace
`;

/** The option name in Node's parseArgs errors ("Unknown option '--x'. To specify…"). */
const optionIn = (message: string): string => /'([^']+)'/.exec(message)?.[1] ?? message;

export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      return { kind: 'usage-error', message: `unknown option ${optionIn(message)}` };
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      return { kind: 'usage-error', message: `${optionIn(message)}: ${message.replace(/^.*' ?/, '')}` };
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      return { kind: 'usage-error', message: 'unexpected argument' };
    return { kind: 'usage-error', message };
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  if (positionals.length === 0)
    return { kind: 'usage-error', message: 'missing command: try `report` or `backup <file>`' };
  const [command, ...extra] = positionals;
  if (command === 'backup') return parseBackup(extra, values);
  if (command !== 'report') return { kind: 'usage-error', message: `unknown command “${command}”` };
  if (extra.length > 0)
    return {
      kind: 'usage-error',
      message: `unexpected argument “${extra[0]}” (quote a team name with spaces)`,
    };
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format))
    return { kind: 'usage-error', message: `--format must be one of ${FORMATS.join(', ')}; got “${format}”` };
  const team = values.team?.trim() ?? null;
  if (team === '') return { kind: 'usage-error', message: '--team needs a team name' };
  const workspace = values.workspace?.trim() ?? null;
  if (workspace === '') return { kind: 'usage-error', message: '--workspace needs a workspace id' };
  return { kind: 'report', team, format: format as Format, workspace };
}

function parseBackup(args: string[], values: ReturnType<typeof parse>['values']): CliCommand {
  const reportOnly = (['team', 'format', 'workspace'] as const).find((name) => values[name] !== undefined);
  if (reportOnly)
    return { kind: 'usage-error', message: `--${reportOnly} is an option of report, not backup` };
  const [file, ...extra] = args;
  if (file === undefined || file.trim() === '')
    return {
      kind: 'usage-error',
      message: 'backup needs the file to write, e.g. `backup ./backups/tooth-tail.db`',
    };
  if (extra.length > 0) return { kind: 'usage-error', message: `unexpected argument “${extra[0]}”` };
  return { kind: 'backup', file };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      team: { type: 'string' },
      format: { type: 'string' },
      workspace: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
}
