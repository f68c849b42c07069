import type { ChartRequest } from '../storage/outbox.js';
import type { OrgReport } from './report-types.js';

/** The frontier chart of an org report: the bands, and the observations in the shown ones. */
export function frontierChart(report: OrgReport): ChartRequest {
  return {
    kind: 'frontier',
    bands: report.frontier,
    observations: report.frontierObservations,
    windowWeeks: report.frontierWindowWeeks,
  };
}
