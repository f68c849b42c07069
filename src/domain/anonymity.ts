import type { FailureMode, RoundFigures, Signal } from './types.js';

function modeOf(signals: Signal[]): FailureMode {
  const handmaid = signals.some((s) => s.mode === 'handmaid');
  const fullStack = signals.some((s) => s.mode === 'full-stack');
  return handmaid && fullStack ? 'both' : handmaid ? 'handmaid' : fullStack ? 'full-stack' : 'healthy';
}

/**
 * Re-applies the anonymity rule at read time with `k`, for summaries stored under a smaller k
 * (ANONYMITY_THRESHOLD raised later). Never reveals more than was stored.
 */
export function withholdBelow(figures: RoundFigures, k: number): RoundFigures {
  if (k <= figures.k) return figures;
  let result: RoundFigures = { ...figures, k };
  if (figures.toothResponses < k) {
    result = {
      ...result,
      medianWaitingPct: null,
      meanWaitingPct: null,
      medianInfraPct: null,
      meanInfraPct: null,
      medianProductivePct: null,
      pathMix: null,
      failureMode: 'insufficient-data',
      signals: [],
    };
  }
  if (figures.tailResponses < k) {
    result = {
      ...result,
      meanRewritePct: null,
      meanSupportPct: null,
      meanPlatformPct: null,
      meanHandmaidLoad: null,
      signals: result.signals.filter((s) => s.name !== 'mean_handmaid_load'),
    };
    // The tail's signal may have been the only one behind the verdict.
    if (result.failureMode !== 'insufficient-data')
      result = { ...result, failureMode: modeOf(result.signals) };
  }
  return result;
}
