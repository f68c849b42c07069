import type { RoundFigures } from './types.js';

/** The export's columns, in SPEC section 6's order. */
export const EXPORT_COLUMNS = [
  'team',
  'round_id',
  'opened_at',
  'closed_at',
  'tooth',
  'tail',
  'ratio',
  'tooth_responses',
  'tail_responses',
  'median_waiting_pct',
  'median_infra_pct',
  'median_productive_pct',
  'mean_handmaid_load',
  'verdict',
  // Appended after the first release (capacity lost, in people); older summaries leave the
  // last two empty: they kept no unrounded mean to compute them from.
  'mean_waiting_pct',
  'mean_infra_pct',
  'waiting_fte',
  'infra_fte',
  // Appended later still: when the round's team was removed (`team remove`), empty while it is
  // live, so a removed team's history is never read as a live team's of the same name.
  'team_removed_at',
] as const;

export interface ExportRow {
  teamName: string;
  roundId: number;
  openedAt: string;
  closedAt: string;
  figures: RoundFigures;
  /** When the team was removed; null while it is live. */
  teamRemovedAt: string | null;
}

const figure = (value: number | null, decimals: number): string =>
  value === null ? '' : value.toFixed(decimals);

/**
 * Quotes a cell when CSV needs it, and defuses cells a spreadsheet would run as a formula
 * (a team named `=HYPERLINK(...)`), since exports are opened in spreadsheets.
 */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The stored round summaries as CSV: one row per team and round, RFC 4180 with CRLF line ends. */
export function exportCsv(rows: ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const row of rows) {
    const f = row.figures;
    lines.push(
      [
        cell(row.teamName),
        String(row.roundId),
        new Date(row.openedAt).toISOString(),
        new Date(row.closedAt).toISOString(),
        String(f.tooth),
        String(f.tail),
        figure(f.ratio, 2),
        String(f.toothResponses),
        String(f.tailResponses),
        figure(f.medianWaitingPct, 1),
        figure(f.medianInfraPct, 1),
        figure(f.medianProductivePct, 1),
        figure(f.meanHandmaidLoad, 1),
        f.failureMode,
        figure(f.meanWaitingPct, 1),
        figure(f.meanInfraPct, 1),
        figure(f.waitingFte, 1),
        figure(f.infraFte, 1),
        row.teamRemovedAt === null ? '' : new Date(row.teamRemovedAt).toISOString(),
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
