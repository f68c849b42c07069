import type { Delivery, OutboxRepository } from '../storage/outbox.js';
import type { RoundRepository } from '../storage/rounds.js';
import { FaultLog } from './fault-log.js';
import { type ChartRenderer, type Clock, SlackCallError, type SlackPort } from './ports.js';

export interface SenderLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** After a 429 the pace drops to this share of what it was… */
const SLOWDOWN = 0.75;
/** …and regains this share of the full rate with each call after, back to the full rate. */
const RECOVERY_PER_CALL = 0.01;

/**
 * Spaces Web API calls at least 1/`ratePerSecond` apart, with no burst, so a big fan-out stays
 * under Slack's workspace-wide ceiling instead of hitting it: @slack/web-api answers an HTTP 429
 * by pausing its whole queue for Retry-After (whole seconds) before it retries, so each 429 costs
 * every send a second or more. Callers take turns in the order they asked, and each turn is
 * measured from when the previous one actually began, so a late timer never bunches two calls.
 *
 * When a 429 comes anyway (other calls share the workspace's budget; requests jitter on the way),
 * no turn begins until Retry-After has passed, and the pace slows for a few seconds: the client's
 * own retry of the refused call, and whatever waited in its paused queue, then fit under the limit
 * instead of causing the next 429.
 */
export class DeliveryPacer {
  private readonly fullRate: number;
  private rate: number;
  /** When the latest turn began, and how long it holds the next one back. */
  private last = { at: Number.NEGATIVE_INFINITY, spanMs: 0 };
  private heldUntil = Number.NEGATIVE_INFINITY;
  private turns: Promise<void> = Promise.resolve();

  constructor(
    ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(ratePerSecond > 0 && Number.isFinite(ratePerSecond)))
      throw new RangeError(`a delivery rate must be a positive number per second, not ${ratePerSecond}`);
    this.fullRate = ratePerSecond;
    this.rate = ratePerSecond;
  }

  /** Resolves when the caller may make its next `calls` Web API calls. */
  take(calls = 1): Promise<void> {
    const turn = this.turns.then(async () => {
      const wait = Math.max(this.last.at + this.last.spanMs, this.heldUntil) - this.now();
      if (wait > 0) await this.sleep(wait);
      this.last = { at: this.now(), spanMs: (calls * 1000) / this.rate };
      this.rate = Math.min(this.fullRate, this.rate + calls * RECOVERY_PER_CALL * this.fullRate);
    });
    this.turns = turn;
    return turn;
  }

  /** Slack refused a call with HTTP 429: hold every turn for its Retry-After, and slow down once. */
  rateLimited(retryAfterMs: number): void {
    const now = this.now();
    if (now >= this.heldUntil) this.rate *= SLOWDOWN;
    this.heldUntil = Math.max(this.heldUntil, now + retryAfterMs);
  }
}

/** What became of one claimed delivery, to be written back to its outbox row. */
type Outcome =
  | { status: 'sent'; messageChannel: string; messageTs: string }
  | { status: 'failed'; error: string }
  | { status: 'skipped'; reason: string }
  /** Nothing reached Slack; the row goes back to `pending` to be claimed again. */
  | { status: 'unclaimed' }
  | { status: 'retry'; notBefore: string; error: string };

/** A chart that fails to render is tried again this much later, up to MAX_CHART_ATTEMPTS in all. */
const CHART_RETRY_MS = 60_000;
const MAX_CHART_ATTEMPTS = 3;

/**
 * Drains the outbox: claims due deliveries and posts them with bounded concurrency, paced by
 * `ratePerSecond` when it is set. Rate limits and transient failures are the Web API client's to
 * retry (its Retry-After handling and a bounded retry policy); whatever still fails is recorded
 * against that one delivery and never stops the others.
 *
 * It runs in the background (kicked after work is queued and by a poll), so nothing it does may
 * end the process: a database error while claiming ends that pass and the next pass tries again;
 * an outcome that cannot be written (the database locked past its busy timeout) is kept in memory
 * and written at the start of the next pass. Each such fault is logged once, with what failed.
 */
export class DeliverySender {
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly pacer: DeliveryPacer | null;
  /** Outcomes whose write to the outbox failed, by delivery id: written again at the next pass. */
  private readonly unrecorded = new Map<number, Outcome>();
  private readonly faults: FaultLog;

  constructor(
    private readonly deps: {
      outbox: OutboxRepository;
      rounds: RoundRepository;
      slack: SlackPort;
      clock: Clock;
      logger: SenderLogger;
      concurrency: number;
      /** Web API calls per second at most; unset sends as fast as the client and Slack allow. */
      ratePerSecond?: number;
      charts?: ChartRenderer;
      /**
       * Whether this process may claim deliveries now: it holds the worker lease. Checked before
       * each claim, so a process that loses the lease stops after the sends in flight.
       */
      mayClaim?: () => boolean;
      /**
       * Resolves when a send may start: main wires it to the HTTP server's RequestGate, so under
       * a burst of requests from Slack the acks go first and the sends follow in the next lull.
       */
      yieldTo?: () => Promise<void>;
    },
  ) {
    this.pacer = deps.ratePerSecond === undefined ? null : new DeliveryPacer(deps.ratePerSecond);
    this.faults = new FaultLog(deps.logger);
  }

  /** Slack answered a Web API call with HTTP 429: paced sends wait out its Retry-After as well. */
  rateLimited(retryAfterSeconds: number): void {
    this.pacer?.rateLimited(retryAfterSeconds * 1000);
  }

  /** Starts a drain unless one is running; a running one takes another pass when it ends. Never rejects. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Resolves when no drain is running (in-flight sends have finished). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops claiming new work, waits for the sends in flight, and writes down what they did. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
    this.recordUnrecorded();
  }

  private mayClaim(): boolean {
    return !this.stopped && (this.deps.mayClaim?.() ?? true);
  }

  private async drainLoop(): Promise<void> {
    do {
      this.again = false;
      this.recordUnrecorded();
      await this.drainDue();
    } while (this.again && !this.stopped);
  }

  private async drainDue(): Promise<void> {
    const { concurrency } = this.deps;
    // A database fault ends the pass for every worker: the next pass (the poll, or the next
    // kick) tries again, instead of spinning on the same row here.
    let faulted = false;
    // Each worker claims one row at a time, so at most `concurrency` rows are ever `sending`:
    // that bounds the duplicates a crash can cause.
    const worker = async (): Promise<void> => {
      while (!faulted && this.mayClaim()) {
        await this.deps.yieldTo?.();
        if (!this.mayClaim()) return;
        let delivery: Delivery | undefined;
        try {
          [delivery] = this.deps.outbox.claimDue(this.deps.clock().toISOString(), 1);
          this.faults.succeeded('claiming due deliveries');
        } catch (error) {
          faulted = true;
          this.faults.failed('claiming due deliveries', error, 'the sender tries again at its next pass');
          return;
        }
        if (!delivery) return;
        const outcome = await this.outcomeOf(delivery);
        if (outcome.status === 'unclaimed') faulted = true;
        this.record(delivery, outcome);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Writes an outcome to the delivery's row; if that fails, keeps it for the next pass. */
  private record(delivery: Delivery, outcome: Outcome): void {
    try {
      this.write(delivery.id, outcome);
      this.unrecorded.delete(delivery.id);
      this.faults.succeeded('recording deliveries');
    } catch (error) {
      this.unrecorded.set(delivery.id, outcome);
      this.faults.failed(
        'recording deliveries',
        error,
        `delivery ${delivery.id} (${delivery.kind} to ${delivery.channel}) is recorded as ${outcome.status} at the next pass`,
      );
    }
  }

  private recordUnrecorded(): void {
    for (const [id, outcome] of this.unrecorded) {
      try {
        this.write(id, outcome);
        this.unrecorded.delete(id);
        this.faults.succeeded('recording deliveries');
      } catch (error) {
        this.faults.failed('recording deliveries', error, 'tried again at the next pass');
        return;
      }
    }
  }

  private write(id: number, outcome: Outcome): void {
    const { outbox, clock } = this.deps;
    const now = clock().toISOString();
    switch (outcome.status) {
      case 'sent':
        outbox.markSent(id, outcome.messageChannel, outcome.messageTs, now);
        return;
      case 'failed':
        outbox.markFailed(id, outcome.error, now);
        return;
      case 'skipped':
        outbox.markSkipped(id, outcome.reason, now);
        return;
      case 'unclaimed':
        outbox.unclaim(id, now);
        return;
      case 'retry':
        outbox.retryLater(id, outcome.notBefore, outcome.error, now);
        return;
    }
  }

  /** Sends one delivery and says what became of it. Never throws. */
  private async outcomeOf(delivery: Delivery): Promise<Outcome> {
    let skip: string | null;
    try {
      skip = this.reasonToSkip(delivery);
    } catch (error) {
      // Nothing was sent: the row is handed back and claimed again at a later pass.
      this.faults.failed(
        'checking deliveries before sending',
        error,
        `delivery ${delivery.id} is sent at a later pass`,
      );
      return { status: 'unclaimed' };
    }
    if (skip) return { status: 'skipped', reason: skip };
    if (delivery.payload.chart) return this.chartOutcome(delivery);
    try {
      await this.pacer?.take();
      const { updateTs } = delivery.payload;
      if (delivery.kind === 'update' && updateTs) {
        await this.deps.slack.updateMessage(delivery.channel, updateTs, delivery.payload);
        return { status: 'sent', messageChannel: delivery.channel, messageTs: updateTs };
      }
      const posted = await this.deps.slack.postMessage(delivery.channel, delivery.payload);
      return { status: 'sent', messageChannel: posted.channel, messageTs: posted.ts };
    } catch (error) {
      const reason = error instanceof SlackCallError ? error.slackError : (error as Error).message;
      this.deps.logger.warn(
        `delivery ${delivery.id} (${delivery.kind} to ${delivery.channel}) failed: ${reason}`,
      );
      return { status: 'failed', error: reason };
    }
  }

  /**
   * A digest's chart travels as its own delivery beside the digest, so a chart that fails to
   * render or upload is recorded and logged while the digest itself has already gone out. A
   * chart that fails to render is tried again a minute later, up to MAX_CHART_ATTEMPTS times.
   */
  private async chartOutcome(delivery: Delivery): Promise<Outcome> {
    const request = delivery.payload.chart;
    if (!request || !this.deps.charts) return { status: 'skipped', reason: 'charts_off' };
    let chart: Awaited<ReturnType<ChartRenderer['render']>>;
    try {
      chart = await this.deps.charts.render(request);
    } catch (error) {
      const reason = `chart_render_failed: ${(error as Error).message}`;
      const last = delivery.attempts >= MAX_CHART_ATTEMPTS;
      this.deps.logger.error(
        `chart for delivery ${delivery.id} failed to render (attempt ${delivery.attempts} of ${MAX_CHART_ATTEMPTS}): ${(error as Error).message}${last ? '' : '; trying again in a minute'}`,
      );
      if (last) return { status: 'failed', error: reason };
      const notBefore = new Date(this.deps.clock().getTime() + CHART_RETRY_MS).toISOString();
      return { status: 'retry', notBefore, error: reason };
    }
    if (!chart) return { status: 'skipped', reason: 'nothing_to_chart' };
    try {
      // files.getUploadURLExternal and files.completeUploadExternal; the upload itself goes elsewhere.
      await this.pacer?.take(2);
      await this.deps.slack.uploadFile({
        channel: delivery.channel,
        filename: chart.filename,
        title: chart.title,
        content: chart.png,
        altText: chart.altText,
      });
      return { status: 'sent', messageChannel: delivery.channel, messageTs: '' };
    } catch (error) {
      const reason = error instanceof SlackCallError ? error.slackError : (error as Error).message;
      this.deps.logger.warn(`chart upload ${delivery.id} to ${delivery.channel} failed: ${reason}`);
      return { status: 'failed', error: reason };
    }
  }

  /** A check-in for a closed round, or a reminder to someone who has answered, is not sent. */
  private reasonToSkip(delivery: Delivery): string | null {
    if (delivery.roundId === null || delivery.userId === null) return null;
    if (delivery.kind !== 'prompt' && delivery.kind !== 'reminder') return null;
    const round = this.deps.rounds.get(delivery.roundId);
    if (!round || round.closedAt !== null) return 'round_closed';
    if (delivery.kind === 'reminder' && this.deps.rounds.response(delivery.roundId, delivery.userId))
      return 'answered';
    return null;
  }
}
