// `tooth-tail report [--team NAME] [--format table|csv|json] [--workspace ID]` (SPEC section 7).
import { parseArgs } from 'node:util';

export const FORMATS = ['table', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'report'; team: string | null; format: Format; workspace: string | null }
  | { kind: 'org'; format: 'table' | 'json'; workspace: string | null }
  | { kind: 'usage-error'; message: string };

export const USAGE = `Usage: tooth-tail report [--team NAME] [--format table|csv|json] [--workspace ID]
       tooth-tail report --org [--format table|json] [--workspace ID]

Prints the stored round summaries from the tooth-tail database, without Slack, for scripts
and BI tools: one row per team and round. The anonymity rule applies exactly as in Slack: a
figure from a group where fewer than k people answered is withheld ('–' in the table, empty
in CSV, null in JSON).

Options:
  --team NAME        only this team (its name as in Slack, any case)
  --format FORMAT    table (default; with the ratio frontier), csv (the same file as
                     /tooth-tail export) or json (the CSV's columns, null when withheld)
  --org              the org view instead of rows: capacity lost in people, the engineers
                     pooled across teams (with specialties) and the ratio frontier from the
                     last 13 weeks; as a table or one JSON object (needs one workspace)
  --workspace ID     only this Slack workspace (T…); default: every workspace in the file
  -h, --help         show this help

Environment:
  DATABASE_PATH        the SQLite file, opened read-only (default ./data/tooth-tail.db)
  ANONYMITY_THRESHOLD  k: the fewest answers a group needs for its figures (default 5, at least 3)

Exit codes:
  0  the report was printed
  1  runtime error: no database, unreadable file, or a schema this version does not know
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
  if (positionals.length === 0) return { kind: 'usage-error', message: 'missing command: try `report`' };
  const [command, ...extra] = positionals;
  if (command !== 'report') return { kind: 'usage-error', message: `unknown command “${command}”` };
  if (extra.length > 0)
    return {
      kind: 'usage-error',
      message: `unexpected argument “${extra[0]}” (quote a team name with spaces)`,
    };
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format))
    return { kind: 'usage-error', message: `--format must be one of ${FORMATS.join(', ')}; got “${format}”` };
  const workspaceOption = values.workspace?.trim() ?? null;
  if (workspaceOption === '') return { kind: 'usage-error', message: '--workspace needs a workspace id' };
  if (values.org) {
    if (values.team !== undefined)
      return { kind: 'usage-error', message: '--org is the whole org: leave out --team' };
    if (format === 'csv')
      return { kind: 'usage-error', message: '--org prints a table or JSON; --format csv is for round rows' };
    return { kind: 'org', format: format as 'table' | 'json', workspace: workspaceOption };
  }
  const team = values.team?.trim() ?? null;
  if (team === '') return { kind: 'usage-error', message: '--team needs a team name' };
  const workspace = values.workspace?.trim() ?? null;
  if (workspace === '') return { kind: 'usage-error', message: '--workspace needs a workspace id' };
  return { kind: 'report', team, format: format as Format, workspace };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      team: { type: 'string' },
      format: { type: 'string' },
      workspace: { type: 'string' },
      org: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
}
