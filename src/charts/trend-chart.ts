// The team trend chart: tooth medians (percent, left axis) and the ratio (step line, right
// axis) over the latest closed rounds, with each round's verdict in colour along the top.
import type { ChartConfiguration } from 'chart.js';
import { DEFAULT_THRESHOLDS, type FailureMode } from '../domain/types.js';
import { clip, formatDay, spansYears } from './format.js';
import type { TrendSeries } from './series.js';

const VERDICT_COLOURS: Record<FailureMode, string> = {
  handmaid: '#c62828',
  'full-stack': '#6a1b9a',
  both: '#4e342e',
  healthy: '#2e7d32',
  'insufficient-data': '#757575',
};

/** Two lines where the word is long, so twelve verdicts fit side by side. */
function verdictLabel(verdict: FailureMode): string[] {
  return verdict === 'insufficient-data' ? ['insufficient', 'data'] : [verdict];
}

/**
 * Each percentage line has its own dash and point shape, so two lines on the same values (waiting
 * and infra both at 10%) stay visible as two: the dashes interleave and both markers show.
 */
function percentLine(
  label: string,
  data: (number | null)[],
  colour: string,
  style: { width: number; dash: number[]; point: 'circle' | 'triangle' | 'rect'; radius: number },
) {
  return {
    label,
    data,
    yAxisID: 'pct',
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: style.width,
    borderDash: style.dash,
    pointStyle: style.point,
    pointRadius: style.radius,
    // A withheld round stays a gap: never bridged, never drawn as zero.
    spanGaps: false,
  };
}

/** A verdict threshold as a thin flat line across the chart, in its figure's colour. */
function thresholdLine(label: string, value: number, count: number, colour: string) {
  return {
    label,
    data: Array.from({ length: count }, () => value),
    yAxisID: 'pct',
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 1,
    borderDash: [2, 3],
    pointRadius: 0,
  };
}

export function trendChartConfig(teamName: string, series: TrendSeries): ChartConfiguration<'line'> {
  const withYear = spansYears(series.closedAt);
  const ratios = series.ratio.filter((r): r is number => r !== null);
  const count = series.verdicts.length;
  return {
    type: 'line',
    data: {
      labels: series.closedAt.map((t) => formatDay(t, withYear)),
      datasets: [
        percentLine('Productive share', series.productive, '#1565c0', {
          width: 3,
          dash: [],
          point: 'circle',
          radius: 4,
        }),
        percentLine('Waiting', series.waiting, '#ef6c00', {
          width: 2,
          dash: [10, 5],
          point: 'triangle',
          radius: 6,
        }),
        percentLine('Infra', series.infra, '#8e24aa', { width: 2, dash: [3, 4], point: 'rect', radius: 5 }),
        {
          label: 'Ratio (engineers per data scientist)',
          data: series.ratio,
          yAxisID: 'ratio',
          stepped: 'middle',
          borderColor: '#455a64',
          backgroundColor: '#455a64',
          borderWidth: 2,
          borderDash: [6, 4],
          pointRadius: 0,
          spanGaps: false,
        },
        thresholdLine(
          `Waiting threshold (${DEFAULT_THRESHOLDS.medianWaitingPct}%: handmaid at or above)`,
          DEFAULT_THRESHOLDS.medianWaitingPct,
          count,
          '#ef6c00',
        ),
        thresholdLine(
          `Infra threshold (${DEFAULT_THRESHOLDS.medianInfraPct}%: full-stack at or above)`,
          DEFAULT_THRESHOLDS.medianInfraPct,
          count,
          '#8e24aa',
        ),
      ],
    },
    options: {
      layout: { padding: { left: 8, right: 8, top: 4, bottom: 4 } },
      scales: {
        x: { offset: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkip: false } },
        verdict: {
          type: 'category',
          position: 'top',
          labels: series.verdicts.map(verdictLabel),
          offset: true,
          grid: { display: false },
          border: { display: false },
          ticks: {
            autoSkip: false,
            maxRotation: 0,
            font: { size: 11, weight: 'bold' },
            color: (ctx: { index: number }) =>
              VERDICT_COLOURS[series.verdicts[ctx.index] ?? 'insufficient-data'],
          },
        },
        pct: {
          position: 'left',
          min: 0,
          max: 100,
          ticks: { stepSize: 20, callback: (value) => `${value}%` },
          title: { display: true, text: 'Median, % of data scientists’ time' },
        },
        ratio: {
          position: 'right',
          min: 0,
          suggestedMax: Math.max(1, ...ratios) * 1.25,
          grid: { drawOnChartArea: false },
          // Written as "0.50 : 1" so the right axis never reads as a percentage beside the left.
          ticks: { callback: (value) => `${Number(value).toFixed(2)} : 1` },
          title: { display: true, text: 'Ratio: engineers per data scientist (not a %)' },
        },
      },
      plugins: {
        title: {
          display: true,
          text: `${clip(teamName, 60)}: last ${count === 1 ? 'round' : `${count} rounds`}`,
          font: { size: 18, weight: 'bold' },
          padding: { top: 4, bottom: 2 },
        },
        subtitle: {
          display: true,
          text:
            count === 0
              ? 'No closed rounds yet'
              : 'Verdict per round along the top; a gap means the figure was withheld (too few answers)',
          font: { size: 12 },
          padding: { bottom: 6 },
        },
        legend: {
          position: 'bottom',
          labels: { boxWidth: 28, boxHeight: 2, padding: 16, font: { size: 12 } },
        },
        tooltip: { enabled: false },
      },
    },
  };
}
