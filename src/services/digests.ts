import type { Db } from '../storage/database.js';
import type { OutboxRepository } from '../storage/outbox.js';
import type { SubscriptionRepository } from '../storage/subscriptions.js';
import type { SummaryRepository } from '../storage/summaries.js';
import type { TeamRepository } from '../storage/teams.js';
import type { MessageBuilder, TeamReport } from './messages.js';
import type { Clock } from './ports.js';
import type { ReportService } from './reports.js';

/** Weekly and monthly digests: the rounds that closed in the period, queued once per period. */
export class DigestService {
  constructor(
    private readonly deps: {
      db: Db;
      teams: TeamRepository;
      summaries: SummaryRepository;
      subscriptions: SubscriptionRepository;
      outbox: OutboxRepository;
      reports: ReportService;
      messages: MessageBuilder;
      clock: Clock;
      onQueued?: () => void;
    },
  ) {}

  /** Queues the digest for one period; a period with no closed round is marked done and posts nothing. */
  queuePeriodDigest(subscriptionId: number, periodStart: Date, periodEnd: Date): boolean {
    const now = this.deps.clock().toISOString();
    const queued = this.deps.db.transaction(() => {
      const sub = this.deps.subscriptions.get(subscriptionId);
      if (!sub || (sub.cadence !== 'weekly' && sub.cadence !== 'monthly')) return false;
      if (!this.deps.subscriptions.markDigested(sub.id, periodEnd.toISOString())) return false;
      const summaries = this.deps.summaries
        .closedIn(sub.workspaceId, periodStart.toISOString(), periodEnd.toISOString())
        .filter((s) => sub.teamId === null || s.teamId === sub.teamId);
      if (summaries.length === 0) return false;
      const reports: TeamReport[] = [];
      for (const s of summaries) {
        const team = this.deps.teams.get(s.teamId);
        const report = team ? this.deps.reports.reportFor(team, s.roundId) : null;
        if (report) reports.push(report);
      }
      const scopeName = sub.teamId === null ? 'whole org' : (this.deps.teams.get(sub.teamId)?.name ?? 'team');
      const payload = this.deps.messages.periodDigest({
        scopeName,
        cadence: sub.cadence,
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
        reports,
      });
      return (
        this.deps.outbox.enqueue(
          [
            {
              workspaceId: sub.workspaceId,
              kind: 'digest',
              dedupeKey: `digest:period:${sub.id}:${periodEnd.toISOString()}`,
              channel: sub.channelId,
              payload,
              notBefore: now,
            },
          ],
          now,
        ) > 0
      );
    })();
    if (queued) this.deps.onQueued?.();
    return queued;
  }
}
