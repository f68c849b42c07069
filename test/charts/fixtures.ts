// Plain-value inputs for the chart tests.

import type { TrendPoint } from '../../src/charts/charts.js';
import type { FrontierBand } from '../../src/domain/frontier.js';
import type { FailureMode, RoundFigures } from '../../src/domain/types.js';

export function figures(overrides: Partial<RoundFigures> = {}): RoundFigures {
  return {
    tooth: 6,
    tail: 3,
    ratio: 0.5,
    tailMix: { ml: 1, data: 1, infra: 1, app: 0, unspecified: 0 },
    toothResponses: 6,
    tailResponses: 3,
    k: 5,
    medianWaitingPct: 20,
    meanWaitingPct: 21.7,
    medianInfraPct: 10,
    meanInfraPct: 11.7,
    medianProductivePct: 70,
    waitingFte: 1.3,
    infraFte: 0.7,
    waitingFteExact: 1.3,
    infraFteExact: 0.7,
    pathMix: null,
    meanRewritePct: null,
    meanSupportPct: null,
    meanPlatformPct: null,
    meanHandmaidLoad: null,
    failureMode: 'handmaid',
    signals: [],
    ...overrides,
  };
}

/** Figures of a round where fewer than k data scientists answered: tooth figures withheld. */
export function withheldFigures(overrides: Partial<RoundFigures> = {}): RoundFigures {
  return figures({
    toothResponses: 3,
    medianWaitingPct: null,
    meanWaitingPct: null,
    medianInfraPct: null,
    meanInfraPct: null,
    medianProductivePct: null,
    waitingFte: null,
    infraFte: null,
    waitingFteExact: null,
    infraFteExact: null,
    failureMode: 'insufficient-data',
    ...overrides,
  });
}

/** One point per figures, closing a fortnight apart from 6 Jan 2025. */
export function points(all: RoundFigures[]): TrendPoint[] {
  return all.map((f, i) => ({
    roundId: i + 1,
    closedAt: new Date(Date.UTC(2025, 0, 6 + 14 * i, 17)).toISOString(),
    figures: f,
  }));
}

const MODES: FailureMode[] = ['handmaid', 'full-stack', 'both', 'healthy'];

/** A realistic year of a team: ratio rises after a hire, one round withheld. */
export function sampleYear(): TrendPoint[] {
  return points(
    Array.from({ length: 14 }, (_, i) =>
      i === 9
        ? withheldFigures({ tail: 4, ratio: 4 / 6 })
        : figures({
            tail: i > 6 ? 4 : 3,
            ratio: (i > 6 ? 4 : 3) / 6,
            medianProductivePct: 50 + i * 2.5,
            medianWaitingPct: 30 - i,
            medianInfraPct: 15 + (i % 3) * 5,
            failureMode: MODES[i % MODES.length],
          }),
    ),
  );
}

export function band(overrides: Partial<FrontierBand> & Pick<FrontierBand, 'band' | 'label'>): FrontierBand {
  return {
    teams: 2,
    observations: 2,
    respondents: 12,
    medianProductivePct: 60,
    withheld: false,
    reason: null,
    ...overrides,
  };
}

export function sampleFrontier(): FrontierBand[] {
  return [
    band({ band: 'under-0.25', label: '< 0.25', teams: 3, respondents: 20, medianProductivePct: 42.5 }),
    band({
      band: '0.25-0.5',
      label: '0.25-0.5',
      teams: 1,
      respondents: 4,
      medianProductivePct: null,
      withheld: true,
      reason: 'fewer than 2 teams',
    }),
    band({ band: '0.5-1', label: '0.5-1', teams: 2, respondents: 12, medianProductivePct: 65 }),
    band({ band: '1-plus', label: '>= 1', teams: 4, respondents: 30, medianProductivePct: 71 }),
  ];
}
