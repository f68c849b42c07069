import { adviseTeam } from '../domain/advice.js';
import { withholdBelow } from '../domain/anonymity.js';
import { type ExportRow, exportCsv } from '../domain/export-csv.js';
import { buildFrontier, FRONTIER_WINDOW_WEEKS, frontierWindowStart, ratioBand } from '../domain/frontier.js';
import { lastChange } from '../domain/mix-change.js';
import { nextOccurrence, parseCron } from '../domain/schedule.js';
import { poolTail, type TailPool } from '../domain/tail-pool.js';
import type { ChartRequest } from '../storage/outbox.js';
import type { RoundRepository } from '../storage/rounds.js';
import type { RoundSummary, SummaryRepository } from '../storage/summaries.js';
import { type Team, type TeamRepository, teamLabel } from '../storage/teams.js';
import type { Clock } from './ports.js';
import type { FrontierFromHistory, TeamReport } from './report-types.js';

/** A trend chart shows this many closed rounds. */
export const TREND_ROUNDS = 12;
/** How far back "what the last change did" looks for a change of ratio or tail mix, in rounds. */
export const CHANGE_LOOKBACK = 16;

/** Reads stored round summaries for people: always through the anonymity rule at today's k. */
export class ReportService {
  constructor(
    private readonly deps: {
      summaries: SummaryRepository;
      rounds: RoundRepository;
      clock: Clock;
      anonymityThreshold: number;
      /** Each team's own k and whether it was removed, for the export's rows. */
      teams: TeamRepository;
    },
  ) {}

  private present(summary: RoundSummary, team?: Team): RoundSummary {
    const k = team?.anonymityThreshold ?? this.deps.anonymityThreshold;
    return { ...summary, figures: withholdBelow(summary.figures, k) };
  }

  /**
   * The frontier from history (SPEC section 4): the closed rounds of the last 13 weeks whose
   * tooth figures are shown under today's k (the team's own, else the org's), per ratio band.
   */
  frontier(workspaceId: string): FrontierFromHistory {
    const from = frontierWindowStart(this.deps.clock()).toISOString();
    const rows = this.deps.summaries.observationsSince(workspaceId, from).filter((r) => {
      const k = Math.max(r.storedK, r.teamK ?? this.deps.anonymityThreshold);
      return r.medianProductivePct !== null && r.ratio !== null && r.toothResponses >= k;
    });
    const bands = buildFrontier(
      rows.map((r) => ({
        team: String(r.teamId),
        ratio: r.ratio,
        toothResponses: r.toothResponses,
        medianProductivePct: r.medianProductivePct,
      })),
      this.deps.anonymityThreshold,
    );
    const shown = new Set(
      bands.filter((b) => !b.withheld && b.medianProductivePct !== null).map((b) => b.band),
    );
    const observations = rows.flatMap((r) => {
      const band = ratioBand(r.ratio);
      return band !== null && shown.has(band)
        ? [
            {
              ratio: r.ratio as number,
              medianProductivePct: r.medianProductivePct as number,
              closedAt: r.closedAt,
            },
          ]
        : [];
    });
    return { windowWeeks: FRONTIER_WINDOW_WEEKS, bands, observations };
  }

  /** The engineers' answers of each live team's latest closed round, pooled (SPEC section 4). */
  tailPool(workspaceId: string, latest = this.latestRounds(workspaceId)): TailPool {
    return poolTail(
      this.deps.rounds.tailAnswers(latest.map((s) => s.roundId)),
      latest.reduce((sum, s) => sum + s.figures.tail, 0),
      this.deps.anonymityThreshold,
    );
  }

  /** Each live team's latest closed round. */
  private latestRounds(workspaceId: string): RoundSummary[] {
    return [...this.deps.summaries.latestTwoOfTeams(workspaceId).values()].flatMap(([latest]) =>
      latest ? [latest] : [],
    );
  }

  /**
   * Every live team's latest closed round beside the one before it, as `latest` gives each (but
   * without the round's number, which only a team's own digest shows), read at once.
   */
  latestOfTeams(workspaceId: string, teams: Team[]): Array<{ team: Team; report: TeamReport | null }> {
    const latest = this.deps.summaries.latestTwoOfTeams(workspaceId);
    return teams.map((team) => {
      const [summary, previous] = latest.get(team.id) ?? [];
      return { team, report: summary ? this.report(team, summary, previous) : null };
    });
  }

  /** A closed round of the team beside the one before it, both under today's k. */
  private report(team: Team, summary: RoundSummary, previous: RoundSummary | undefined): TeamReport {
    return {
      teamName: teamLabel(team),
      summary: this.present(summary, team),
      previous: previous ? this.present(previous, team) : null,
    };
  }

  /**
   * A team report with what a summary and a team digest add to it: what the team's last change
   * of ratio or tail mix did, and the recommendation with its evidence. The org figures behind
   * the evidence are read only when the verdict asks for them.
   */
  detailed(team: Team, report: TeamReport): TeamReport {
    const history = this.deps.summaries
      .history(team.id, report.summary, CHANGE_LOOKBACK)
      .reverse()
      .map((s) => this.present(s, team));
    const f = report.summary.figures;
    const wantsHire = f.failureMode === 'full-stack' || f.failureMode === 'both';
    const wantsPool = f.failureMode === 'handmaid' || f.failureMode === 'both';
    return {
      ...report,
      change: lastChange(history),
      advice: adviseTeam(
        f,
        wantsHire ? this.frontier(team.workspaceId).bands : null,
        wantsPool ? this.tailPool(team.workspaceId) : null,
      ),
    };
  }

  /** The team's latest closed round and the one before it, or null when none has closed. */
  latest(team: Team): TeamReport | null {
    const [summary, previous] = this.deps.summaries.recent(team.id, 2);
    if (!summary) return null;
    return {
      ...this.report(team, summary, previous),
      roundNumber: this.deps.rounds.numberInTeam(team.id, summary.roundId),
    };
  }

  /** A given closed round of the team beside the round before it. */
  reportFor(team: Team, roundId: number): TeamReport | null {
    const summary = this.deps.summaries.get(roundId);
    if (!summary) return null;
    const previous = this.deps.summaries.previous(team.id, summary.closedAt, roundId);
    return {
      ...this.report(team, summary, previous),
      roundNumber: this.deps.rounds.numberInTeam(team.id, roundId),
    };
  }

  /** The team's trend over its latest TREND_ROUNDS closed rounds, oldest first, under today's k. */
  trendChart(team: Team): ChartRequest {
    return {
      kind: 'team-trend',
      teamName: team.name,
      points: this.deps.summaries
        .recent(team.id, TREND_ROUNDS)
        .reverse()
        .map((s) => this.present(s, team))
        .map((s) => ({ roundId: s.roundId, closedAt: s.closedAt, figures: s.figures })),
    };
  }

  /** When the team's next round opens: its open round, or the schedule's next occurrence. */
  nextRound(team: Team): { openNow: boolean; at: Date | null } {
    const open = this.deps.rounds.openRoundOf(team.id);
    if (open) return { openNow: true, at: new Date(open.openedAt) };
    const cron = parseCron(team.scheduleCron);
    return {
      openNow: false,
      at: cron.ok ? nextOccurrence(cron.cron, team.timezone, this.deps.clock()) : null,
    };
  }

  /**
   * Every stored round summary of the workspace (or of one team) in the export's order, each
   * through the anonymity rule at its own team's k (the org's k unless the team sets one), as
   * every Slack surface applies it. A removed team's rows carry when it was removed, so they are
   * never read as a live team's (a new team may even have its old name).
   */
  exportRows(workspaceId: string, team: Team | null): ExportRow[] {
    const teams = new Map<number, Team | undefined>(team ? [[team.id, team]] : []);
    const teamOf = (id: number): Team | undefined => {
      if (!teams.has(id)) teams.set(id, this.deps.teams.get(id));
      return teams.get(id);
    };
    return this.deps.summaries
      .all(workspaceId)
      .filter((s) => team === null || s.teamId === team.id)
      .map((s) => {
        const own = teamOf(s.teamId);
        return {
          teamName: s.teamName,
          roundId: s.roundId,
          openedAt: s.openedAt,
          closedAt: s.closedAt,
          figures: this.present(s, own).figures,
          teamRemovedAt: own?.removedAt ?? null,
        };
      });
  }

  /** The CSV of SPEC section 6 for the workspace, or one team. */
  exportCsv(workspaceId: string, team: Team | null): { csv: string; rows: number } {
    const rows = this.exportRows(workspaceId, team);
    return { csv: exportCsv(rows), rows: rows.length };
  }
}
