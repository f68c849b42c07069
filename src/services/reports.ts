import { withholdBelow } from '../domain/anonymity.js';
import { type ExportRow, exportCsv } from '../domain/export-csv.js';
import { nextOccurrence, parseCron } from '../domain/schedule.js';
import type { ChartRequest } from '../storage/outbox.js';
import type { RoundRepository } from '../storage/rounds.js';
import type { RoundSummary, SummaryRepository } from '../storage/summaries.js';
import { type Team, teamLabel } from '../storage/teams.js';
import type { Clock } from './ports.js';
import type { TeamReport } from './report-types.js';

/** A trend chart shows this many closed rounds. */
export const TREND_ROUNDS = 12;

/** Reads stored round summaries for people: always through the anonymity rule at today's k. */
export class ReportService {
  constructor(
    private readonly deps: {
      summaries: SummaryRepository;
      rounds: RoundRepository;
      clock: Clock;
      anonymityThreshold: number;
    },
  ) {}

  private present(summary: RoundSummary, team?: Team): RoundSummary {
    const k = team?.anonymityThreshold ?? this.deps.anonymityThreshold;
    return { ...summary, figures: withholdBelow(summary.figures, k) };
  }

  /** The team's latest closed round and the one before it, or null when none has closed. */
  latest(team: Team): TeamReport | null {
    const [summary, previous] = this.deps.summaries.recent(team.id, 2);
    if (!summary) return null;
    return {
      teamName: teamLabel(team),
      roundNumber: this.deps.rounds.numberInTeam(team.id, summary.roundId),
      summary: this.present(summary, team),
      previous: previous ? this.present(previous, team) : null,
    };
  }

  /** A given closed round of the team beside the round before it. */
  reportFor(team: Team, roundId: number): TeamReport | null {
    const summary = this.deps.summaries.get(roundId);
    if (!summary) return null;
    const previous = this.deps.summaries.previous(team.id, summary.closedAt, roundId);
    return {
      teamName: teamLabel(team),
      roundNumber: this.deps.rounds.numberInTeam(team.id, roundId),
      summary: this.present(summary, team),
      previous: previous ? this.present(previous, team) : null,
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

  /** The CSV of SPEC section 6 for the workspace, or one team. */
  exportCsv(workspaceId: string, team: Team | null): { csv: string; rows: number } {
    const rows: ExportRow[] = this.deps.summaries
      .all(workspaceId)
      .filter((s) => team === null || s.teamId === team.id)
      .map((s) => this.present(s, team ?? undefined))
      .map((s) => ({
        teamName: s.teamName,
        roundId: s.roundId,
        openedAt: s.openedAt,
        closedAt: s.closedAt,
        figures: s.figures,
      }));
    return { csv: exportCsv(rows), rows: rows.length };
  }
}
