// The CLI's table and JSON: the export's rows, with the export's figures (SPEC sections 6, 7).
import type { EXPORT_COLUMNS, ExportRow } from '../domain/export-csv.js';
import type { FrontierBand } from '../domain/frontier.js';

/** Shown in place of a figure the anonymity rule withholds, as in Slack. */
export const WITHHELD = '–';

/** One decimal, without a trailing ".0", as Slack shows figures. */
const pct = (value: number | null): string =>
  value === null ? WITHHELD : `${value.toFixed(1).replace(/\.0$/, '')}%`;

/** Team names are free text; tabs and line breaks would break the columns. */
const oneLine = (s: string): string => s.replace(/\p{Cc}+/gu, ' ');

const TABLE_COLUMNS = [
  { title: 'team', right: false },
  { title: 'closed', right: false },
  { title: 'eng:DS', right: true },
  { title: 'ratio', right: true },
  { title: 'DS answered', right: true },
  { title: 'eng answered', right: true },
  { title: 'productive', right: true },
  { title: 'waiting', right: true },
  { title: 'infra', right: true },
  { title: 'handmaid load', right: true },
  { title: 'verdict', right: false },
] as const;

function tableCells(row: ExportRow): string[] {
  const f = row.figures;
  return [
    row.teamRemovedAt === null
      ? oneLine(row.teamName)
      : `${oneLine(row.teamName)} (removed ${new Date(row.teamRemovedAt).toISOString().slice(0, 10)})`,
    new Date(row.closedAt).toISOString().slice(0, 16).replace('T', ' '),
    `${f.tail}:${f.tooth}`,
    f.ratio === null ? 'n/a' : f.ratio.toFixed(2),
    `${f.toothResponses}/${f.tooth}`,
    `${f.tailResponses}/${f.tail}`,
    pct(f.medianProductivePct),
    pct(f.medianWaitingPct),
    pct(f.medianInfraPct),
    pct(f.meanHandmaidLoad),
    f.failureMode,
  ];
}

const width = (s: string): number => Array.from(s).length;

/** Aligned plain-text columns, one line per team and round; times in UTC; a removed team says so. */
export function formatTable(rows: readonly ExportRow[]): string {
  const grid = [TABLE_COLUMNS.map((c) => c.title), ...rows.map(tableCells)];
  const widths = TABLE_COLUMNS.map((_, i) => Math.max(...grid.map((cells) => width(cells[i] as string))));
  const lines = grid.map((cells) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] as number) - width(cell));
        return TABLE_COLUMNS[i]?.right ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
  if (rows.length === 0) lines.push('(no closed rounds yet)');
  return `${lines.join('\n')}\n`;
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The ratio frontier from history under the table, worded as in Slack. */
export function formatFrontier(frontier: readonly FrontierBand[], k: number, windowWeeks = 13): string {
  const labelWidth = Math.max(...frontier.map((b) => width(b.label)));
  const lines = frontier.map((band) => {
    const label = band.label.padEnd(labelWidth);
    if (band.withheld) return `  ${label}  withheld (fewer than 2 teams or ${k} answers)`;
    if (band.teams === 0 || band.medianProductivePct === null) return `  ${label}  no teams`;
    return `  ${label}  median productive share ${pct(band.medianProductivePct)} (${count(band.teams, 'team', 'teams')}, ${count(band.observations, 'round', 'rounds')})`;
  });
  return `Ratio frontier (engineers per data scientist; every shown round of the last ${windowWeeks} weeks, each team once per band; a band needs 2 teams and ${k} answers):\n${lines.join('\n')}\n`;
}

export type JsonRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

/** The CSV's columns by name; a withheld figure (or a ratio without data scientists) is null. */
export function jsonRows(rows: readonly ExportRow[]): JsonRow[] {
  return rows.map((row) => {
    const f = row.figures;
    return {
      team: row.teamName,
      round_id: row.roundId,
      opened_at: new Date(row.openedAt).toISOString(),
      closed_at: new Date(row.closedAt).toISOString(),
      tooth: f.tooth,
      tail: f.tail,
      ratio: f.ratio === null ? null : Number(f.ratio.toFixed(2)),
      tooth_responses: f.toothResponses,
      tail_responses: f.tailResponses,
      median_waiting_pct: f.medianWaitingPct,
      median_infra_pct: f.medianInfraPct,
      median_productive_pct: f.medianProductivePct,
      mean_handmaid_load: f.meanHandmaidLoad,
      verdict: f.failureMode,
      mean_waiting_pct: f.meanWaitingPct,
      mean_infra_pct: f.meanInfraPct,
      waiting_fte: f.waitingFte,
      infra_fte: f.infraFte,
      team_removed_at: row.teamRemovedAt === null ? null : new Date(row.teamRemovedAt).toISOString(),
    };
  });
}

export function formatJson(rows: readonly ExportRow[]): string {
  return `${JSON.stringify(jsonRows(rows), null, 2)}\n`;
}
