// What the charts and their alt text show, taken from the domain figures in one place, so the
// picture and the words can never disagree about what is withheld.
import { type FrontierBand, RATIO_BANDS } from '../domain/frontier.js';
import type { FailureMode, RoundFigures } from '../domain/types.js';
import type { TrendPoint } from './types.js';

/** The trend chart shows at most this many closed rounds, the latest ones. */
export const TREND_ROUNDS = 12;

export interface TrendSeries {
  roundIds: number[];
  closedAt: string[];
  /** Tooth medians in percent; null where withheld (or missing), drawn as a gap. */
  productive: (number | null)[];
  waiting: (number | null)[];
  infra: (number | null)[];
  /** Engineers per data scientist, unrounded; null when the team had no data scientists. */
  ratio: (number | null)[];
  verdicts: FailureMode[];
}

/**
 * A tooth figure as it may be shown: null unless at least k data scientists answered. The
 * stored figure is already null then; checking k again keeps a stray number off a chart.
 */
function toothFigure(figures: RoundFigures, value: number | null): number | null {
  return figures.toothResponses >= figures.k ? value : null;
}

/** The latest TREND_ROUNDS points (given oldest first), as parallel series. */
export function trendSeries(points: readonly TrendPoint[]): TrendSeries {
  const shown = points.slice(-TREND_ROUNDS);
  return {
    roundIds: shown.map((p) => p.roundId),
    closedAt: shown.map((p) => p.closedAt),
    productive: shown.map((p) => toothFigure(p.figures, p.figures.medianProductivePct)),
    waiting: shown.map((p) => toothFigure(p.figures, p.figures.medianWaitingPct)),
    infra: shown.map((p) => toothFigure(p.figures, p.figures.medianInfraPct)),
    ratio: shown.map((p) => p.figures.ratio),
    verdicts: shown.map((p) => p.figures.failureMode),
  };
}

export interface ShownBand {
  label: string;
  /** The band's ratio range: from its lower edge up to (not including) `below`. */
  from: number;
  below: number;
  teams: number;
  observations: number;
  medianProductivePct: number;
}

/** The frontier bands that may be shown: not withheld and not empty, in band order. */
export function shownBands(bands: readonly FrontierBand[]): ShownBand[] {
  return bands.flatMap((b) => {
    const edges = RATIO_BANDS.find((r) => r.band === b.band);
    return b.withheld || b.medianProductivePct === null || !edges
      ? []
      : [
          {
            label: b.label,
            from: edges.from,
            below: edges.below,
            teams: b.teams,
            observations: b.observations ?? 0,
            medianProductivePct: b.medianProductivePct,
          },
        ];
  });
}

/** One point of the scatter: a team round, already shown in its own digest. */
export interface FrontierPoint {
  ratio: number;
  medianProductivePct: number;
}

/** Only the points inside shown bands: a point in a withheld band would give that band away. */
export function shownPoints(shown: readonly ShownBand[], points: readonly FrontierPoint[]): FrontierPoint[] {
  return points.filter((p) => shown.some((b) => p.ratio >= b.from && p.ratio < b.below));
}
