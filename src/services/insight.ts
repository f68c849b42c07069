// The org-level picture (SPEC sections 4 and 5): every team's latest round beside the ratio
// frontier, and the round summaries as rows for the CLI, all through the anonymity rule.
import { withholdBelow } from '../domain/anonymity.js';
import type { ExportRow } from '../domain/export-csv.js';
import { buildFrontier, type FrontierBand } from '../domain/frontier.js';
import type { SummaryRepository } from '../storage/summaries.js';
import type { Team, TeamRepository } from '../storage/teams.js';
import type { Clock } from './ports.js';
import type { OrgReport, OrgTeamRow, WithheldCell } from './report-types.js';
import type { ReportService } from './reports.js';

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
   * The org table and the frontier beside it.
   *
   * Why nothing can be worked out by subtraction here (SPEC section 5):
   * - The frontier is built from the presented reports, where a team whose data scientists
   *   fell below k already has no productive figure; such a team adds nothing to any band. Every
   *   band figure is therefore a median of team figures the table already shows. Were a hidden
   *   team fed in, a band of one shown and one hidden team would give the hidden one away
   *   (a median of two is their mean: hidden = 2 × band − shown).
   * - A median cannot be taken apart by subtraction, and the table shows no org-wide total of
   *   any answer-derived figure, nor a team figure pooling tooth and tail, so no shown cell is
   *   "a total minus the others" of a hidden one.
   * - Bands still follow the spec's own rule: buildFrontier shows a band only with at least two
   *   teams and k respondents, and when exactly one band is withheld it hides the next-smallest
   *   shown band too.
   */
  orgReport(workspaceId: string): OrgReport {
    const k = this.deps.anonymityThreshold;
    const teams = this.deps.teams
      .list(workspaceId)
      .map((team) => ({ team, report: this.deps.reports.latest(team) }));
    const frontier = buildFrontier(
      teams.flatMap(({ team, report }) =>
        report === null
          ? []
          : [
              {
                team: String(team.id),
                ratio: report.summary.figures.ratio,
                toothResponses: report.summary.figures.toothResponses,
                medianProductivePct: report.summary.figures.medianProductivePct,
              },
            ],
      ),
      k,
    );
    return {
      workspaceId,
      k,
      generatedAt: this.deps.clock().toISOString(),
      teams,
      frontier,
      withheld: [...teams.flatMap(withheldOfTeam), ...withheldBands(frontier)],
      people: this.deps.teams.people(workspaceId),
    };
  }

  /**
   * Every stored round summary of the workspace (or of one team) in the export's order, each
   * through the anonymity rule at its own team's k (the org's k unless the team sets one), as
   * every Slack surface applies it.
   */
  exportRows(workspaceId: string, team: Team | null): ExportRow[] {
    const teamK = new Map<number, number>();
    const kOf = (teamId: number): number => {
      let k = teamK.get(teamId);
      if (k === undefined) {
        k = this.deps.teams.get(teamId)?.anonymityThreshold ?? this.deps.anonymityThreshold;
        teamK.set(teamId, k);
      }
      return k;
    };
    return this.deps.summaries
      .all(workspaceId)
      .filter((s) => team === null || s.teamId === team.id)
      .map((s) => ({
        teamName: s.teamName,
        roundId: s.roundId,
        openedAt: s.openedAt,
        closedAt: s.closedAt,
        figures: withholdBelow(s.figures, kOf(s.teamId)),
      }));
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
