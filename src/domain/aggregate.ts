// Round figures and the failure-mode verdict (SPEC section 4, "Exact computation").
import {
  type Answers,
  DEFAULT_THRESHOLDS,
  type FailureMode,
  PATHS_TO_PROD,
  type PathMix,
  type RosterEntry,
  type RoundFigures,
  SHIPPED_PATHS,
  type Signal,
  type TailAnswers,
  type TailMix,
  type Thresholds,
  type ToothAnswers,
} from './types.js';

/**
 * Rounds half away from zero to one decimal place (2.25 → 2.3, -2.25 → -2.3).
 *
 * `x * 10` is not exact in binary (1.45 * 10 = 14.499999999999998), so the scaled value is
 * first cut to 15 significant digits, which removes that representation error before
 * rounding. Never returns -0.
 */
export function round1(x: number): number {
  if (!Number.isFinite(x)) return x;
  const scaled = Number((Math.abs(x) * 10).toPrecision(15));
  const rounded = (Math.sign(x) * Math.round(scaled)) / 10;
  return rounded === 0 ? 0 : rounded;
}

/** The middle value; for an even count, the mean of the two middle values. Null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** The arithmetic mean. Null when empty. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function rounded(value: number | null): number | null {
  return value === null ? null : round1(value);
}

/** Per respondent: the time left for data science once waiting and infrastructure are taken out. */
export function productivePct(answer: ToothAnswers): number {
  return Math.max(0, 100 - answer.waitingPct - answer.infraPct);
}

/** Per respondent: the time an engineer spends doing data scientists' work for them. */
export function handmaidLoad(answer: TailAnswers): number {
  return Math.min(100, answer.rewritePct + answer.supportPct);
}

function countTailMix(roster: readonly RosterEntry[]): TailMix {
  const mix: TailMix = { ml: 0, data: 0, infra: 0, app: 0, unspecified: 0 };
  for (const entry of roster) {
    if (entry.role === 'engineer') mix[entry.specialty ?? 'unspecified'] += 1;
  }
  return mix;
}

function countPathMix(answers: readonly ToothAnswers[]): PathMix {
  const mix = Object.fromEntries(PATHS_TO_PROD.map((path) => [path, 0])) as PathMix;
  for (const answer of answers) mix[answer.pathToProd] += 1;
  return mix;
}

interface ToothFigures {
  medianWaitingPct: number | null;
  meanWaitingPct: number | null;
  medianInfraPct: number | null;
  meanInfraPct: number | null;
  medianProductivePct: number | null;
  waitingFte: number | null;
  infraFte: number | null;
  waitingFteExact: number | null;
  infraFteExact: number | null;
  pathMix: PathMix | null;
}

interface TailFigures {
  meanRewritePct: number | null;
  meanSupportPct: number | null;
  meanPlatformPct: number | null;
  meanHandmaidLoad: number | null;
}

/** The tooth figures of a group below k: all withheld. */
export const WITHHELD_TOOTH: ToothFigures = {
  medianWaitingPct: null,
  meanWaitingPct: null,
  medianInfraPct: null,
  meanInfraPct: null,
  medianProductivePct: null,
  waitingFte: null,
  infraFte: null,
  waitingFteExact: null,
  infraFteExact: null,
  pathMix: null,
};

/** The tail figures of a group below k: all withheld. */
export const WITHHELD_TAIL: TailFigures = {
  meanRewritePct: null,
  meanSupportPct: null,
  meanPlatformPct: null,
  meanHandmaidLoad: null,
};

/**
 * People's worth of time: a mean share of time times the headcount it is a share of. Computed
 * from the unrounded mean (SPEC section 4); the sum is taken before dividing, so that exact
 * bucket sums stay exact (23.3...% of 6 people is 140 / 100, not 1.3999...).
 */
export function fteOf(shares: readonly number[], headcount: number): number | null {
  if (shares.length === 0) return null;
  const sum = shares.reduce((total, v) => total + v, 0);
  return (sum * headcount) / (shares.length * 100);
}

function toothFigures(answers: readonly ToothAnswers[], tooth: number): ToothFigures {
  const waiting = answers.map((a) => a.waitingPct);
  const infra = answers.map((a) => a.infraPct);
  const waitingFteExact = fteOf(waiting, tooth);
  const infraFteExact = fteOf(infra, tooth);
  return {
    medianWaitingPct: rounded(median(waiting)),
    meanWaitingPct: rounded(mean(waiting)),
    medianInfraPct: rounded(median(infra)),
    meanInfraPct: rounded(mean(infra)),
    medianProductivePct: rounded(median(answers.map(productivePct))),
    waitingFte: rounded(waitingFteExact),
    infraFte: rounded(infraFteExact),
    waitingFteExact,
    infraFteExact,
    pathMix: countPathMix(answers),
  };
}

function tailFigures(answers: readonly TailAnswers[]): TailFigures {
  return {
    meanRewritePct: rounded(mean(answers.map((a) => a.rewritePct))),
    meanSupportPct: rounded(mean(answers.map((a) => a.supportPct))),
    meanPlatformPct: rounded(mean(answers.map((a) => a.platformPct))),
    meanHandmaidLoad: rounded(mean(answers.map(handmaidLoad))),
  };
}

/** Percent (0-100, rounded) of shipped path answers that took `path`; null when nothing shipped. */
function shippedShare(pathMix: PathMix, path: 'rewrite' | 'diy-infra'): number | null {
  const shipped = SHIPPED_PATHS.reduce((sum, p) => sum + pathMix[p], 0);
  if (shipped === 0) return null;
  // count * 100 / shipped rather than count / shipped * 100: one division, so exact halves stay exact.
  return round1((pathMix[path] * 100) / shipped);
}

function fired(
  mode: Signal['mode'],
  name: Signal['name'],
  value: number | null,
  threshold: number,
): Signal[] {
  if (value === null || value < threshold) return [];
  return [{ mode, name, value, threshold, over: round1(value - threshold) }];
}

/**
 * The signals that fired, handmaid ones first. Thresholds are compared with the rounded
 * figures, the same numbers the summary shows, so a verdict never contradicts its figures.
 */
function signalsFor(tooth: ToothFigures, tail: TailFigures, t: Thresholds): Signal[] {
  const rewriteShare = tooth.pathMix === null ? null : shippedShare(tooth.pathMix, 'rewrite');
  const diyInfraShare = tooth.pathMix === null ? null : shippedShare(tooth.pathMix, 'diy-infra');
  return [
    ...fired('handmaid', 'median_waiting_pct', tooth.medianWaitingPct, t.medianWaitingPct),
    ...fired('handmaid', 'mean_handmaid_load', tail.meanHandmaidLoad, t.meanHandmaidLoad),
    ...fired('handmaid', 'rewrite_share', rewriteShare, t.rewriteShare),
    ...fired('full-stack', 'median_infra_pct', tooth.medianInfraPct, t.medianInfraPct),
    ...fired('full-stack', 'diy_infra_share', diyInfraShare, t.diyInfraShare),
  ];
}

/** The verdict the signals that fired add up to (the tooth having met k). */
export function verdictFor(signals: readonly Signal[]): FailureMode {
  const handmaid = signals.some((s) => s.mode === 'handmaid');
  const fullStack = signals.some((s) => s.mode === 'full-stack');
  if (handmaid && fullStack) return 'both';
  if (handmaid) return 'handmaid';
  if (fullStack) return 'full-stack';
  return 'healthy';
}

/**
 * The team-level aggregate of one round. `roster` is the snapshot taken when the round opened;
 * `k` is the anonymity threshold. A group's figures exist only when at least k of its members
 * answered (k below 1 is treated as 1, so figures never come from nobody); the verdict is
 * `insufficient-data`, with no signals, while the tooth is below k.
 */
export function summariseRound(
  roster: RosterEntry[],
  answers: Answers[],
  k: number,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): RoundFigures {
  const tooth = roster.filter((e) => e.role === 'data-scientist').length;
  const tail = roster.filter((e) => e.role === 'engineer').length;
  const toothAnswers = answers.filter((a): a is ToothAnswers => a.role === 'data-scientist');
  const tailAnswers = answers.filter((a): a is TailAnswers => a.role === 'engineer');
  const minimum = Math.max(1, k);
  const toothMet = toothAnswers.length >= minimum;
  const toothFig = toothMet ? toothFigures(toothAnswers, tooth) : WITHHELD_TOOTH;
  const tailFig = tailAnswers.length >= minimum ? tailFigures(tailAnswers) : WITHHELD_TAIL;
  const signals = toothMet ? signalsFor(toothFig, tailFig, thresholds) : [];
  return {
    tooth,
    tail,
    ratio: tooth === 0 ? null : tail / tooth,
    tailMix: countTailMix(roster),
    toothResponses: toothAnswers.length,
    tailResponses: tailAnswers.length,
    k,
    ...toothFig,
    ...tailFig,
    failureMode: toothMet ? verdictFor(signals) : 'insufficient-data',
    signals,
  };
}
