// The org-wide ratio frontier: median productive share per ratio band, shown bands only.
import type { ChartConfiguration } from 'chart.js';
import { formatPct } from './format.js';
import type { ShownBand } from './series.js';

export function frontierChartConfig(
  shown: readonly ShownBand[],
  withheldOrEmpty: number,
): ChartConfiguration<'bar'> {
  const rest =
    withheldOrEmpty === 0
      ? ''
      : `; ${withheldOrEmpty === 1 ? 'one other band is' : `${withheldOrEmpty} other bands are`} withheld or empty`;
  return {
    type: 'bar',
    data: {
      labels: shown.map((b) => [b.label, `${formatPct(b.medianProductivePct)}, ${b.teams} teams`]),
      datasets: [
        {
          label: 'Median productive share',
          data: shown.map((b) => b.medianProductivePct),
          backgroundColor: '#1565c0',
          maxBarThickness: 140,
          borderRadius: 3,
        },
      ],
    },
    options: {
      layout: { padding: { left: 8, right: 16, top: 4, bottom: 4 } },
      scales: {
        x: {
          grid: { display: false },
          ticks: { font: { size: 13 } },
          title: { display: true, text: 'Ratio band (engineers per data scientist)', font: { size: 13 } },
        },
        y: {
          min: 0,
          max: 100,
          ticks: { stepSize: 20, callback: (value) => `${value}%` },
          title: { display: true, text: 'Median productive share' },
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
          text: `Median of each team’s latest closed round${rest}`,
          font: { size: 12 },
          padding: { bottom: 10 },
        },
        legend: { display: false },
        tooltip: { enabled: false },
      },
    },
  };
}
