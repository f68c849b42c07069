import { deepFreeze } from '../domain/deep-freeze.js';
import type { RoundFigures } from '../domain/types.js';
import { Repository } from './repository.js';

/** A closed round's stored aggregate: what every surface and export reads. */
export interface RoundSummary {
  roundId: number;
  workspaceId: string;
  teamId: number;
  teamName: string;
  openedAt: string;
  closedAt: string;
  figures: RoundFigures;
}

interface SummaryRow {
  round_id: number;
  workspace_id: string;
  team_id: number;
  team_name: string;
  opened_at: string;
  closed_at: string;
  figures: string;
}

/**
 * The columns toSummary reads. The figure columns beside `figures` are for readers in SQL (BI
 * tools); reading all of them too made `/tooth-tail ratio` a third slower on 200 teams.
 */
const COLUMNS = 'round_id, workspace_id, team_id, team_name, opened_at, closed_at, figures';

/**
 * Figures as stored. Summaries stored before capacity lost was computed (migration 007) have no
 * FTE fields; they read as null, as a figure that does not exist, and are never estimated from
 * the rounded mean.
 */
const withCapacityFields = (f: RoundFigures): RoundFigures => {
  f.waitingFte ??= null;
  f.infraFte ??= null;
  f.waitingFteExact ??= null;
  f.infraFteExact ??= null;
  return f;
};

const toSummary = (r: SummaryRow): RoundSummary => ({
  roundId: r.round_id,
  workspaceId: r.workspace_id,
  teamId: r.team_id,
  teamName: r.team_name,
  openedAt: r.opened_at,
  closedAt: r.closed_at,
  figures: parsedFigures(r.figures),
});

/** One closed round as the frontier from history reads it: stored columns only, no JSON. */
export interface ObservationRow {
  teamId: number;
  roundId: number;
  closedAt: string;
  ratio: number | null;
  toothResponses: number;
  /** The k the round was summarised with, and the team's own k today (null: the org's). */
  storedK: number;
  teamK: number | null;
  medianProductivePct: number | null;
}

/**
 * Parsed figures by their stored JSON. A summary is written once, when its round closes, and
 * read on every `summary`, `ratio`, digest and Home tab, where parsing it was most of the cost.
 * Keyed by the text itself, so a cached value can never be stale (a rolled-back close, a
 * re-close after a failure: different text, different entry). Frozen because it is shared, and
 * that also lets the views reuse what they rendered from the very same object.
 */
const figuresByJson = new Map<string, RoundFigures>();
const MAX_PARSED_FIGURES = 5_000;

function parsedFigures(json: string): RoundFigures {
  let figures = figuresByJson.get(json);
  if (figures === undefined) {
    figures = deepFreeze(withCapacityFields(JSON.parse(json) as RoundFigures));
    if (figuresByJson.size >= MAX_PARSED_FIGURES) figuresByJson.clear();
    figuresByJson.set(json, figures);
  }
  return figures;
}

export class SummaryRepository extends Repository {
  private readonly insert = this.db.prepare(
    `INSERT INTO round_summaries (round_id, workspace_id, team_id, team_name, opened_at, closed_at, tooth, tail, ratio,
       tooth_responses, tail_responses, k, median_waiting_pct, median_infra_pct, median_productive_pct,
       mean_handmaid_load, failure_mode, figures, mean_waiting_pct, mean_infra_pct, waiting_fte, infra_fte)
     VALUES (@roundId, @workspaceId, @teamId, @teamName, @openedAt, @closedAt, @tooth, @tail, @ratio,
       @toothResponses, @tailResponses, @k, @medianWaitingPct, @medianInfraPct, @medianProductivePct,
       @meanHandmaidLoad, @failureMode, @figures, @meanWaitingPct, @meanInfraPct, @waitingFte, @infraFte)`,
  );
  /**
   * Read in raw mode (arrays): the frontier reads thousands of these on every `ratio`, and the
   * driver builds a row object key by key, about twice the cost of the query itself on 2,400 rows.
   */
  private readonly observations = this.db
    .prepare<
      [string, string],
      [
        teamId: number,
        roundId: number,
        closedAt: string,
        ratio: number | null,
        toothResponses: number,
        k: number,
        teamK: number | null,
        medianProductivePct: number | null,
      ]
    >(
      `SELECT s.team_id, s.round_id, s.closed_at, s.ratio, s.tooth_responses, s.k, t.anonymity_threshold,
         s.median_productive_pct
       FROM round_summaries s JOIN teams t ON t.id = s.team_id AND t.removed_at IS NULL
       WHERE s.workspace_id = ? AND s.closed_at >= ?
       ORDER BY s.team_id, s.closed_at, s.round_id`,
    )
    .raw(true);
  private readonly latestTwo = this.db.prepare<[string], SummaryRow>(
    `SELECT s.round_id, s.workspace_id, s.team_id, s.team_name, s.opened_at, s.closed_at, s.figures
     FROM teams t JOIN round_summaries s ON s.round_id IN (
       SELECT round_id FROM round_summaries WHERE team_id = t.id ORDER BY closed_at DESC, round_id DESC LIMIT 2)
     WHERE t.workspace_id = ? AND t.removed_at IS NULL
     ORDER BY s.team_id, s.closed_at DESC, s.round_id DESC`,
  );
  private readonly upTo = this.db.prepare<[number, string, string, number, number], SummaryRow>(
    `SELECT ${COLUMNS} FROM round_summaries WHERE team_id = ? AND (closed_at < ? OR (closed_at = ? AND round_id <= ?))
     ORDER BY closed_at DESC, round_id DESC LIMIT ?`,
  );
  private readonly byRound = this.db.prepare<[number], SummaryRow>(
    `SELECT ${COLUMNS} FROM round_summaries WHERE round_id = ?`,
  );
  private readonly ofTeam = this.db.prepare<[number, number], SummaryRow>(
    `SELECT ${COLUMNS} FROM round_summaries WHERE team_id = ? ORDER BY closed_at DESC, round_id DESC LIMIT ?`,
  );
  private readonly ofWorkspace = this.db.prepare<[string], SummaryRow>(
    `SELECT ${COLUMNS} FROM round_summaries WHERE workspace_id = ? ORDER BY team_name COLLATE NOCASE, closed_at, round_id`,
  );
  private readonly closedBetween = this.db.prepare<[string, string, string], SummaryRow>(
    `SELECT ${COLUMNS} FROM round_summaries WHERE workspace_id = ? AND closed_at >= ? AND closed_at < ?
     ORDER BY team_name COLLATE NOCASE, closed_at`,
  );

  private readonly before = this.db.prepare<[number, string, string, number], SummaryRow>(
    `SELECT ${COLUMNS} FROM round_summaries WHERE team_id = ? AND (closed_at < ? OR (closed_at = ? AND round_id < ?))
     ORDER BY closed_at DESC, round_id DESC LIMIT 1`,
  );

  /** The team's closed round just before the one closed at `closedAt`. */
  previous(teamId: number, closedAt: string, roundId: number): RoundSummary | undefined {
    const row = this.before.get(teamId, closedAt, closedAt, roundId);
    return row && toSummary(row);
  }

  save(s: RoundSummary): void {
    const f = s.figures;
    this.insert.run({
      roundId: s.roundId,
      workspaceId: s.workspaceId,
      teamId: s.teamId,
      teamName: s.teamName,
      openedAt: s.openedAt,
      closedAt: s.closedAt,
      tooth: f.tooth,
      tail: f.tail,
      ratio: f.ratio,
      toothResponses: f.toothResponses,
      tailResponses: f.tailResponses,
      k: f.k,
      medianWaitingPct: f.medianWaitingPct,
      medianInfraPct: f.medianInfraPct,
      medianProductivePct: f.medianProductivePct,
      meanHandmaidLoad: f.meanHandmaidLoad,
      failureMode: f.failureMode,
      figures: JSON.stringify(f),
      meanWaitingPct: f.meanWaitingPct,
      meanInfraPct: f.meanInfraPct,
      waitingFte: f.waitingFte,
      infraFte: f.infraFte,
    });
  }

  /** Closed rounds of live teams since `from` (ISO), by team then time: the frontier's observations. */
  observationsSince(workspaceId: string, from: string): ObservationRow[] {
    return this.observations
      .all(workspaceId, from)
      .map(([teamId, roundId, closedAt, ratio, toothResponses, storedK, teamK, medianProductivePct]) => ({
        teamId,
        roundId,
        closedAt,
        ratio,
        toothResponses,
        storedK,
        teamK,
        medianProductivePct,
      }));
  }

  /**
   * Each live team's latest two closed rounds, newest first (absent: none closed), in one read:
   * the org table and its trend. One statement instead of one per team, whose calls were a third
   * of `ratio` on 200 teams.
   */
  latestTwoOfTeams(workspaceId: string): Map<number, RoundSummary[]> {
    const byTeam = new Map<number, RoundSummary[]>();
    for (const row of this.latestTwo.all(workspaceId)) {
      const summary = toSummary(row);
      const rows = byTeam.get(summary.teamId);
      if (rows) rows.push(summary);
      else byTeam.set(summary.teamId, [summary]);
    }
    return byTeam;
  }

  /** The team's closed rounds up to and including `roundId`, newest first, at most `limit`. */
  history(teamId: number, upTo: RoundSummary, limit: number): RoundSummary[] {
    return this.upTo.all(teamId, upTo.closedAt, upTo.closedAt, upTo.roundId, limit).map(toSummary);
  }

  get(roundId: number): RoundSummary | undefined {
    const row = this.byRound.get(roundId);
    return row && toSummary(row);
  }

  /** The team's most recent closed rounds, newest first. */
  recent(teamId: number, limit: number): RoundSummary[] {
    return this.ofTeam.all(teamId, limit).map(toSummary);
  }

  /** Every stored summary of a workspace, by team name then time: the export's order. */
  all(workspaceId: string): RoundSummary[] {
    return this.ofWorkspace.all(workspaceId).map(toSummary);
  }

  closedIn(workspaceId: string, from: string, to: string): RoundSummary[] {
    return this.closedBetween.all(workspaceId, from, to).map(toSummary);
  }

  private readonly closedSince = this.db.prepare<[string, string], SummaryRow>(
    `SELECT ${COLUMNS} FROM round_summaries WHERE workspace_id = ? AND closed_at > ? ORDER BY closed_at, round_id`,
  );

  /** The workspace's rounds that closed strictly after `after`, oldest first. */
  closedAfter(workspaceId: string, after: string): RoundSummary[] {
    return this.closedSince.all(workspaceId, after).map(toSummary);
  }
}
