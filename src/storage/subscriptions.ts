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
  createdAt: string;
  lastPeriodEnd: string | null;
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
  created_at: string;
  last_period_end: string | null;
  org_digest_through: string | null;
  org_digest_day: string | null;
}

const toSubscription = (r: SubscriptionRow): Subscription => ({
  id: r.id,
  workspaceId: r.workspace_id,
  channelId: r.channel_id,
  teamId: r.team_id,
  cadence: r.cadence,
  createdAt: r.created_at,
  lastPeriodEnd: r.last_period_end,
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
