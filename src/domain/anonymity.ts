import { verdictFor, WITHHELD_TAIL, WITHHELD_TOOTH } from './aggregate.js';
import type { RoundFigures } from './types.js';

/**
 * Re-applies the anonymity rule at read time with `k`, for summaries stored under a smaller k
 * (ANONYMITY_THRESHOLD raised later). Never reveals more than was stored.
 */
export function withholdBelow(figures: RoundFigures, k: number): RoundFigures {
  if (k <= figures.k) return figures;
  if (figures.toothResponses < k) {
    const tail = figures.tailResponses < k ? WITHHELD_TAIL : {};
    return { ...figures, ...WITHHELD_TOOTH, ...tail, k, failureMode: 'insufficient-data', signals: [] };
  }
  if (figures.tailResponses < k) {
    // The tail's signal may have been the only one behind the verdict.
    const signals = figures.signals.filter((s) => s.name !== 'mean_handmaid_load');
    return { ...figures, ...WITHHELD_TAIL, k, signals, failureMode: verdictFor(signals) };
  }
  return { ...figures, k };
}
