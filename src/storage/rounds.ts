import type { PooledTailAnswer } from '../domain/tail-pool.js';
import type { Answers, PathToProd, PercentBucket, Role, RosterEntry, Specialty } from '../domain/types.js';
import { immediateTransaction } from './database.js';
import { Repository } from './repository.js';

export interface Round {
  id: number;
  workspaceId: string;
  teamId: number;
  scheduledFor: string | null;
  openedAt: string;
  closesAt: string;
  closedAt: string | null;
  remindersSent: number;
  openedBy: string;
}

export interface RosterSnapshotEntry extends RosterEntry {
  promptAt: string;
  /**
   * The open round (of another team) whose check-in DM already asks this person in the same role:
   * they get no second DM, and one submission is recorded in both. Null when this round asks them.
   */
  coveredBy?: number | null;
}

export interface StoredResponse {
  roundId: number;
  userId: string;
  answers: Answers;
  submittedAt: string;
  updatedAt: string;
}

interface RoundRow {
  id: number;
  workspace_id: string;
  team_id: number;
  scheduled_for: string | null;
  opened_at: string;
  closes_at: string;
  closed_at: string | null;
  reminders_sent: number;
  opened_by: string;
}

const toRound = (r: RoundRow): Round => ({
  id: r.id,
  workspaceId: r.workspace_id,
  teamId: r.team_id,
  scheduledFor: r.scheduled_for,
  openedAt: r.opened_at,
  closesAt: r.closes_at,
  closedAt: r.closed_at,
  remindersSent: r.reminders_sent,
  openedBy: r.opened_by,
});

interface ResponseRow {
  round_id: number;
  user_id: string;
  role: Role;
  waiting_pct: PercentBucket | null;
  infra_pct: PercentBucket | null;
  path_to_prod: PathToProd | null;
  rewrite_pct: PercentBucket | null;
  support_pct: PercentBucket | null;
  platform_pct: PercentBucket | null;
  blocker: string | null;
  submitted_at: string;
  updated_at: string;
}

const toAnswers = (r: ResponseRow): Answers =>
  r.role === 'data-scientist'
    ? {
        role: 'data-scientist',
        waitingPct: r.waiting_pct as PercentBucket,
        infraPct: r.infra_pct as PercentBucket,
        pathToProd: r.path_to_prod as PathToProd,
        blocker: r.blocker,
      }
    : {
        role: 'engineer',
        rewritePct: r.rewrite_pct as PercentBucket,
        supportPct: r.support_pct as PercentBucket,
        platformPct: r.platform_pct as PercentBucket,
        blocker: r.blocker,
      };

const toResponse = (r: ResponseRow): StoredResponse => ({
  roundId: r.round_id,
  userId: r.user_id,
  answers: toAnswers(r),
  submittedAt: r.submitted_at,
  updatedAt: r.updated_at,
});

export class RoundRepository extends Repository {
  private readonly byId = this.db.prepare<[number], RoundRow>('SELECT * FROM rounds WHERE id = ?');
  private readonly ordinal = this.db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM rounds WHERE team_id = ? AND id <= ?',
  );

  /** The round's number within its team (1 for the team's first), for people; ids are org-wide. */
  numberInTeam(teamId: number, roundId: number): number {
    return this.ordinal.get(teamId, roundId)?.n ?? 0;
  }
  private readonly openOfTeam = this.db.prepare<[number], RoundRow>(
    'SELECT * FROM rounds WHERE team_id = ? AND closed_at IS NULL',
  );
  private readonly allOpen = this.db.prepare<[], RoundRow>(
    'SELECT * FROM rounds WHERE closed_at IS NULL ORDER BY id',
  );
  private readonly insertRound = this.db.prepare(
    `INSERT INTO rounds (workspace_id, team_id, scheduled_for, opened_at, closes_at, opened_by)
     VALUES (@workspaceId, @teamId, @scheduledFor, @openedAt, @closesAt, @openedBy)`,
  );
  private readonly insertRoster = this.db.prepare(
    `INSERT INTO round_roster (round_id, workspace_id, user_id, role, specialty, prompt_at, covered_by)
     VALUES (@roundId, @workspaceId, @userId, @role, @specialty, @promptAt, @coveredBy)`,
  );
  private readonly rosterOf = this.db.prepare<
    [number],
    { user_id: string; role: Role; specialty: Specialty | null; prompt_at: string; covered_by: number | null }
  >(
    'SELECT user_id, role, specialty, prompt_at, covered_by FROM round_roster WHERE round_id = ? ORDER BY user_id',
  );
  private readonly markClosed = this.db.prepare(
    'UPDATE rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL',
  );
  private readonly markReminded = this.db.prepare(
    'UPDATE rounds SET reminders_sent = ? WHERE id = ? AND reminders_sent < ? AND closed_at IS NULL',
  );
  private readonly upsertResponse = this.db.prepare(
    `INSERT INTO responses (workspace_id, round_id, user_id, role, waiting_pct, infra_pct, path_to_prod,
       rewrite_pct, support_pct, platform_pct, blocker, submitted_at, updated_at)
     VALUES (@workspaceId, @roundId, @userId, @role, @waitingPct, @infraPct, @pathToProd,
       @rewritePct, @supportPct, @platformPct, @blocker, @now, @now)
     ON CONFLICT (round_id, user_id) DO UPDATE SET
       waiting_pct = excluded.waiting_pct, infra_pct = excluded.infra_pct, path_to_prod = excluded.path_to_prod,
       rewrite_pct = excluded.rewrite_pct, support_pct = excluded.support_pct, platform_pct = excluded.platform_pct,
       blocker = excluded.blocker, updated_at = excluded.updated_at`,
  );
  private readonly responsesOf = this.db.prepare<[number], ResponseRow>(
    'SELECT * FROM responses WHERE round_id = ? ORDER BY id',
  );
  private readonly responseOf = this.db.prepare<[number, string], ResponseRow>(
    'SELECT * FROM responses WHERE round_id = ? AND user_id = ?',
  );
  private readonly responsesOfUser = this.db.prepare<[string, string], ResponseRow>(
    'SELECT * FROM responses WHERE workspace_id = ? AND user_id = ? ORDER BY submitted_at DESC',
  );
  private readonly deleteResponsesOfUser = this.db.prepare(
    'DELETE FROM responses WHERE workspace_id = ? AND user_id = ?',
  );
  private readonly latestClosedOf = this.db.prepare<[number], RoundRow>(
    'SELECT * FROM rounds WHERE team_id = ? AND closed_at IS NOT NULL ORDER BY closed_at DESC, id DESC LIMIT 1',
  );
  private readonly latestScheduledOf = this.db.prepare<[number], { scheduled_for: string | null }>(
    'SELECT max(scheduled_for) AS scheduled_for FROM rounds WHERE team_id = ?',
  );

  get(id: number): Round | undefined {
    const row = this.byId.get(id);
    return row && toRound(row);
  }

  openRoundOf(teamId: number): Round | undefined {
    const row = this.openOfTeam.get(teamId);
    return row && toRound(row);
  }

  listOpen(): Round[] {
    return this.allOpen.all().map(toRound);
  }

  latestClosed(teamId: number): Round | undefined {
    const row = this.latestClosedOf.get(teamId);
    return row && toRound(row);
  }

  latestScheduledFor(teamId: number): string | null {
    return this.latestScheduledOf.get(teamId)?.scheduled_for ?? null;
  }

  /**
   * Opens a round with its roster snapshot, in one transaction. The unique index on open rounds
   * makes a second open for the same team fail with SQLITE_CONSTRAINT_UNIQUE.
   */
  open(input: {
    workspaceId: string;
    teamId: number;
    scheduledFor: string | null;
    openedAt: string;
    closesAt: string;
    openedBy: string;
    roster: RosterSnapshotEntry[];
  }): Round {
    return immediateTransaction(this.db, () => {
      const info = this.insertRound.run(input);
      const roundId = Number(info.lastInsertRowid);
      for (const entry of input.roster) {
        this.insertRoster.run({ coveredBy: null, ...entry, roundId, workspaceId: input.workspaceId });
      }
      return this.get(roundId) as Round;
    });
  }

  roster(roundId: number): RosterSnapshotEntry[] {
    return this.rosterOf.all(roundId).map((r) => ({
      userId: r.user_id,
      role: r.role,
      specialty: r.specialty,
      promptAt: r.prompt_at,
      coveredBy: r.covered_by,
    }));
  }

  private readonly roundAskingOne = this.db.prepare<[number, string], RoundRow & { asked_role: Role }>(
    `SELECT r.*, rr.role AS asked_role FROM round_roster rr JOIN rounds r ON r.id = rr.round_id
     WHERE rr.round_id = ? AND rr.user_id = ?`,
  );

  /** The round and the role it asked this person in, in one read; undefined when it did not ask them. */
  roundAsking(roundId: number, userId: string): { round: Round; role: Role } | undefined {
    const row = this.roundAskingOne.get(roundId, userId);
    return row && { round: toRound(row), role: row.asked_role };
  }

  /** Returns false when the round was already closed (someone else closed it first). */
  close(roundId: number, now: string): boolean {
    return this.markClosed.run(now, roundId).changes > 0;
  }

  /** Records that reminder `n` went out; false when it already had. */
  markReminder(roundId: number, n: number): boolean {
    return this.markReminded.run(n, roundId, n).changes > 0;
  }

  /** Inserts or replaces the member's answers: one row per round and member, whatever the retries. */
  saveResponse(input: {
    workspaceId: string;
    roundId: number;
    userId: string;
    answers: Answers;
    now: string;
  }): void {
    const a = input.answers;
    this.upsertResponse.run({
      workspaceId: input.workspaceId,
      roundId: input.roundId,
      userId: input.userId,
      role: a.role,
      waitingPct: a.role === 'data-scientist' ? a.waitingPct : null,
      infraPct: a.role === 'data-scientist' ? a.infraPct : null,
      pathToProd: a.role === 'data-scientist' ? a.pathToProd : null,
      rewritePct: a.role === 'engineer' ? a.rewritePct : null,
      supportPct: a.role === 'engineer' ? a.supportPct : null,
      platformPct: a.role === 'engineer' ? a.platformPct : null,
      blocker: a.blocker,
      now: input.now,
    });
  }

  responses(roundId: number): StoredResponse[] {
    return this.responsesOf.all(roundId).map(toResponse);
  }

  response(roundId: number, userId: string): StoredResponse | undefined {
    const row = this.responseOf.get(roundId, userId);
    return row && toResponse(row);
  }

  responsesOfMember(workspaceId: string, userId: string): StoredResponse[] {
    return this.responsesOfUser.all(workspaceId, userId).map(toResponse);
  }

  /** Deletes every raw answer of one person; returns how many. Summaries are untouched. */
  deleteResponsesOf(workspaceId: string, userId: string): number {
    return this.deleteResponsesOfUser.run(workspaceId, userId).changes;
  }

  private readonly tailAnswersOf = this.db.prepare<
    [string],
    {
      specialty: Specialty | null;
      rewrite_pct: PercentBucket;
      support_pct: PercentBucket;
      platform_pct: PercentBucket;
    }
  >(
    `SELECT rr.specialty, r.rewrite_pct, r.support_pct, r.platform_pct
     FROM responses r JOIN round_roster rr ON rr.round_id = r.round_id AND rr.user_id = r.user_id
     WHERE r.round_id IN (SELECT value FROM json_each(?)) AND r.role = 'engineer'
     ORDER BY r.round_id, r.id`,
  );

  /**
   * The engineers' raw answers in these rounds, each with the specialty the round's roster
   * snapshot gave its author, and nothing that says who. Read when a view is built, so an answer
   * deleted with forget-me leaves the pool at once.
   */
  tailAnswers(roundIds: readonly number[]): PooledTailAnswer[] {
    if (roundIds.length === 0) return [];
    return this.tailAnswersOf.all(JSON.stringify(roundIds)).map((r) => ({
      specialty: r.specialty,
      rewritePct: r.rewrite_pct,
      supportPct: r.support_pct,
      platformPct: r.platform_pct,
    }));
  }

  private readonly openOfMember = this.db.prepare<[string, string], RoundRow>(
    `SELECT r.* FROM rounds r JOIN round_roster rr ON rr.round_id = r.id
     WHERE r.workspace_id = ? AND rr.user_id = ? AND r.closed_at IS NULL ORDER BY r.closes_at, r.id`,
  );

  /** The open rounds whose roster snapshot asked this person, soonest to close first. */
  openRoundsOfMember(workspaceId: string, userId: string): Round[] {
    return this.openOfMember.all(workspaceId, userId).map(toRound);
  }

  private readonly dropUnanswered = this.db.prepare(
    `DELETE FROM round_roster WHERE workspace_id = ? AND user_id = ?
       AND round_id IN (SELECT id FROM rounds WHERE closed_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.round_id = round_roster.round_id AND r.user_id = round_roster.user_id)`,
  );

  /**
   * Takes a person off the roster snapshot of every open round they have not answered, so a
   * round's headcount and response rate count only people who can still answer. Closed rounds,
   * and rounds the person answered, keep them. Returns how many rounds changed.
   */
  dropFromOpenRounds(workspaceId: string, userId: string): number {
    return this.dropUnanswered.run(workspaceId, userId).changes;
  }

  private readonly deleteClosedBefore = this.db.prepare(
    `DELETE FROM responses WHERE round_id IN (
       SELECT id FROM rounds WHERE closed_at IS NOT NULL AND closed_at < ?)`,
  );

  /**
   * Deletes the raw answers of every round that closed strictly before `cutoff` (ISO 8601 UTC, so
   * text order is time order); returns how many. Open rounds and round summaries are untouched.
   */
  deleteResponsesClosedBefore(cutoff: string): number {
    return this.deleteClosedBefore.run(cutoff).changes;
  }

  private readonly openInWorkspace = this.db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM rounds WHERE workspace_id = ? AND closed_at IS NULL',
  );

  /** How many rounds of the workspace are open now. */
  openCount(workspaceId: string): number {
    return this.openInWorkspace.get(workspaceId)?.n ?? 0;
  }

  private readonly askingRound = this.db.prepare<[string, string, Role, number], { round_id: number }>(
    `SELECT rr.round_id FROM round_roster rr JOIN rounds r ON r.id = rr.round_id
     WHERE r.workspace_id = ? AND rr.user_id = ? AND rr.role = ? AND r.closed_at IS NULL
       AND rr.covered_by IS NULL AND r.team_id <> ?
     ORDER BY r.closes_at DESC, r.id DESC LIMIT 1`,
  );

  /**
   * The open round of another team whose own check-in DM asks this person in this role (the one
   * open longest, when there are several), or undefined.
   */
  askingRoundOf(workspaceId: string, userId: string, role: Role, exceptTeamId: number): number | undefined {
    return this.askingRound.get(workspaceId, userId, role, exceptTeamId)?.round_id;
  }

  private readonly sameRoleOpen = this.db.prepare<[string, string, Role], RoundRow>(
    `SELECT r.* FROM rounds r JOIN round_roster rr ON rr.round_id = r.id
     WHERE r.workspace_id = ? AND rr.user_id = ? AND rr.role = ? AND r.closed_at IS NULL
     ORDER BY r.closes_at, r.id`,
  );

  /** Every open round that asked this person in this role, soonest to close first. */
  openRoundsAsking(workspaceId: string, userId: string, role: Role): Round[] {
    return this.sameRoleOpen.all(workspaceId, userId, role).map(toRound);
  }

  private readonly blockersClosedIn = this.db.prepare<
    [string, string, string, string],
    { user_id: string; blocker: string }
  >(
    `SELECT DISTINCT re.user_id, re.blocker FROM responses re JOIN rounds r ON r.id = re.round_id
     WHERE r.workspace_id = ? AND r.closed_at >= ? AND r.closed_at < ? AND re.blocker IS NOT NULL
       AND re.updated_at >= ?`,
  );

  /**
   * The blockers written in rounds of the workspace that closed in [from, to), last changed at or
   * after `since`; the same text from one person in two rounds (two teams) comes once.
   */
  blockersClosedBetween(
    workspaceId: string,
    from: string,
    to: string,
    since: string,
  ): Array<{ userId: string; text: string }> {
    return this.blockersClosedIn
      .all(workspaceId, from, to, since)
      .map((r) => ({ userId: r.user_id, text: r.blocker }));
  }
}
