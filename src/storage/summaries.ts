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

const toSummary = (r: SummaryRow): RoundSummary => ({
  roundId: r.round_id,
  workspaceId: r.workspace_id,
  teamId: r.team_id,
  teamName: r.team_name,
  openedAt: r.opened_at,
  closedAt: r.closed_at,
  figures: parsedFigures(r.figures),
});

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
    figures = deepFreeze(JSON.parse(json) as RoundFigures);
    if (figuresByJson.size >= MAX_PARSED_FIGURES) figuresByJson.clear();
    figuresByJson.set(json, figures);
  }
  return figures;
}

export class SummaryRepository extends Repository {
  private readonly insert = this.db.prepare(
    `INSERT INTO round_summaries (round_id, workspace_id, team_id, team_name, opened_at, closed_at, tooth, tail, ratio,
       tooth_responses, tail_responses, k, median_waiting_pct, median_infra_pct, median_productive_pct,
       mean_handmaid_load, failure_mode, figures)
     VALUES (@roundId, @workspaceId, @teamId, @teamName, @openedAt, @closedAt, @tooth, @tail, @ratio,
       @toothResponses, @tailResponses, @k, @medianWaitingPct, @medianInfraPct, @medianProductivePct,
       @meanHandmaidLoad, @failureMode, @figures)`,
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
    });
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
