// Plain words for a verdict and its signals (SPEC sections 1 and 4).
import type { FailureMode, Signal, SignalName } from './types.js';

const RECOMMENDATIONS: Record<FailureMode, string> = {
  handmaid:
    "Handmaid mode: engineers are rewriting data scientists' work; invest in a paved path so data scientists ship without a rewrite.",
  'full-stack':
    'Full-stack mode: data scientists are doing infrastructure themselves; the tail is too thin or its mix is wrong: add or re-mix engineers (infra/platform).',
  both: "Both modes: engineers rewrite data scientists' work while data scientists also build infrastructure; fix the tail's size and mix first, then build a paved path to production.",
  healthy:
    "Healthy: neither failure mode shows; keep the ratio and the tail's mix as they are and watch the trend.",
  'insufficient-data':
    'Insufficient data: too few people answered to show figures without identifying anyone; encourage the team to answer the next check-in.',
};

/** One line naming the failure mode and the lever that fixes it. */
export function recommendation(mode: FailureMode): string {
  return RECOMMENDATIONS[mode];
}

const SIGNAL_WORDS: Record<SignalName, (value: string) => string> = {
  median_waiting_pct: (v) => `median waiting ${v}%`,
  mean_handmaid_load: (v) => `engineers' mean handmaid load ${v}%`,
  rewrite_share: (v) => `rewrite ${v}% of shipped work`,
  median_infra_pct: (v) => `median infra work ${v}%`,
  diy_infra_share: (v) => `diy-infra ${v}% of shipped work`,
};

/** E.g. "median waiting 30% (threshold 20%, +10)". */
export function describeSignal(s: Signal): string {
  return `${SIGNAL_WORDS[s.name](String(s.value))} (threshold ${s.threshold}%, +${s.over})`;
}
