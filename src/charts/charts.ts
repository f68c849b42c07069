// PNG charts for Slack digests (issue "Charts in digests"). Each chart is CHART_WIDTH x
// CHART_HEIGHT (1000 x 500 px). The charting library loads on the first render, not at import.
import type { FrontierBand } from '../domain/frontier.js';
import { frontierAltText, trendAltText } from './alt-text.js';
import { CHART_HEIGHT, CHART_WIDTH, renderPng } from './engine.js';
import { clip, slug } from './format.js';
import { frontierChartConfig } from './frontier-chart.js';
import { type FrontierPoint, shownBands, shownPoints, trendSeries } from './series.js';
import { trendChartConfig } from './trend-chart.js';
import type { ChartImage, TrendPoint } from './types.js';

export { CHART_HEIGHT, CHART_WIDTH } from './engine.js';
export { TREND_ROUNDS } from './series.js';
export type { ChartImage, TrendPoint } from './types.js';

/**
 * A team's productive share, waiting and infra medians, ratio and verdicts over its latest
 * TREND_ROUNDS closed rounds (`points` oldest first). Withheld figures are gaps, never numbers.
 */
export async function renderTeamTrendChart(teamName: string, points: TrendPoint[]): Promise<ChartImage> {
  const series = trendSeries(points);
  const png = await renderPng(trendChartConfig(teamName, series));
  return {
    png,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    altText: trendAltText(teamName, series),
    filename: `tooth-tail-trend-${slug(teamName)}.png`,
    title: `${clip(teamName, 80)}: trend over the last ${series.verdicts.length} rounds`,
  };
}

/**
 * The ratio frontier from history: the observations in shown bands as dots, each shown band's
 * median as a bar across its range; null when every band is withheld or empty.
 */
export async function renderFrontierChart(
  bands: FrontierBand[],
  observations: readonly FrontierPoint[] = [],
  windowWeeks = 13,
): Promise<ChartImage | null> {
  const shown = shownBands(bands);
  if (shown.length === 0) return null;
  const points = shownPoints(shown, observations);
  const png = await renderPng(frontierChartConfig(shown, points, bands.length - shown.length, windowWeeks));
  return {
    png,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    altText: frontierAltText(bands, points, windowWeeks),
    filename: 'tooth-tail-frontier.png',
    title: 'Ratio frontier: productive share by ratio band',
  };
}
