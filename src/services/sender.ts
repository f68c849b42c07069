import type { Delivery, OutboxRepository } from '../storage/outbox.js';
import type { RoundRepository } from '../storage/rounds.js';
import { type ChartRenderer, type Clock, SlackCallError, type SlackPort } from './ports.js';

export interface SenderLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Drains the outbox: claims due deliveries and posts them with bounded concurrency. Rate limits
 * and transient failures are the Web API client's to retry (its Retry-After handling and a
 * bounded retry policy); whatever still fails is recorded against that one delivery and never
 * stops the others.
 */
export class DeliverySender {
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: {
      outbox: OutboxRepository;
      rounds: RoundRepository;
      slack: SlackPort;
      clock: Clock;
      logger: SenderLogger;
      concurrency: number;
      charts?: ChartRenderer;
    },
  ) {}

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
