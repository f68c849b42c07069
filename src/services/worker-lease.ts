import type { Lease, LeaseRepository } from '../storage/leases.js';
import { FaultLog, type FaultLogger } from './fault-log.js';

/** The one lease the app uses: who runs the scheduler's tick and the outbox sender. */
export const WORKER_LEASE = 'worker';

/**
 * How long a tick waits for another process's write lock before trying again at the next tick.
 * The driver waits synchronously, holding up this process's requests; the full busy timeout is
 * for requests, and a lease has a spare renewal to lose.
 */
const LOCK_WAIT_MS = 250;

export interface LeaseLogger extends FaultLogger {
  warn(message: string): void;
}

export interface LeaseStatus {
  /** Whether this process holds the worker lease (and so runs the scheduler and the sender). */
  held: boolean;
  /** This process's name in the lease. */
  self: string;
  /** Who holds the lease according to the database, and until when; null when nobody has yet. */
  holder: string | null;
  expiresAt: string | null;
}

/**
 * One worker at a time on a shared database: every process answers Slack, but only the holder
 * of the `worker` lease runs the scheduler's tick and drains the outbox, so a rolling deploy (or
 * a second start by mistake) never runs two schedulers or two senders.
 *
 * Every quarter of `periodMs` each process calls tick(): the holder renews the lease for half a
 * period; any other process takes it when it has expired. A holder therefore has one spare
 * renewal before it could lose the lease, and when it dies another process takes over within
 * three quarters of a period (half a period for the lease to run out, a quarter for the next
 * tick). A holder that stops cleanly releases the lease, and another takes it at its next tick.
 *
 * This process counts the lease as its own only until half a period after its latest successful
 * renewal *began*, which is never later than the expiry written to the database, so a holder that
 * cannot renew (a locked database, a stalled event loop) stops claiming work before anyone else
 * may start. Only sends already in flight can overlap, which bounds the duplicates.
 */
export class WorkerLease {
  private heldUntil = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  /** Set when the lease was just taken and the takeover work has not succeeded yet. */
  private takeover: { previous: Lease | undefined } | null = null;
  private readonly faults: FaultLog;
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      leases: LeaseRepository;
      /** This process's name in the lease, unique among the processes sharing the database. */
      self: string;
      periodMs: number;
      logger: LeaseLogger;
      /**
       * Runs when this process takes the lease, with the lease as it was (another holder's, or
       * its own after a lapse); retried at each tick until it does not throw.
       */
      onAcquired?: (previous: Lease | undefined) => void;
      /** Wall-clock milliseconds: the lease is about processes' lifetimes, not the app's clock. */
      now?: () => number;
    },
  ) {
    if (!(deps.periodMs > 0)) throw new RangeError(`a lease period must be positive, not ${deps.periodMs}`);
    this.faults = new FaultLog(deps.logger);
    this.now = deps.now ?? Date.now;
  }

  get self(): string {
    return this.deps.self;
  }

  /** Whether this process holds the lease right now. */
  held(): boolean {
    return this.now() < this.heldUntil;
  }

  /** Takes or renews the lease, then runs any takeover work still to do. Never throws. */
  tick(): void {
    const { leases, self, periodMs, logger } = this.deps;
    const wasHeld = this.held();
    const startedAt = this.now();
    const ttl = periodMs / 2;
    let result: ReturnType<LeaseRepository['acquire']>;
    try {
      result = leases.acquire(
        WORKER_LEASE,
        self,
        new Date(startedAt).toISOString(),
        new Date(startedAt + ttl).toISOString(),
        { waitMs: LOCK_WAIT_MS },
      );
      this.faults.succeeded('renewing the worker lease');
    } catch (error) {
      this.faults.failed(
        'renewing the worker lease',
        error,
        wasHeld
          ? 'this process keeps the background work until the lease runs out, and tries again at each tick'
          : 'trying again at each tick',
      );
      return;
    }
    if (!result.held) {
      this.heldUntil = Number.NEGATIVE_INFINITY;
      this.takeover = null;
      if (wasHeld)
        logger.warn(
          `the worker lease went to ${result.current.holder}; this process stops its background work`,
        );
      return;
    }
    this.heldUntil = startedAt + ttl;
    if (!wasHeld) {
      const from = result.previous;
      logger.info(
        `took the worker lease${from && from.holder !== self ? ` from ${from.holder} (expired ${from.expiresAt})` : ''}: this process runs the scheduler and the sender`,
      );
      this.takeover = { previous: from };
    }
    this.runTakeover();
  }

  private runTakeover(): void {
    if (!this.takeover || !this.deps.onAcquired) {
      this.takeover = null;
      return;
    }
    try {
      this.deps.onAcquired(this.takeover.previous);
      this.takeover = null;
      this.faults.succeeded('taking over the background work');
    } catch (error) {
      this.faults.failed('taking over the background work', error, 'trying again at the next tick');
    }
  }

  /** Ticks now, then every quarter of the period. */
  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.deps.periodMs / 4);
  }

  /** Stops ticking and releases the lease, so another process takes over at its next tick. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.held()) return;
    this.heldUntil = Number.NEGATIVE_INFINITY;
    try {
      this.deps.leases.release(WORKER_LEASE, this.deps.self, new Date(this.now()).toISOString());
    } catch (error) {
      this.deps.logger.warn(
        `could not release the worker lease (${(error as Error).message}); another process takes it when it expires`,
      );
    }
  }

  /** What /healthz reports. Reads the database; may throw when it cannot. */
  status(): LeaseStatus {
    const current = this.deps.leases.get(WORKER_LEASE);
    return {
      held: this.held(),
      self: this.deps.self,
      holder: current?.holder ?? null,
      expiresAt: current?.expiresAt ?? null,
    };
  }
}
