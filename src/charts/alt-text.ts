// Alt text: the chart's figures in words, for screen readers and for Slack clients that show
// no image. Plain text; withheld figures read "withheld".
import { clip, formatPct, formatRatio, isoDay } from './format.js';
import type { ShownBand, TrendSeries } from './series.js';

/** Slack accepts longer alt text, but screen readers and previews do badly past this. */
export const ALT_TEXT_MAX = 1000;
const TEAM_NAME_MAX = 80;

function roundsPhrase(count: number): string {
  return count === 1 ? 'last round' : `last ${count} rounds`;
}

function figuresFrom(series: TrendSeries, from: number): string {
  const list = <T>(values: readonly T[], format: (v: T) => string) =>
    values.slice(from).map(format).join(', ');
  return [
    `productive share ${list(series.productive, formatPct)}`,
    `waiting ${list(series.waiting, formatPct)}`,
    `infra ${list(series.infra, formatPct)}`,
    `ratio (engineers per data scientist) ${list(series.ratio, formatRatio)}`,
    `verdicts ${list(series.verdicts, String)}`,
  ].join('; ');
}

/**
 * "Fraud ML, last 4 rounds (closed 2025-03-03 to 2025-05-26): productive share 60%, ...".
 * When that is too long, the oldest rounds' figures are left out ("figures for the latest 8").
 */
export function trendAltText(teamName: string, series: TrendSeries): string {
  const team = clip(teamName, TEAM_NAME_MAX);
  const count = series.verdicts.length;
  const first = series.closedAt[0];
  const last = series.closedAt[count - 1];
  if (first === undefined || last === undefined) return `${team}: no closed rounds yet.`;
  const span = count === 1 ? `closed ${isoDay(last)}` : `closed ${isoDay(first)} to ${isoDay(last)}`;
  const head = `${team}, ${roundsPhrase(count)} (${span})`;
  for (let from = 0; from < count; from++) {
    const latest = from === 0 ? '' : `; figures for the latest ${count - from}`;
    const text = `${head}${latest}: ${figuresFrom(series, from)}.`;
    if (text.length <= ALT_TEXT_MAX) return text;
  }
  return clip(`${head}: ${figuresFrom(series, count - 1)}.`, ALT_TEXT_MAX);
}

/** "Ratio frontier, ...: < 0.25: 55% (3 teams); 0.5-1: 70% (2 teams). Other bands ...". */
export function frontierAltText(shown: readonly ShownBand[], bandCount: number): string {
  const figures = shown
    .map((b) => `${b.label}: ${formatPct(b.medianProductivePct)} (${b.teams} teams)`)
    .join('; ');
  const rest = shown.length < bandCount ? ' Other bands are withheld or have no teams.' : '';
  return `Ratio frontier, median productive share by ratio band (engineers per data scientist): ${figures}.${rest}`;
}
