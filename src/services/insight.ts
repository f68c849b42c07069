// The org-level picture (SPEC sections 4 and 5): every team's latest round beside the ratio
// frontier, and the round summaries as rows for the CLI, all through the anonymity rule.

import { round1 } from '../domain/aggregate.js';
import type { ExportRow } from '../domain/export-csv.js';
import type { FrontierBand } from '../domain/frontier.js';
import type { SummaryRepository } from '../storage/summaries.js';
import type { Team, TeamRepository } from '../storage/teams.js';
import type { Clock } from './ports.js';
import type { OrgCapacity, OrgReport, OrgTeamRow, WithheldCell } from './report-types.js';
import type { ReportService } from './reports.js';

/** Sums the teams' unrounded figures, then rounds once (SPEC section 4). */
export function orgCapacity(rows: readonly OrgTeamRow[]): OrgCapacity {
  const shown = rows.flatMap(({ report }) => {
    const f = report?.summary.figures;
    return f && f.waitingFteExact !== null && f.infraFteExact !== null
      ? [{ waiting: f.waitingFteExact, infra: f.infraFteExact }]
      : [];
  });
  const sum = (values: number[]) => round1(values.reduce((total, v) => total + v, 0));
  return {
    teams: shown.length,
    waitingFte: shown.length === 0 ? null : sum(shown.map((s) => s.waiting)),
    infraFte: shown.length === 0 ? null : sum(shown.map((s) => s.infra)),
  };
}

/**
 * The whole organisation at a glance: the org table, the ratio frontier, and the summaries as
 * rows. Reads stored summaries only, always as ReportService presents them (today's k).
 */
export class InsightService {
  constructor(
    private readonly deps: {
      teams: TeamRepository;
      summaries: SummaryRepository;
      reports: ReportService;
      clock: Clock;
      anonymityThreshold: number;
    },
  ) {}

  /**
   * The org table, the org's capacity lost, the pooled tail and the frontier from history.
   *
   * Why nothing can be worked out by subtraction here (SPEC section 5):
   * - The frontier's observations are rounds whose tooth figures are shown under today's k, each
   *   already in its own team's digest; a band figure is a median of team medians, which cannot
   *   be taken apart by subtraction. Bands follow the spec's rule: at least two teams and k
   *   respondents, and when exactly one band is withheld the next-smallest shown one is too.
   * - Capacity sums only teams whose tooth figures are shown, so no hidden team is inside it.
   * - The pooled tail is a total over specialty cells, so a withheld cell takes others with it
   *   until the hidden ones hold k people (poolTail). The views that show the pool never print a
   *   team's own tail figure beside it, which would let a small team be worked out as the pool
   *   minus the teams shown.
   */
  orgReport(workspaceId: string): OrgReport {
    const k = this.deps.anonymityThreshold;
    const teams = this.deps.reports.latestOfTeams(workspaceId, this.deps.teams.list(workspaceId));
    const frontier = this.deps.reports.frontier(workspaceId);
    return {
      workspaceId,
      k,
      generatedAt: this.deps.clock().toISOString(),
      teams,
      frontier: frontier.bands,
      frontierWindowWeeks: frontier.windowWeeks,
      frontierObservations: frontier.observations,
      capacity: orgCapacity(teams),
      // The pool is of the same latest rounds the table shows (each live team's).
      tailPool: this.deps.reports.tailPool(
        workspaceId,
        teams.flatMap(({ report }) => (report ? [report.summary] : [])),
      ),
      withheld: [...teams.flatMap(withheldOfTeam), ...withheldBands(frontier.bands)],
      people: this.deps.teams.people(workspaceId),
    };
  }

  /** The export's rows, as ReportService.exportRows reads them, for the CLI's table and JSON. */
  exportRows(workspaceId: string, team: Team | null): ExportRow[] {
    return this.deps.reports.exportRows(workspaceId, team);
  }
}

function withheldOfTeam({ team, report }: OrgTeamRow): WithheldCell[] {
  if (report === null) return [];
  const f = report.summary.figures;
  const roundId = report.summary.roundId;
  return [
    ...(f.medianProductivePct === null && f.toothResponses > 0
      ? [{ kind: 'tooth' as const, teamName: team.name, roundId }]
      : []),
    ...(f.meanHandmaidLoad === null && f.tailResponses > 0
      ? [{ kind: 'tail' as const, teamName: team.name, roundId }]
      : []),
  ];
}

function withheldBands(frontier: FrontierBand[]): WithheldCell[] {
  return frontier.filter((b) => b.withheld).map((b) => ({ kind: 'band' as const, band: b.band }));
}
