// The org-wide ratio frontier from history: a scatter of observations (each a team round whose
// figures its own digest already shows) with each shown band's median drawn across its range.
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { formatPct } from './format.js';
import type { FrontierPoint, ShownBand } from './series.js';

const BAND_COLOURS = ['#2e7d32', '#1565c0', '#6a1b9a', '#ef6c00'];

/** The x axis runs to at least 1.5 engineers per data scientist, past the highest point. */
export function ratioAxisMax(points: readonly FrontierPoint[]): number {
  const highest = Math.max(0, ...points.map((p) => p.ratio));
  return Math.max(1.5, Math.ceil((highest + 0.25) * 4) / 4);
}

export function frontierChartConfig(
  shown: readonly ShownBand[],
  points: readonly FrontierPoint[],
  withheldOrEmpty: number,
  windowWeeks: number,
): ChartConfiguration<'scatter'> {
  const xMax = ratioAxisMax(points);
  const rest =
    withheldOrEmpty === 0
      ? ''
      : `; ${withheldOrEmpty === 1 ? 'one other band is' : `${withheldOrEmpty} other bands are`} withheld or empty`;
  const medians: ChartDataset<'scatter'>[] = shown.map((b, i) => ({
    label: `${b.label}: median ${formatPct(b.medianProductivePct)} (${b.teams} teams, ${b.observations} rounds)`,
    data: [
      { x: b.from, y: b.medianProductivePct },
      { x: Math.min(b.below, xMax), y: b.medianProductivePct },
    ],
    showLine: true,
    borderColor: BAND_COLOURS[i % BAND_COLOURS.length],
    backgroundColor: BAND_COLOURS[i % BAND_COLOURS.length],
    borderWidth: 4,
    pointRadius: 0,
  }));
  return {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'A team round (its own digest shows it)',
          data: points.map((p) => ({ x: p.ratio, y: p.medianProductivePct })),
          backgroundColor: 'rgba(69, 90, 100, 0.55)',
          borderColor: '#455a64',
          pointRadius: 5,
        },
        ...medians,
      ],
    },
    options: {
      layout: { padding: { left: 8, right: 16, top: 4, bottom: 4 } },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: xMax,
          // Ticks at the band edges, written as ratios so nobody reads them as percentages.
          afterBuildTicks: (axis) => {
            axis.ticks = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5]
              .filter((v) => v <= xMax)
              .map((value) => ({ value }));
          },
          ticks: { callback: (value) => `${Number(value).toFixed(2)} : 1` },
          title: {
            display: true,
            text: 'Engineers per data scientist (a ratio: 0.50 : 1 is one engineer for two data scientists)',
            font: { size: 13 },
          },
        },
        y: {
          min: 0,
          max: 100,
          ticks: { stepSize: 20, callback: (value) => `${value}%` },
          title: { display: true, text: 'Median productive share of the round' },
        },
      },
      plugins: {
        title: {
          display: true,
          text: 'Ratio frontier: productive share by ratio band',
          font: { size: 18, weight: 'bold' },
          padding: { top: 4, bottom: 2 },
        },
        subtitle: {
          display: true,
          text: `Every shown round of the last ${windowWeeks} weeks; a bar is a band's median (each team counted once)${rest}`,
          font: { size: 12 },
          padding: { bottom: 10 },
        },
        legend: { position: 'bottom', labels: { boxWidth: 28, boxHeight: 4, font: { size: 12 } } },
        tooltip: { enabled: false },
      },
    },
  };
}
