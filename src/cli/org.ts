// `tooth-tail report --org`: the org view (issue 13) as a table or one JSON object, through the
// same services, and so the same anonymity rule, as Slack's `ratio` and `all` digests.
import type { FrontierBand } from '../domain/frontier.js';
import type { OrgReport } from '../services/report-types.js';
import { formatFrontier } from './format.js';

/** The JSON shape issue 13 fixes; every withheld figure is null. */
export interface OrgJson {
  k: number;
  capacity: { teams: number; waiting_fte: number | null; infra_fte: number | null };
  tail_pool: {
    respondents: number;
    mean_rewrite_pct: number | null;
    mean_support_pct: number | null;
    mean_platform_pct: number | null;
    mean_handmaid_load: number | null;
    rewrite_fte: number | null;
    by_specialty: Array<{
      specialty: string;
      respondents: number;
      mean_handmaid_load: number | null;
      withheld: boolean;
    }>;
  };
  frontier: {
    window_weeks: number;
    bands: Array<{
      band: FrontierBand['band'];
      label: string;
      teams: number;
      observations: number;
      median_productive_pct: number | null;
      withheld: boolean;
    }>;
  };
}

export function orgJson(report: OrgReport): OrgJson {
  const pool = report.tailPool;
  return {
    k: report.k,
    capacity: {
      teams: report.capacity.teams,
      waiting_fte: report.capacity.waitingFte,
      infra_fte: report.capacity.infraFte,
    },
    tail_pool: {
      respondents: pool.respondents,
      mean_rewrite_pct: pool.meanRewritePct,
      mean_support_pct: pool.meanSupportPct,
      mean_platform_pct: pool.meanPlatformPct,
      mean_handmaid_load: pool.meanHandmaidLoad,
      rewrite_fte: pool.rewriteFte,
      by_specialty: pool.bySpecialty.map((cell) => ({
        specialty: cell.specialty,
        respondents: cell.respondents,
        mean_handmaid_load: cell.meanHandmaidLoad,
        withheld: cell.withheld,
      })),
    },
    frontier: {
      window_weeks: report.frontierWindowWeeks,
      bands: report.frontier.map((band) => ({
        band: band.band,
        label: band.label,
        teams: band.teams,
        observations: band.observations,
        median_productive_pct: band.medianProductivePct,
        withheld: band.withheld,
      })),
    },
  };
}

const WITHHELD = '–';
const pct = (value: number | null): string =>
  value === null ? WITHHELD : `${value.toFixed(1).replace(/\.0$/, '')}%`;
const people = (value: number | null): string => (value === null ? WITHHELD : value.toFixed(1));

/** The org view in plain text, worded as in Slack. */
export function formatOrg(report: OrgReport): string {
  const c = report.capacity;
  const pool = report.tailPool;
  const capacity =
    c.waitingFte === null
      ? `Capacity lost: ${WITHHELD} (no team's figures are shown yet)`
      : `Capacity lost: about ${people(c.waitingFte)} data scientists' worth of time went to waiting on engineers, and ${people(c.infraFte)} to doing infrastructure themselves (over the ${c.teams} of ${report.teams.length} teams whose figures are shown)`;
  const poolLine =
    pool.respondents === 0
      ? 'no engineer has answered yet'
      : pool.meanHandmaidLoad === null
        ? `${pool.respondents} answered, fewer than ${report.k}: withheld`
        : `${pool.respondents} answered: rewrite ${pct(pool.meanRewritePct)}, support ${pct(pool.meanSupportPct)}, platform ${pct(pool.meanPlatformPct)}; mean handmaid load ${pct(pool.meanHandmaidLoad)}; about ${people(pool.rewriteFte)} engineers' worth of time rewriting (of ${pool.tailHeadcount} on those rosters)`;
  const cells = pool.bySpecialty.map(
    (cell) =>
      `  ${cell.specialty.padEnd(9)} ${String(cell.respondents).padStart(8)}  ${(cell.withheld ? `${WITHHELD} (withheld)` : cell.respondents === 0 ? WITHHELD : pct(cell.meanHandmaidLoad)).padStart(13)}`,
  );
  return [
    `Org view (k = ${report.k}; figures only from groups where at least ${report.k} answered)`,
    '',
    `${capacity}.`,
    '',
    `Engineers across the org (pooled, each team's latest round): ${poolLine}.`,
    `  specialty answered  handmaid load`,
    ...cells,
    '',
    formatFrontier(report.frontier, report.k, report.frontierWindowWeeks).trimEnd(),
    '',
  ].join('\n');
}
