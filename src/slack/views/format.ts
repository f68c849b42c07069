// Small, pure formatting shared by every view.
import { trend } from '../../domain/trend.js';
import type { FailureMode, RoundFigures, TailMix } from '../../domain/types.js';

export const WITHHELD = '–';

export const pct = (value: number | null): string =>
  value === null ? WITHHELD : `${value.toFixed(1).replace(/\.0$/, '')}%`;

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "3 engineers : 8 data scientists": the raw counts, labelled, so the order never needs thought. */
export const headcountText = (f: Pick<RoundFigures, 'tooth' | 'tail'>): string =>
  `${count(f.tail, 'engineer', 'engineers')} : ${count(f.tooth, 'data scientist', 'data scientists')}`;

/** "3 engineers : 8 data scientists (0.38 engineers per data scientist)". */
export const ratioText = (f: Pick<RoundFigures, 'tooth' | 'tail' | 'ratio'>): string =>
  `${headcountText(f)} (${f.ratio === null ? 'no data scientists' : `${f.ratio.toFixed(2)} engineers per data scientist`})`;

/** People's worth of time, one decimal: "2.4". */
export const fte = (value: number): string => value.toFixed(1);

/**
 * "about 2.4 data scientists' worth of time went to waiting on engineers, and 1.1 to doing
 * infrastructure themselves"; null when the figures are withheld or predate them.
 */
export const capacityText = (waiting: number | null, infra: number | null): string | null =>
  waiting === null || infra === null
    ? null
    : `about ${fte(waiting)} data scientists’ worth of time went to waiting on engineers, and ${fte(infra)} to doing infrastructure themselves`;

export const mixText = (mix: TailMix): string => {
  const parts = (Object.entries(mix) as Array<[string, number]>)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s === 'unspecified' ? 'with no specialty' : s}`);
  return parts.length === 0 ? 'no engineers' : parts.join(', ');
};

export const rate = (responses: number, asked: number): string =>
  asked === 0 ? 'nobody asked' : `${responses}/${asked} (${Math.round((responses / asked) * 100)}%)`;

/** "30% ↑5" against the previous round; only the arrow's sign, never the previous figure alone. */
export const withTrend = (current: number | null, previous: number | null | undefined): string => {
  const t = trend(current, previous ?? null);
  if (current === null) return WITHHELD;
  if (t.delta === null) return pct(current);
  return `${pct(current)} ${t.arrow}${t.delta === 0 ? '' : Math.abs(t.delta).toString()}`;
};

export const VERDICT_LABEL: Record<FailureMode, string> = {
  handmaid: ':warning: Handmaid',
  'full-stack': ':warning: Full-stack',
  both: ':rotating_light: Both handmaid and full-stack',
  healthy: ':white_check_mark: Healthy',
  'insufficient-data': ':grey_question: Not enough answers',
};

export { escapeText } from '../../domain/escape.js';
export { slackDate, slackDay, utcDay } from '../../services/when.js';

/** "Fraud", "Fraud and Pricing", "Fraud, Pricing and Search". */
export const listOf = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/**
 * What a person is told about their answers, in the words a works council can check: confidential,
 * not anonymous, because the app keeps their id with the answer so that they can change or delete it.
 */
export const CONFIDENTIAL_NOTE =
  'Confidential, not anonymous: your answers are stored with your Slack id so that you can see, change and delete them (Home tab, `/tooth-tail forget-me`). Nobody else ever sees them; channels get team figures only, and only when enough people answered.';
