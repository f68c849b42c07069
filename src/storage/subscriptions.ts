import type { Cadence } from '../domain/types.js';
import { immediateTransaction } from './database.js';
import { Repository } from './repository.js';

export interface Subscription {
  id: number;
  workspaceId: string;
  channelId: string;
  /** null: the whole org. */
  teamId: number | null;
  cadence: Cadence;
  createdBy: string;
  createdAt: string;
  lastPeriodEnd: string | null;
  /** Why the channel refuses digests (Slack's error, e.g. not_in_channel); null when they arrive. */
  problem: string | null;
  problemSince: string | null;
  /** Each-round `all` only: the newest close its last org digest covered, and that digest's day. */
  orgDigestThrough: string | null;
  orgDigestDay: string | null;
}

interface SubscriptionRow {
  id: number;
  workspace_id: string;
  channel_id: string;
  team_id: number | null;
  cadence: Cadence;
  created_by: string;
  created_at: string;
  last_period_end: string | null;
  problem: string | null;
  problem_since: string | null;
  problem_notified: string | null;
  org_digest_through: string | null;
  org_digest_day: string | null;
}

const toSubscription = (r: SubscriptionRow): Subscription => ({
  id: r.id,
  workspaceId: r.workspace_id,
  channelId: r.channel_id,
  teamId: r.team_id,
  cadence: r.cadence,
  createdBy: r.created_by,
  createdAt: r.created_at,
  lastPeriodEnd: r.last_period_end,
  problem: r.problem,
  problemSince: r.problem_since,
  orgDigestThrough: r.org_digest_through,
  orgDigestDay: r.org_digest_day,
});

export class SubscriptionRepository extends Repository {
  private readonly upsert = this.db.prepare(
    `INSERT INTO subscriptions (workspace_id, channel_id, team_id, cadence, created_by, created_at)
     VALUES (@workspaceId, @channelId, @teamId, @cadence, @createdBy, @now)
     ON CONFLICT (workspace_id, channel_id, ifnull(team_id, 0)) DO UPDATE SET cadence = excluded.cadence`,
  );
  private readonly find = this.db.prepare<[string, string, number], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE workspace_id = ? AND channel_id = ? AND ifnull(team_id, 0) = ?',
  );
  private readonly remove = this.db.prepare(
    'DELETE FROM subscriptions WHERE workspace_id = ? AND channel_id = ? AND ifnull(team_id, 0) = ?',
  );
  private readonly ofWorkspace = this.db.prepare<[string], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE workspace_id = ? ORDER BY channel_id, ifnull(team_id, 0)',
  );
  private readonly forRound = this.db.prepare<[string, number, Cadence], SubscriptionRow>(
    `SELECT * FROM subscriptions WHERE workspace_id = ? AND (team_id = ? OR team_id IS NULL) AND cadence = ?
     ORDER BY id`,
  );
  private readonly periodic = this.db.prepare<[], SubscriptionRow>(
    "SELECT * FROM subscriptions WHERE cadence IN ('weekly', 'monthly') ORDER BY id",
  );
  private readonly markPeriod = this.db.prepare(
    'UPDATE subscriptions SET last_period_end = ? WHERE id = ? AND (last_period_end IS NULL OR last_period_end < ?)',
  );
  private readonly byId = this.db.prepare<[number], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE id = ?',
  );

  private readonly ofChannel = this.db.prepare<[string, string], SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE workspace_id = ? AND channel_id = ? ORDER BY id',
  );
  private readonly setProblem = this.db.prepare(
    `UPDATE subscriptions SET problem = @problem,
       problem_since = CASE WHEN problem IS @problem THEN problem_since ELSE @now END
     WHERE workspace_id = @workspaceId AND channel_id = @channelId`,
  );
  private readonly claimNotice = this.db.prepare(
    'UPDATE subscriptions SET problem_notified = ? WHERE id = ? AND problem_notified IS NOT ?',
  );
  private readonly clearProblems = this.db.prepare(
    `UPDATE subscriptions SET problem = NULL, problem_since = NULL, problem_notified = NULL
     WHERE workspace_id = ? AND channel_id = ? AND (problem IS NOT NULL OR problem_notified IS NOT NULL)`,
  );

  /** Every subscription posting into one channel. */
  inChannel(workspaceId: string, channelId: string): Subscription[] {
    return this.ofChannel.all(workspaceId, channelId).map(toSubscription);
  }

  /** Records that the channel refuses digests with `problem`; returns its subscriptions. */
  recordProblem(workspaceId: string, channelId: string, problem: string, now: string): Subscription[] {
    this.setProblem.run({ workspaceId, channelId, problem, now });
    return this.inChannel(workspaceId, channelId);
  }

  /**
   * Claims the one notice about `problem` for this subscription: true the first time, false when
   * its creator was already told about this problem (a later digest failing the same way).
   */
  claimProblemNotice(id: number, problem: string): boolean {
    return this.claimNotice.run(problem, id, problem).changes > 0;
  }

  /** Digests reach the channel again: forget its problems. Returns how many subscriptions had one. */
  clearChannelProblems(workspaceId: string, channelId: string): number {
    return this.clearProblems.run(workspaceId, channelId).changes;
  }

  /** Creates the subscription, or changes its cadence; says which. */
  subscribe(input: {
    workspaceId: string;
    channelId: string;
    teamId: number | null;
    cadence: Cadence;
    createdBy: string;
    now: string;
  }): { subscription: Subscription; created: boolean } {
    return immediateTransaction(this.db, () => {
      const before = this.find.get(input.workspaceId, input.channelId, input.teamId ?? 0);
      this.upsert.run(input);
      const after = this.find.get(input.workspaceId, input.channelId, input.teamId ?? 0) as SubscriptionRow;
      return { subscription: toSubscription(after), created: before === undefined };
    });
  }

  unsubscribe(workspaceId: string, channelId: string, teamId: number | null): boolean {
    return this.remove.run(workspaceId, channelId, teamId ?? 0).changes > 0;
  }

  get(id: number): Subscription | undefined {
    const row = this.byId.get(id);
    return row && toSubscription(row);
  }

  list(workspaceId: string): Subscription[] {
    return this.ofWorkspace.all(workspaceId).map(toSubscription);
  }

  /** Subscriptions that want a digest of this team's round when it closes: the team's and `all`. */
  eachRoundFor(workspaceId: string, teamId: number): Subscription[] {
    return this.forRound.all(workspaceId, teamId, 'each-round').map(toSubscription);
  }

  listPeriodic(): Subscription[] {
    return this.periodic.all().map(toSubscription);
  }

  /** Records that the digest for the period ending at `periodEnd` was queued; false if it already was. */
  markDigested(id: number, periodEnd: string): boolean {
    return this.markPeriod.run(periodEnd, id, periodEnd).changes > 0;
  }

  private readonly eachRoundOrg = this.db.prepare<[], SubscriptionRow>(
    "SELECT * FROM subscriptions WHERE team_id IS NULL AND cadence = 'each-round' ORDER BY id",
  );
  private readonly markOrg = this.db.prepare(
    `UPDATE subscriptions SET org_digest_through = ?, org_digest_day = ?
     WHERE id = ? AND (org_digest_day IS NULL OR org_digest_day < ?)`,
  );

  /** Every `all` subscription with the each-round cadence, of every workspace. */
  listEachRoundOrg(): Subscription[] {
    return this.eachRoundOrg.all().map(toSubscription);
  }

  /** Records the org digest of `day` (covering closes up to `through`); false if that day had one. */
  markOrgDigested(id: number, through: string, day: string): boolean {
    return this.markOrg.run(through, day, id, day).changes > 0;
  }
}
