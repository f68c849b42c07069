import type { ChartRenderer } from '../services/ports.js';
import { renderFrontierChart, renderTeamTrendChart } from './charts.js';

/** The ChartRenderer port over the Chart.js charts, for the composition root to inject. */
export const chartRenderer: ChartRenderer = {
  render: (request) =>
    request.kind === 'team-trend'
      ? renderTeamTrendChart(request.teamName, request.points)
      : renderFrontierChart(request.bands, request.observations ?? [], request.windowWeeks),
};
