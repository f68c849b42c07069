import type { Delivery, OutboxRepository } from '../storage/outbox.js';
import type { RoundRepository } from '../storage/rounds.js';
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

/**
 * Drains the outbox: claims due deliveries and posts them with bounded concurrency, paced by
 * `ratePerSecond` when it is set. Rate limits and transient failures are the Web API client's to
 * retry (its Retry-After handling and a bounded retry policy); whatever still fails is recorded
 * against that one delivery and never stops the others.
 */
export class DeliverySender {
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly pacer: DeliveryPacer | null;

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
       * Resolves when a send may start: main wires it to the HTTP server's RequestGate, so under
       * a burst of requests from Slack the acks go first and the sends follow in the next lull.
       */
      yieldTo?: () => Promise<void>;
    },
  ) {
    this.pacer = deps.ratePerSecond === undefined ? null : new DeliveryPacer(deps.ratePerSecond);
  }

  /** Slack answered a Web API call with HTTP 429: paced sends wait out its Retry-After as well. */
  rateLimited(retryAfterSeconds: number): void {
    this.pacer?.rateLimited(retryAfterSeconds * 1000);
  }

  /** Starts a drain unless one is running; a running one takes another pass when it ends. */
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

  /** Stops claiming new work and waits for the sends in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async drainLoop(): Promise<void> {
    do {
      this.again = false;
      await this.drainDue();
    } while (this.again && !this.stopped);
  }

  private async drainDue(): Promise<void> {
    const { concurrency } = this.deps;
    // Each worker claims one row at a time, so at most `concurrency` rows are ever `sending`:
    // that bounds the duplicates a crash can cause.
    const worker = async (): Promise<void> => {
      while (!this.stopped) {
        await this.deps.yieldTo?.();
        if (this.stopped) return;
        const [delivery] = this.deps.outbox.claimDue(this.deps.clock().toISOString(), 1);
        if (!delivery) return;
        await this.deliver(delivery);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const now = () => this.deps.clock().toISOString();
    const skip = this.reasonToSkip(delivery);
    if (skip) {
      this.deps.outbox.markSkipped(delivery.id, skip, now());
      return;
    }
    if (delivery.payload.chart) {
      await this.deliverChart(delivery);
      return;
    }
    try {
      await this.pacer?.take();
      const { updateTs } = delivery.payload;
      if (delivery.kind === 'update' && updateTs) {
        await this.deps.slack.updateMessage(delivery.channel, updateTs, delivery.payload);
        this.deps.outbox.markSent(delivery.id, delivery.channel, updateTs, now());
        return;
      }
      const posted = await this.deps.slack.postMessage(delivery.channel, delivery.payload);
      this.deps.outbox.markSent(delivery.id, posted.channel, posted.ts, now());
    } catch (error) {
      const reason = error instanceof SlackCallError ? error.slackError : (error as Error).message;
      this.deps.outbox.markFailed(delivery.id, reason, now());
      this.deps.logger.warn(
        `delivery ${delivery.id} (${delivery.kind} to ${delivery.channel}) failed: ${reason}`,
      );
    }
  }

  /**
   * A digest's chart travels as its own delivery beside the digest, so a chart that fails to
   * render or upload is recorded and logged while the digest itself has already gone out.
   */
  private async deliverChart(delivery: Delivery): Promise<void> {
    const now = () => this.deps.clock().toISOString();
    const request = delivery.payload.chart;
    if (!request || !this.deps.charts) {
      this.deps.outbox.markSkipped(delivery.id, 'charts_off', now());
      return;
    }
    let chart: Awaited<ReturnType<ChartRenderer['render']>>;
    try {
      chart = await this.deps.charts.render(request);
    } catch (error) {
      this.deps.outbox.markFailed(delivery.id, `chart_render_failed: ${(error as Error).message}`, now());
      this.deps.logger.error(
        `chart for delivery ${delivery.id} failed to render: ${(error as Error).message}`,
      );
      return;
    }
    if (!chart) {
      this.deps.outbox.markSkipped(delivery.id, 'nothing_to_chart', now());
      return;
    }
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
      this.deps.outbox.markSent(delivery.id, delivery.channel, '', now());
    } catch (error) {
      const reason = error instanceof SlackCallError ? error.slackError : (error as Error).message;
      this.deps.outbox.markFailed(delivery.id, reason, now());
      this.deps.logger.warn(`chart upload ${delivery.id} to ${delivery.channel} failed: ${reason}`);
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
