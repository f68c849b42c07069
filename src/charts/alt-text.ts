// Alt text: the chart's figures in words, for screen readers and for Slack clients that show
// no image. Plain text; withheld figures read "withheld".

import type { FrontierBand } from '../domain/frontier.js';
import { clip, formatPct, formatRatio, isoDay } from './format.js';
import { type FrontierPoint, shownBands, shownPoints, type TrendSeries } from './series.js';

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

/**
 * "Ratio frontier from the last 13 weeks, …: < 0.25: 55% (3 teams, 8 rounds); 0.5-1: 70% (2
 * teams, 5 rounds). Other bands are withheld or have no teams." States the band figures the
 * chart draws, from the same shown bands, so words and picture agree on what is withheld.
 */
export function frontierAltText(
  bands: readonly FrontierBand[],
  points: readonly FrontierPoint[] = [],
  windowWeeks = 13,
): string {
  const shown = shownBands(bands);
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const figures = shown
    .map(
      (b) =>
        `${b.label}: ${formatPct(b.medianProductivePct)} (${count(b.teams, 'team')}, ${count(b.observations, 'round')})`,
    )
    .join('; ');
  const drawn = shownPoints(shown, points).length;
  const rest = shown.length < bands.length ? ' Other bands are withheld or have no teams.' : '';
  const dots = drawn > 0 ? ` Each of the ${drawn} dots is one team round in a shown band.` : '';
  return clip(
    `Ratio frontier from the last ${windowWeeks} weeks, median productive share by ratio band (engineers per data scientist): ${figures}.${rest}${dots}`,
    ALT_TEXT_MAX,
  );
}
