// Plain words for a verdict and its signals (SPEC sections 1 and 4).
import type { FailureMode, PathMix, RoundFigures, Signal, SignalName } from './types.js';

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

/**
 * The one line for a round, knowing its figures: a team with fewer data scientists than k can
 * never show its own figures however many answer, so asking it to answer is wrong advice.
 */
export function recommendationFor(f: Pick<RoundFigures, 'failureMode' | 'tooth' | 'k'>): string {
  if (f.failureMode !== 'insufficient-data' || f.tooth >= f.k) return RECOMMENDATIONS[f.failureMode];
  return `Too small to show: the team has ${f.tooth} data scientist${f.tooth === 1 ? '' : 's'}, fewer than the ${f.k} needed, so its own figures can never be shown however many answer. Its engineers' answers still count in the org's pooled tail (\`/tooth-tail ratio\`); its data scientists' answers count nowhere until it has ${f.k}: consider grouping it with another team.`;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "2 not shipped" and "1 had nothing to ship", beside a path signal. */
function unshipped(mix: PathMix): string {
  return [
    mix['not-shipped'] > 0 ? `; ${mix['not-shipped']} not shipped` : '',
    mix['n/a'] > 0 ? `; ${mix['n/a']} had nothing to ship` : '',
  ].join('');
}

/** The figures a signal's words draw on beside its own value. */
export type SignalContext = Pick<RoundFigures, 'pathMix' | 'meanWaitingPct' | 'meanInfraPct'>;

const over = (s: Signal): string => `threshold ${s.threshold}%, +${s.over}`;
const meanBeside = (mean: number | null | undefined): string =>
  mean === null || mean === undefined ? '' : `, mean ${mean}%`;

/**
 * A signal in words, e.g. "median waiting 20%, mean 17.5% (threshold 20%, +0)": the mean beside
 * a median shows whether a verdict sits on a bucket edge; a path signal gives its counts ("5 of
 * 5 shipped pieces were rewritten by engineers") rather than a bare share.
 */
export function describeSignal(s: Signal, f?: SignalContext): string {
  const words: Record<SignalName, () => string> = {
    median_waiting_pct: () => `median waiting ${s.value}%${meanBeside(f?.meanWaitingPct)} (${over(s)})`,
    mean_handmaid_load: () => `engineers' mean handmaid load ${s.value}% (${over(s)})`,
    median_infra_pct: () => `median infra work ${s.value}%${meanBeside(f?.meanInfraPct)} (${over(s)})`,
    rewrite_share: () => pathWords(s, f?.pathMix ?? null, 'rewrite', 'rewritten by engineers'),
    diy_infra_share: () =>
      pathWords(s, f?.pathMix ?? null, 'diy-infra', 'shipped on infrastructure the data scientist built'),
  };
  return words[s.name]();
}

function pathWords(s: Signal, mix: PathMix | null, path: 'rewrite' | 'diy-infra', what: string): string {
  if (mix === null) return `${s.value}% of shipped pieces were ${what} (${over(s)})`;
  const shipped = mix['self-serve'] + mix.rewrite + mix.paired + mix['diy-infra'];
  const verb = mix[path] === 1 ? 'was' : 'were';
  return `${mix[path]} of ${plural(shipped, 'shipped piece', 'shipped pieces')} ${verb} ${what} (${s.value}%; ${over(s)})${unshipped(mix)}`;
}
