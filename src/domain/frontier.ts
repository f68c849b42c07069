// The org-level ratio frontier (SPEC section 4) and small-cell suppression (SPEC section 5).
import { median, round1 } from './aggregate.js';

/** Engineers per data scientist; each band holds its lower edge, so 0.25 is in '0.25-0.5'. */
export const RATIO_BANDS = [
  { band: 'under-0.25', label: '< 0.25', from: 0, below: 0.25 },
  { band: '0.25-0.5', label: '0.25-0.5', from: 0.25, below: 0.5 },
  { band: '0.5-1', label: '0.5-1', from: 0.5, below: 1 },
  { band: '1-plus', label: '>= 1', from: 1, below: Number.POSITIVE_INFINITY },
] as const;

export type Band = (typeof RATIO_BANDS)[number]['band'];

/** The band a ratio falls in; null when there is no ratio (no data scientists). */
export function ratioBand(ratio: number | null): Band | null {
  if (ratio === null || !(ratio >= 0)) return null;
  return RATIO_BANDS.find((b) => ratio >= b.from && ratio < b.below)?.band ?? null;
}

/** The frontier looks this far back from now (SPEC section 4, "Frontier from history"). */
export const FRONTIER_WINDOW_WEEKS = 13;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** The earliest close time an observation may have to be in the frontier at `now`. */
export function frontierWindowStart(now: Date): Date {
  return new Date(now.getTime() - FRONTIER_WINDOW_WEEKS * WEEK_MS);
}

/**
 * One observation: a team's closed round, as stored (summaries keep figures, not raw answers).
 * A team may have several, in one band or in several.
 */
export interface FrontierRow {
  team: string;
  ratio: number | null;
  toothResponses: number;
  /** Null when the round's tooth figures were withheld; such a round adds nothing to a band. */
  medianProductivePct: number | null;
}

export interface FrontierBand {
  band: Band;
  label: string;
  /** Distinct teams with an observation in this band. */
  teams: number;
  /** Observations (team rounds with shown figures) in this band. */
  observations: number;
  /** Sum of those rounds' tooth responses. */
  respondents: number;
  /** Median of the teams' figures (each the median of its observations); null when empty or withheld. */
  medianProductivePct: number | null;
  withheld: boolean;
  reason: string | null;
}

export interface CountedCell {
  count: number;
}

/**
 * Which cells of one table must be hidden so that no group smaller than k can be read,
 * directly or by subtraction. Primary: a cell with people but fewer than k (or whatever
 * `isPrimary` says). Secondary: when a total is shown, the hidden cells together equal the
 * total minus the shown cells, so while exactly one cell is hidden, or the hidden cells hold
 * fewer than k people between them, the next-smallest shown cell is hidden too (ties go to the
 * earlier cell). Empty cells reveal nobody and are never hidden.
 * Returns one flag per cell, in order.
 */
export function suppressForSubtraction<T extends CountedCell>(
  cells: readonly T[],
  k: number,
  hasTotal: boolean,
  isPrimary: (cell: T) => boolean = (cell) => cell.count > 0 && cell.count < k,
): boolean[] {
  const hidden = cells.map((cell) => isPrimary(cell));
  if (!hasTotal) return hidden;
  const exposed = () => {
    const hiddenCells = cells.filter((_, i) => hidden[i]);
    const people = hiddenCells.reduce((sum, cell) => sum + Math.max(0, cell.count), 0);
    return hiddenCells.length === 1 || (hiddenCells.length > 1 && people < k);
  };
  while (exposed()) {
    let next = -1;
    cells.forEach((cell, i) => {
      if (hidden[i] || cell.count <= 0) return;
      if (next === -1 || cell.count < (cells[next] as T).count) next = i;
    });
    if (next === -1) break;
    hidden[next] = true;
  }
  return hidden;
}

const MIN_TEAMS_PER_BAND = 2;

interface BandCell extends CountedCell {
  band: (typeof RATIO_BANDS)[number];
  teams: number;
  observations: number;
  /** One figure per team: the median of its observations in the band. */
  values: number[];
}

function primaryReason(cell: BandCell, k: number): string | null {
  if (cell.teams === 0) return null;
  if (cell.teams < MIN_TEAMS_PER_BAND) return `fewer than ${MIN_TEAMS_PER_BAND} teams`;
  if (cell.count < k) return `fewer than ${k} respondents`;
  return null;
}

/**
 * The frontier: per ratio band, each team's median of its observations' median productive
 * shares, then the median of those team figures, so a team counts once however many rounds it
 * has there (SPEC section 4). `rows` are the observations: closed rounds whose tooth figures are
 * shown (a row with a null figure adds nothing). Band figures are medians of stored medians
 * because summaries keep no raw answers. A band is shown only when it holds at least two teams
 * and k respondents. The frontier sits beside the org table, whose per-team rows make the
 * org-wide picture knowable, so it is always treated as having a total: a lone withheld band
 * next to shown ones takes the next-smallest shown band down with it.
 * All four bands are returned, in order; a band with no teams is empty, not withheld.
 */
export function buildFrontier(rows: readonly FrontierRow[], k: number): FrontierBand[] {
  const cells: BandCell[] = RATIO_BANDS.map((band) => {
    const inBand = rows.filter((r) => r.medianProductivePct !== null && ratioBand(r.ratio) === band.band);
    const byTeam = new Map<string, number[]>();
    for (const r of inBand)
      byTeam.set(r.team, [...(byTeam.get(r.team) ?? []), r.medianProductivePct as number]);
    return {
      band,
      teams: byTeam.size,
      observations: inBand.length,
      count: inBand.reduce((sum, r) => sum + r.toothResponses, 0),
      values: [...byTeam.values()].map((values) => median(values) as number),
    };
  });
  const reasons = cells.map((cell) => primaryReason(cell, k));
  const hidden = suppressForSubtraction(cells, k, true, (cell) => primaryReason(cell, k) !== null);
  return cells.map((cell, i) => {
    const withheld = hidden[i] === true;
    const figure = median(cell.values);
    return {
      band: cell.band.band,
      label: cell.band.label,
      teams: cell.teams,
      observations: cell.observations,
      respondents: cell.count,
      medianProductivePct: withheld || figure === null ? null : round1(figure),
      withheld,
      reason: withheld ? (reasons[i] ?? 'withheld so the other withheld band cannot be worked out') : null,
    };
  });
}
