import { type Db, immediateTransaction } from '../storage/database.js';
import type { ChartRequest, MessagePayload, NewDelivery, OutboxRepository } from '../storage/outbox.js';
import type { SubscriptionRepository } from '../storage/subscriptions.js';
import type { SummaryRepository } from '../storage/summaries.js';
import type { TeamRepository } from '../storage/teams.js';
import type { InsightService } from './insight.js';
import type { MessageBuilder } from './messages.js';
import type { Clock } from './ports.js';
import type { TeamReport } from './report-types.js';
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
      insight: InsightService;
      messages: MessageBuilder;
      clock: Clock;
      onQueued?: () => void;
    },
  ) {}

  /** An `all` subscription's period digest: the org table and the frontier as they stand. */
  private orgPeriod(workspaceId: string, title: string): [MessagePayload, ChartRequest] {
    const report = this.deps.insight.orgReport(workspaceId);
    return [this.deps.messages.orgDigest(report, title), { kind: 'frontier', bands: report.frontier }];
  }

  /** A team subscription's period digest: each round that closed in it, and the team's trend. */
  private teamPeriod(
    teamId: number,
    cadence: 'weekly' | 'monthly',
    periodStart: Date,
    periodEnd: Date,
    roundIds: number[],
  ): [MessagePayload, ChartRequest] {
    const team = this.deps.teams.get(teamId);
    const reports: TeamReport[] = [];
    for (const roundId of roundIds) {
      const report = team ? this.deps.reports.reportFor(team, roundId) : null;
      if (report) reports.push(report);
    }
    const payload = this.deps.messages.periodDigest({
      scopeName: team?.name ?? 'team',
      cadence,
      periodStart: periodStart.toISOString(),
      periodEnd: periodEnd.toISOString(),
      reports,
    });
    const chart: ChartRequest = team
      ? this.deps.reports.trendChart(team)
      : { kind: 'team-trend', teamName: 'team', points: [] };
    return [payload, chart];
  }

  /** Queues the digest for one period; a period with no closed round is marked done and posts nothing. */
  queuePeriodDigest(subscriptionId: number, periodStart: Date, periodEnd: Date): boolean {
    const now = this.deps.clock().toISOString();
    const queued = immediateTransaction(this.deps.db, () => {
      const sub = this.deps.subscriptions.get(subscriptionId);
      if (!sub || (sub.cadence !== 'weekly' && sub.cadence !== 'monthly')) return false;
      if (!this.deps.subscriptions.markDigested(sub.id, periodEnd.toISOString())) return false;
      const summaries = this.deps.summaries
        .closedIn(sub.workspaceId, periodStart.toISOString(), periodEnd.toISOString())
        .filter((s) => sub.teamId === null || s.teamId === sub.teamId);
      if (summaries.length === 0) return false;
      const cadenceTitle = sub.cadence === 'weekly' ? 'Weekly' : 'Monthly';
      const [payload, chart] =
        sub.teamId === null
          ? this.orgPeriod(sub.workspaceId, `${cadenceTitle} tooth-tail digest: the whole org`)
          : this.teamPeriod(
              sub.teamId,
              sub.cadence,
              periodStart,
              periodEnd,
              summaries.map((s) => s.roundId),
            );
      const base = { workspaceId: sub.workspaceId, channel: sub.channelId, notBefore: now };
      const key = `${sub.id}:${periodEnd.toISOString()}`;
      const rows: NewDelivery[] = [
        { ...base, kind: 'digest', dedupeKey: `digest:period:${key}`, payload },
        { ...base, kind: 'file', dedupeKey: `chart:period:${key}`, payload: { text: 'digest chart', chart } },
      ];
      return this.deps.outbox.enqueue(rows, now) > 0;
    });
    if (queued) this.deps.onQueued?.();
    return queued;
  }
}
