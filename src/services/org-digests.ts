import { zonedParts } from '../domain/schedule.js';
import { type Db, immediateTransaction } from '../storage/database.js';
import type { NewDelivery, OutboxRepository } from '../storage/outbox.js';
import type { RoundRepository } from '../storage/rounds.js';
import type { Subscription, SubscriptionRepository } from '../storage/subscriptions.js';
import type { SummaryRepository } from '../storage/summaries.js';
import type { TeamRepository } from '../storage/teams.js';
import type { InsightService } from './insight.js';
import type { MessageBuilder } from './messages.js';
import type { Clock } from './ports.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The calendar day (YYYY-MM-DD) of an instant in a zone. */
export function localDay(instant: Date, tz: string): string {
  const p = zonedParts(instant, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * One rhythm for `all` subscriptions with the each-round cadence (SPEC section 2): the org table
 * goes out once the rounds that closed since the last one are all in, never once per team close.
 *
 * An org digest is due for a subscription when a round closed since its last org digest, no org
 * digest went to it today (DEFAULT_TIMEZONE's calendar day), and either the cycle is complete
 * (no round of the workspace is open and every live team with people on its roster has closed a
 * round since the last org digest) or the oldest close waiting has waited a day (a team on a
 * fortnightly schedule, or staggered schedules that always leave a round open, still give one
 * digest a day at most). The day is recorded with the subscription and is part of the
 * outbox key, so a retried tick or a race queues it once.
 */
export class OrgDigestService {
  constructor(
    private readonly deps: {
      db: Db;
      subscriptions: SubscriptionRepository;
      summaries: SummaryRepository;
      rounds: RoundRepository;
      teams: TeamRepository;
      outbox: OutboxRepository;
      insight: InsightService;
      messages: MessageBuilder;
      clock: Clock;
      defaultTimezone: string;
      onQueued?: () => void;
    },
  ) {}

  /** Queues every org digest that is due, of one workspace or of all; returns how many. */
  queueDue(workspaceId?: string): number {
    const now = this.deps.clock();
    const queued = immediateTransaction(this.deps.db, () =>
      this.deps.subscriptions
        .listEachRoundOrg()
        .filter((sub) => workspaceId === undefined || sub.workspaceId === workspaceId)
        .reduce((n, sub) => n + (this.queueFor(sub, now) ? 1 : 0), 0),
    );
    if (queued > 0) this.deps.onQueued?.();
    return queued;
  }

  private queueFor(sub: Subscription, now: Date): boolean {
    const day = localDay(now, this.deps.defaultTimezone);
    if (sub.orgDigestDay !== null && sub.orgDigestDay >= day) return false;
    const waiting = this.deps.summaries.closedAfter(sub.workspaceId, sub.orgDigestThrough ?? sub.createdAt);
    const oldest = waiting[0];
    const newest = waiting.at(-1);
    if (oldest === undefined || newest === undefined) return false;
    const closed = new Set(waiting.map((s) => s.teamId));
    const cycleComplete =
      this.deps.rounds.openCount(sub.workspaceId) === 0 &&
      this.deps.teams
        .list(sub.workspaceId)
        .every((team) => closed.has(team.id) || this.deps.teams.members(team.id).length === 0);
    const waitedADay = now.getTime() - Date.parse(oldest.closedAt) >= DAY_MS;
    if (!cycleComplete && !waitedADay) return false;
    if (!this.deps.subscriptions.markOrgDigested(sub.id, newest.closedAt, day)) return false;
    const report = this.deps.insight.orgReport(sub.workspaceId);
    const base = {
      workspaceId: sub.workspaceId,
      channel: sub.channelId,
      roundId: newest.roundId,
      notBefore: now.toISOString(),
    };
    const rows: NewDelivery[] = [
      {
        ...base,
        kind: 'digest',
        dedupeKey: `digest:org:${sub.id}:${day}`,
        payload: this.deps.messages.orgDigest(report),
      },
      {
        ...base,
        kind: 'file',
        dedupeKey: `chart:org:${sub.id}:${day}`,
        payload: { text: 'Ratio frontier chart', chart: { kind: 'frontier', bands: report.frontier } },
      },
    ];
    return this.deps.outbox.enqueue(rows, now.toISOString()) > 0;
  }
}
