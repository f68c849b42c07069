// The team trend chart: tooth medians (percent, left axis) and the ratio (step line, right
// axis) over the latest closed rounds, with each round's verdict in colour along the top.
import type { ChartConfiguration } from 'chart.js';
import type { FailureMode } from '../domain/types.js';
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

function percentLine(label: string, data: (number | null)[], colour: string, width: number) {
  return {
    label,
    data,
    yAxisID: 'pct',
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: width,
    pointRadius: 4,
    // A withheld round stays a gap: never bridged, never drawn as zero.
    spanGaps: false,
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
        percentLine('Productive share', series.productive, '#1565c0', 3),
        percentLine('Waiting', series.waiting, '#ef6c00', 2),
        percentLine('Infra', series.infra, '#8e24aa', 2),
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
          title: { display: true, text: 'Engineers per data scientist' },
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
