// Change of a figure against the previous closed round of the same team (SPEC section 4).
import { round1 } from './aggregate.js';

export type TrendArrow = '↑' | '↓' | '→' | '';

export interface Trend {
  /** current - previous, rounded like every figure; null when either side is missing. */
  delta: number | null;
  arrow: TrendArrow;
}

/** The arrow follows the rounded delta, so a change too small to show reads as '→'. */
export function trend(current: number | null, previous: number | null): Trend {
  if (current === null || previous === null) return { delta: null, arrow: '' };
  const delta = round1(current - previous);
  return { delta, arrow: delta > 0 ? '↑' : delta < 0 ? '↓' : '→' };
}
