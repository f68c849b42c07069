import { type ScheduledTask, schedule } from 'node-cron';
import { type DueAction, type DueState, whatIsDue } from '../domain/due.js';
import type { BlockerThemeService } from '../services/blocker-themes.js';
import type { DigestService } from '../services/digests.js';
import { AppError } from '../services/errors.js';
import { FaultLog } from '../services/fault-log.js';
import type { OrgDigestService } from '../services/org-digests.js';
import type { Clock } from '../services/ports.js';
import type { RetentionService } from '../services/retention.js';
import type { RoundService } from '../services/rounds.js';
import type { RoundRepository } from '../storage/rounds.js';
import type { SubscriptionRepository } from '../storage/subscriptions.js';
import type { TeamRepository } from '../storage/teams.js';

export interface SchedulerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/**
 * Schedules are rows in SQLite; this asks "what is due now?" once a minute and acts. Because
 * each action is recorded (a round's scheduled instant, reminders sent, the period digested),
 * a tick after downtime catches up exactly once and a repeated tick does nothing.
 */
export class Scheduler {
  private task: ScheduledTask | null = null;
  private running: Promise<void> | null = null;
  private readonly faults: FaultLog;

  constructor(
    private readonly deps: {
      teams: TeamRepository;
      rounds: RoundRepository;
      subscriptions: SubscriptionRepository;
      roundService: RoundService;
      digests: DigestService;
      orgDigests: OrgDigestService;
      blockerThemes: BlockerThemeService;
      retention: RetentionService;
      clock: Clock;
      defaultTimezone: string;
      logger: SchedulerLogger;
      afterTick?: () => void;
      /** False for a workspace that uninstalled the app: nothing of it is scheduled until a reinstall. */
      isActive?: (workspaceId: string) => boolean;
      /** Whether this process runs the background work now (it holds the worker lease). */
      isWorker?: () => boolean;
    },
  ) {
    this.faults = new FaultLog(deps.logger);
  }

  state(): DueState {
    const { teams, rounds, subscriptions } = this.deps;
    const active = this.deps.isActive ?? (() => true);
    const live = teams.listAll().filter((t) => active(t.workspaceId));
    const byId = new Map(live.map((t) => [t.id, t]));
    const open = rounds.listOpen().filter((r) => active(r.workspaceId));
    return {
      schedules: live.map((team) => {
        const last = rounds.latestScheduledFor(team.id);
        return {
          teamId: team.id,
          cron: team.scheduleCron,
          timezone: team.timezone,
          openDays: team.openDays,
          since: new Date(team.scheduleSince),
          lastScheduledOpen: last ? new Date(last) : null,
          hasOpenRound: open.some((r) => r.teamId === team.id),
        };
      }),
      openRounds: open.map((r) => ({
        roundId: r.id,
        teamId: r.teamId,
        openedAt: new Date(r.openedAt),
        closesAt: new Date(r.closesAt),
        remindersSent: r.remindersSent,
      })),
      digests: subscriptions
        .listPeriodic()
        .filter((s) => active(s.workspaceId))
        .map((s) => ({
          subscriptionId: s.id,
          cadence: s.cadence as 'weekly' | 'monthly',
          timezone:
            (s.teamId !== null ? byId.get(s.teamId)?.timezone : undefined) ?? this.deps.defaultTimezone,
          since: new Date(s.createdAt),
          lastPeriodEnd: s.lastPeriodEnd ? new Date(s.lastPeriodEnd) : null,
        })),
    };
  }

  /** One pass: plan, then act on each action; one failing action never stops the others. */
  async tick(): Promise<DueAction[]> {
    const actions = whatIsDue(this.deps.clock(), this.state());
    try {
      await this.deps.roundService.checkAccountsFor(actions);
    } catch (error) {
      // Each open and reminder still reads its own people's accounts.
      this.deps.logger.error('reading accounts before the rounds failed', error);
    }
    for (const action of actions) {
      const what = `the scheduler's ${describe(action)}`;
      try {
        await this.act(action);
        this.faults.succeeded(what);
      } catch (error) {
        if (error instanceof AppError)
          this.deps.logger.info(`scheduler skipped ${action.kind}: ${error.message}`);
        else this.faults.failed(what, error, 'the next minute’s tick tries again');
      }
    }
    try {
      // An `all` subscription's org digest waits for its cycle to complete or for a day to pass.
      this.deps.orgDigests.queueDue();
    } catch (error) {
      this.deps.logger.error('org digests failed', error);
    }
    try {
      this.deps.blockerThemes.queueDue();
    } catch (error) {
      this.deps.logger.error('blocker themes failed', error);
    }
    try {
      // One indexed DELETE that finds nothing on most ticks; running it every minute means a
      // restart or a changed RETENTION_DAYS never leaves old answers waiting for a daily slot.
      const deleted = this.deps.retention.purge();
      if (deleted > 0) this.deps.logger.info(`retention deleted ${deleted} answers past RETENTION_DAYS`);
    } catch (error) {
      this.deps.logger.error('retention failed', error);
    }
    this.deps.afterTick?.();
    return actions;
  }

  private async act(action: DueAction): Promise<void> {
    switch (action.kind) {
      case 'close-round':
        this.deps.roundService.close(action.roundId);
        return;
      case 'open-round': {
        const team = this.deps.teams.get(action.teamId);
        if (!team) return;
        await this.deps.roundService.open(team, {
          openedBy: 'schedule',
          scheduledFor: action.scheduledFor,
          closesAt: action.closesAt,
        });
        return;
      }
      case 'remind':
        await this.deps.roundService.remindChecked(action.roundId, action.reminder);
        return;
      case 'digest':
        this.deps.digests.queuePeriodDigest(action.subscriptionId, action.periodStart, action.periodEnd);
        return;
    }
  }

  /**
   * Ticks now (to catch up on downtime), then at the start of every minute: in this process only
   * while it holds the worker lease. A tick that fails (the database locked past its busy
   * timeout, say) is logged with its cause and the next minute's tick tries again; nothing here
   * may end the process.
   */
  start(): void {
    this.task = schedule('* * * * *', () => this.poke(), { noOverlap: true });
    this.poke();
  }

  /** Ticks at once if started, this process is the worker and no tick is running (e.g. on taking the lease). */
  poke(): void {
    if (!this.task || this.running || !(this.deps.isWorker?.() ?? true)) return;
    this.running = this.tick()
      .then(() => this.faults.succeeded('the scheduler tick'))
      .catch((error) => this.faults.failed('the scheduler tick', error, 'the next minute’s tick tries again'))
      .finally(() => {
        this.running = null;
      });
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    await this.running;
  }
}

function describe(action: DueAction): string {
  switch (action.kind) {
    case 'open-round':
      return `opening team ${action.teamId}'s round for ${action.scheduledFor.toISOString()}`;
    case 'remind':
      return `reminder ${action.reminder} of round ${action.roundId}`;
    case 'close-round':
      return `closing round ${action.roundId}`;
    case 'digest':
      return `digest for subscription ${action.subscriptionId} up to ${action.periodEnd.toISOString()}`;
  }
}
