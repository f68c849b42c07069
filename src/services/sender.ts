import type { Delivery, OutboxRepository } from '../storage/outbox.js';
import type { RoundRepository } from '../storage/rounds.js';
import type { DeliveryGuard } from './delivery-guard.js';
import { FaultLog } from './fault-log.js';
import { type ChartRenderer, type Clock, SlackCallError, type SlackPort } from './ports.js';

export interface SenderLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Where the pace starts, in calls a second: about the workspace-wide chat.postMessage limit Slack's
 * rate-limit guide describes ("several hundred messages per minute"), before any answer is seen.
 */
const INITIAL_RATE = 10;
/** The slowest pace: one call every five seconds still probes whether Slack lets calls through. */
const MIN_RATE = 0.2;
/** On a 429 the pace drops to this share of what Slack let through in the last second. */
const DECREASE = 0.95;
/**
 * Once a limit has been met, each call Slack accepts raises the pace by this share: back from
 * DECREASE to the limit in about a hundred calls whatever the limit is, so about 1% of calls meet
 * a 429 when the queue is long, and the pace averages about 97% of the limit.
 */
const INCREASE = 0.0005;
/** How far back the pacer counts calls Slack accepted, to estimate the limit it just met. */
const WINDOW_MS = 1000;

/** One turn to call Slack: which estimate of the limit it was taken under, and when it began. */
export interface Turn {
  epoch: number;
  at: number;
  calls: number;
  /** Whether it followed the previous turn on the grid: only a pace that is in use is raised. */
  paced: boolean;
}

/**
 * Paces the sender's Web API calls to a workspace limit it learns from Slack's answers, with no
 * setting: Slack publishes no single number for it, and other apps share it.
 *
 * Turns are spaced 1/rate apart on a grid, so timers that wake late (a busy machine) do not slow
 * the pace; a turn is never more than one span early against the previous one, and after an idle
 * spell the grid starts again from now, so no burst is saved up. At the cap, turns are measured
 * from when the previous one began instead, so the cap is never exceeded. Until the first HTTP 429 the rate grows by one
 * call a second per accepted call (it doubles about every 0.7 s, a slow start). A 429 means the
 * limit was met: the rate drops to DECREASE × the calls Slack accepted in the last second (about
 * the limit itself; with `appCalls`, the app's other calls too, which then take their turns once),
 * once per meeting with the limit, however many calls of it were refused. Then
 * it grows by INCREASE per accepted call until the next 429. This is additive-increase,
 * multiplicative-decrease in the form that suits a sender whose limit is a rate: the climb back
 * takes a fixed number of calls, not a fixed time, so the share of calls refused stays near 1%
 * at 10 or at 50 calls a second.
 *
 * Written by hand because no rate limiter on npm learns its rate from 429s: p-queue,
 * bottleneck and p-throttle all take a fixed one.
 */
export class DeliveryPacer {
  private rate: number;
  private readonly cap: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** The most Slack has let through in a second when a 429 came; below half of it, grow fast again. */
  private best = 0;
  private metLimit = false;
  private epoch = 0;
  /** Until when a 429 is part of the last meeting with the limit. */
  private calmUntil = Number.NEGATIVE_INFINITY;
  /** When calls that Slack accepted began, the last WINDOW_MS of them. */
  private accepted: number[] = [];
  /** When the next turn is due on the grid, and the span of the latest turn. */
  private next = { at: Number.NEGATIVE_INFINITY, spanMs: 0 };
  private turns: Promise<unknown> = Promise.resolve();
  private readonly appCalls: (() => number) | undefined;
  /**
   * No turn begins before this: the app's other calls' share of the second after a 429, or, for
   * one method's limit (`oneMethod`), the latest Retry-After.
   */
  private holdUntil = Number.NEGATIVE_INFINITY;
  /** Whether the limit it paces to is one method's (the constructor's `oneMethod`). */
  readonly oneMethod: boolean;

  constructor(
    options: {
      /** DELIVERY_RATE_PER_SECOND: the pace never goes above it. */
      cap?: number;
      /**
       * Calls of the whole app that Slack answered in the last second (SlackCalls), when the limit
       * met is the workspace's, which the app's other calls share.
       */
      appCalls?: () => number;
      /**
       * The limit met is one method's (chat.update and the upload calls are Tier 3 and 4): a 429's
       * Retry-After then holds every call of the pacer, not only the refused one, as Slack asks.
       * Without it the limit may be a channel's (chat.postMessage), whose Retry-After is that
       * channel's alone.
       */
      oneMethod?: boolean;
      now?: () => number;
      sleep?: (ms: number) => Promise<void>;
    } = {},
  ) {
    const { cap } = options;
    if (cap !== undefined && !(cap > 0 && Number.isFinite(cap)))
      throw new RangeError(`a delivery rate must be a positive number per second, not ${cap}`);
    this.cap = cap ?? Number.POSITIVE_INFINITY;
    this.rate = Math.min(INITIAL_RATE, this.cap);
    this.now = options.now ?? (() => performance.now());
    this.appCalls = options.appCalls;
    this.oneMethod = options.oneMethod ?? false;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Calls a second the pacer allows now. */
  get ratePerSecond(): number {
    return this.rate;
  }

  /** Resolves when the caller may make its next `calls` Web API calls. */
  take(calls = 1): Promise<Turn> {
    const turn = this.turns.then(async (): Promise<Turn> => {
      const now = this.now();
      // More than a span behind the grid means the pacer was idle: start the grid again from now.
      const idle = now - this.next.at > this.next.spanMs;
      const due = idle ? now : this.next.at;
      if (due > now) await this.sleep(due - now);
      // A 429 that came while this turn waited may hold the pacer a little longer (rateLimited).
      const held = this.holdUntil - this.now();
      if (held > 0) await this.sleep(held);
      const spanMs = (calls * 1000) / this.rate;
      const at = this.now();
      // At the cap (DELIVERY_RATE_PER_SECOND, a promise to other apps) the next turn is measured
      // from when this one actually began, so no two calls are ever closer than the cap allows; so
      // it is after a hold, so the calls held back do not go two at once when it ends.
      this.next = { at: (this.rate >= this.cap || held > 0 ? at : due) + spanMs, spanMs };
      return { epoch: this.epoch, at, calls, paced: !idle };
    });
    this.turns = turn;
    return turn;
  }

  /** Slack accepted the turn's calls: count them, and raise the pace if it was in use. */
  accept(turn: Turn): void {
    for (let i = 0; i < turn.calls; i++) this.accepted.push(turn.at);
    this.forget();
    if (!turn.paced) return;
    const fast = !this.metLimit || this.rate < this.best / 2;
    this.rate = Math.min(this.cap, fast ? this.rate + turn.calls : this.rate * (1 + INCREASE) ** turn.calls);
  }

  /**
   * Slack refused the turn with HTTP 429: slow down once per meeting with the limit. Refusals of
   * calls begun before the last slow-down, or within its Retry-After, are the same meeting.
   */
  rateLimited(turn: Turn, retryAfterMs = 1000): void {
    const now = this.now();
    if (this.oneMethod) this.holdUntil = Math.max(this.holdUntil, now + retryAfterMs);
    if (turn.epoch !== this.epoch || now < this.calmUntil) return;
    this.forget();
    // What Slack let through in the last second: this pacer's calls, or all of the app's when the
    // limit is shared (the calls that opened the round count against it too).
    const own = this.accepted.length;
    const through = Math.max(own, this.appCalls?.() ?? 0);
    const basis = through > 0 ? Math.min(this.rate, through) : this.rate;
    // One method's limit is a bucket ("50+ a minute", bursts allowed): what got through before its
    // first 429 was the burst, not the pace it keeps, so its latest meeting is the one to go by.
    this.best = this.oneMethod ? through : Math.max(this.best, through);
    this.rate = Math.max(MIN_RATE, Math.min(this.cap, basis * DECREASE));
    // The app's other calls fill that second for up to a second more: they take turns of this
    // pacer's, once, so its next calls do not meet the limit again before those calls age out.
    const others = through - own;
    if (others > 0) {
      this.holdUntil = Math.max(this.holdUntil, now + (others * 1000) / this.rate);
      this.next = { at: this.holdUntil, spanMs: this.next.spanMs };
    }
    this.metLimit = true;
    this.epoch += 1;
    this.calmUntil = now + retryAfterMs;
  }

  private forget(): void {
    const since = this.now() - WINDOW_MS;
    let old = 0;
    while (old < this.accepted.length && (this.accepted[old] as number) <= since) old++;
    if (old > 0) this.accepted.splice(0, old);
  }
}

/** How many 429s in a row one delivery waits out in place before it goes back to the outbox. */
const RATE_LIMITED_TRIES = 5;
/** Slack's rule: about one message a second into one channel (see the sandbox's rate-limits.ts). */
const CHANNEL_SPACING_MS = 1000;
/** A transient failure of a delivery that has no open round to bound it is given up after this many attempts. */
const MAX_ATTEMPTS = 8;
/** The longest wait between two attempts of a delivery. */
const MAX_BACKOFF_MS = 30 * 60 * 1000;
/** A retry due this soon is waited for by the running drain, not left to the next poll. */
const SOON_MS = 5000;
/** A chart that fails to render is tried again this much later, up to MAX_CHART_ATTEMPTS in all. */
const CHART_RETRY_MS = 60_000;
const MAX_CHART_ATTEMPTS = 3;

/**
 * Drains the outbox: claims due deliveries and posts them with bounded concurrency, paced by the
 * DeliveryPacer. Its Web API client hands HTTP 429s back (`rejectRateLimitedCalls`), so one 429
 * costs that one call its Retry-After instead of pausing every send, and spends nothing of the
 * client's retry policy, which is left to 5xx and network errors. What still fails is recorded
 * against that one delivery and never stops the others: permanent errors (`ok: false`) as
 * failed; transient ones (429s past RATE_LIMITED_TRIES, 5xx, timeouts) back into the outbox
 * with exponential backoff, while the round is open (prompts and reminders) or for MAX_ATTEMPTS
 * attempts (digests and charts).
 *
 * It runs in the background (kicked after work is queued and by a poll), so nothing it does may
 * end the process: a database error while claiming ends that pass and the next pass tries again;
 * a result that cannot be written (the database locked past its busy timeout) is kept in memory
 * and written at the start of the next pass. Each such fault is logged once, with what failed.
 */
export class DeliverySender {
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** chat.postMessage's pace; Slack limits each method apart, so updates and uploads have their own. */
  private readonly pacer: DeliveryPacer;
  private readonly updatePacer: DeliveryPacer;
  private readonly uploadPacer: DeliveryPacer;
  /** When the latest accepted post into each channel began (pacer time), to tell its 429s apart. */
  private readonly lastPost = new Map<string, number>();
  private wake: (() => void) | null = null;
  /** The waits for a pacer's turn or a Retry-After in progress: stop() cuts them short. */
  private readonly napping = new Set<() => void>();
  /** Writes of results that failed, by delivery id: tried again at the start of the next pass. */
  private readonly unrecorded = new Map<number, () => void>();
  private readonly faults: FaultLog;

  constructor(
    private readonly deps: {
      outbox: OutboxRepository;
      rounds: RoundRepository;
      slack: SlackPort;
      clock: Clock;
      logger: SenderLogger;
      concurrency: number;
      /** DELIVERY_RATE_PER_SECOND: Web API calls per second at most; the pace is learnt below it. */
      ratePerSecond?: number;
      /** Every call of the app that Slack answered in the last second (SlackCalls.lastSecond). */
      appCalls?: () => number;
      /** The wait before a transient failure's first retry, doubling with each (default 30 s). */
      retryBaseMs?: number;
      charts?: ChartRenderer;
      /** Uninstalled workspaces, deactivated people, channels the app is not in. */
      guard?: DeliveryGuard;
      pacer?: DeliveryPacer;
      /**
       * Whether this process may claim deliveries now: it holds the worker lease. Checked before
       * each claim, so a process that loses the lease stops after the sends in flight.
       */
      mayClaim?: () => boolean;
      /**
       * Resolves when an `update` delivery may be sent: main wires it to the HTTP server's
       * RequestGate, so under a burst of submissions the acks go first and the DM edits follow in
       * the next lull.
       */
      yieldTo?: () => Promise<void>;
    },
  ) {
    // A turn waited for is cut short by stop(): the delivery then goes back to the outbox unsent.
    const sleep = (ms: number) => this.nap(ms);
    const pacer = () =>
      new DeliveryPacer({
        sleep,
        oneMethod: true,
        ...(deps.ratePerSecond === undefined ? {} : { cap: deps.ratePerSecond }),
      });
    // Messages meet the workspace's limit, shared by every call of the app; chat.update and
    // uploads meet limits of their own methods, which only their own calls count against.
    this.pacer =
      deps.pacer ??
      new DeliveryPacer({
        sleep,
        ...(deps.ratePerSecond === undefined ? {} : { cap: deps.ratePerSecond }),
        ...(deps.appCalls ? { appCalls: deps.appCalls } : {}),
      });
    this.updatePacer = pacer();
    this.uploadPacer = pacer();
    this.faults = new FaultLog(deps.logger);
  }

  /** Starts a drain unless one is running; a running one takes another pass when it ends. Never rejects. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      this.again = true;
      this.wake?.();
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

  /**
   * Stops claiming new work, waits for the sends in flight, and writes down what they did. A
   * delivery still waiting for its turn or for a Retry-After goes back to the outbox unsent, so a
   * backlog paced at Slack's limit does not hold the process up for its turns (a chat.update
   * waiting out a 429 kept SIGTERM waiting for seconds).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    for (const wake of [...this.napping]) wake();
    await this.idle();
    this.recordUnrecorded();
  }

  private mayClaim(): boolean {
    return !this.stopped && (this.deps.mayClaim?.() ?? true);
  }

  /**
   * Passes until nothing is due. A retry due within SOON_MS is waited for here, so a 429's
   * Retry-After does not wait for the next poll; but only after a pass that sent something, so a
   * clock that stands still (tests) cannot keep a drain alive.
   */
  private async drainLoop(): Promise<void> {
    let sentSincePause = false;
    do {
      this.again = false;
      this.recordUnrecorded();
      sentSincePause = (await this.drainDue()) > 0 || sentSincePause;
      if (this.stopped || this.again || !sentSincePause) continue;
      const next = this.deps.outbox.nextDueAt();
      const inMs = next === null ? Number.POSITIVE_INFINITY : Date.parse(next) - this.deps.clock().getTime();
      if (inMs > SOON_MS) break;
      // A kick cuts the pause short for new work; the retry is still owed a pass when it is due.
      if (await this.pause(Math.max(0, inMs) + 5)) sentSincePause = false;
      this.again = true;
    } while (this.again && !this.stopped);
  }

  /** Waits `ms`, or less if stop() comes first. */
  private nap(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.napping.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.napping.add(done);
    });
  }

  /** Waits `ms`, or less if a kick or stop() comes first; resolves whether it waited it all. */
  private pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (whole: boolean) => {
        clearTimeout(timer);
        this.wake = null;
        resolve(whole);
      };
      const timer = setTimeout(() => done(true), ms);
      this.wake = () => done(false);
    });
  }

  private async drainDue(): Promise<number> {
    const { concurrency } = this.deps;
    let claimed = 0;
    // A database fault ends the pass for every worker: the next pass (the poll, or the next
    // kick) tries again, instead of spinning on the same row here.
    let faulted = false;
    // Each worker claims one row at a time, so at most `concurrency` rows are ever `sending`:
    // that bounds the duplicates a crash can cause.
    const worker = async (): Promise<void> => {
      while (!faulted && this.mayClaim()) {
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
        claimed += 1;
        try {
          if (!(await this.deliver(delivery))) faulted = true;
        } catch (error) {
          // A read that failed while deciding what to record (the round, for a retry): nothing
          // more is known, so the row goes back to be sent again (at most one duplicate).
          faulted = true;
          const id = delivery.id;
          this.record(id, () => this.deps.outbox.unclaim(id, this.deps.clock().toISOString()));
          this.faults.failed('sending deliveries', error, `delivery ${id} is tried again at a later pass`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return claimed;
  }

  /**
   * Writes a result to the outbox; if the write fails (the database locked past its busy
   * timeout), keeps it and writes it at the start of the next pass. Never throws.
   */
  private record(id: number, write: () => void): void {
    try {
      write();
      this.unrecorded.delete(id);
      this.faults.succeeded('recording deliveries');
    } catch (error) {
      this.unrecorded.set(id, write);
      this.faults.failed('recording deliveries', error, `delivery ${id} is recorded at the next pass`);
    }
  }

  private recordUnrecorded(): void {
    for (const [id, write] of this.unrecorded) {
      try {
        write();
        this.unrecorded.delete(id);
        this.faults.succeeded('recording deliveries');
      } catch (error) {
        this.faults.failed('recording deliveries', error, 'tried again at the next pass');
        return;
      }
    }
  }

  /** Sends one delivery and records what became of it; false when it was handed back unsent. */
  private async deliver(delivery: Delivery): Promise<boolean> {
    const now = () => this.deps.clock().toISOString();
    let skip: string | null;
    try {
      skip = this.reasonToSkip(delivery) ?? this.deps.guard?.before(delivery) ?? null;
    } catch (error) {
      // Nothing was sent: the row is handed back and claimed again at a later pass.
      this.faults.failed(
        'checking deliveries before sending',
        error,
        `delivery ${delivery.id} is sent at a later pass`,
      );
      this.record(delivery.id, () => this.deps.outbox.unclaim(delivery.id, now()));
      return false;
    }
    if (skip) {
      const reason = skip;
      this.record(delivery.id, () => this.deps.outbox.markSkipped(delivery.id, reason, now()));
      return true;
    }
    if (delivery.payload.chart) {
      await this.deliverChart(delivery);
      return true;
    }
    // chat.update has its own limit (Tier 3), so its turns come from a pacer of its own.
    const update = delivery.kind === 'update' ? delivery.payload.updateTs : undefined;
    if (update) {
      // An edit (the check-in DM's thanks) is the one delivery sent right after a request from
      // Slack, in bursts when many people answer at once: it waits for a lull in them.
      await this.deps.yieldTo?.();
      await this.send(delivery, 1, this.updatePacer, async () => {
        await this.deps.slack.updateMessage(delivery.channel, update, delivery.payload);
        this.record(delivery.id, () =>
          this.deps.outbox.markSent(delivery.id, delivery.channel, update, now()),
        );
      });
      return true;
    }
    await this.send(delivery, 1, this.pacer, async () => {
      const posted = await this.deps.slack.postMessage(delivery.channel, delivery.payload);
      this.record(delivery.id, () =>
        this.deps.outbox.markSent(delivery.id, posted.channel, posted.ts, now()),
      );
    });
    return true;
  }

  /**
   * A digest's chart travels as its own delivery beside the digest, so a chart that fails to
   * render or upload is recorded and logged while the digest itself has already gone out. A
   * chart that fails to render is tried again a minute later, up to MAX_CHART_ATTEMPTS times.
   */
  private async deliverChart(delivery: Delivery): Promise<void> {
    const now = () => this.deps.clock().toISOString();
    const request = delivery.payload.chart;
    if (!request || !this.deps.charts) {
      this.record(delivery.id, () => this.deps.outbox.markSkipped(delivery.id, 'charts_off', now()));
      return;
    }
    let chart: Awaited<ReturnType<ChartRenderer['render']>>;
    try {
      chart = await this.deps.charts.render(request);
    } catch (error) {
      const reason = `chart_render_failed: ${(error as Error).message}`;
      const last = delivery.attempts >= MAX_CHART_ATTEMPTS;
      this.deps.logger.error(
        `chart for delivery ${delivery.id} failed to render (attempt ${delivery.attempts} of ${MAX_CHART_ATTEMPTS}): ${(error as Error).message}${last ? '' : '; trying again in a minute'}`,
      );
      const at = new Date(this.deps.clock().getTime() + CHART_RETRY_MS).toISOString();
      this.record(delivery.id, () =>
        last
          ? this.deps.outbox.markFailed(delivery.id, reason, now())
          : this.deps.outbox.retryLater(delivery.id, reason, at, now()),
      );
      return;
    }
    if (!chart) {
      this.record(delivery.id, () => this.deps.outbox.markSkipped(delivery.id, 'nothing_to_chart', now()));
      return;
    }
    // files.getUploadURLExternal and files.completeUploadExternal; the upload itself goes elsewhere.
    await this.send(delivery, 2, this.uploadPacer, async () => {
      await this.deps.slack.uploadFile({
        channel: delivery.channel,
        filename: chart.filename,
        title: chart.title,
        content: chart.png,
        altText: chart.altText,
      });
      this.record(delivery.id, () => this.deps.outbox.markSent(delivery.id, delivery.channel, '', now()));
    });
  }

  /**
   * Makes one delivery's `calls` Web API calls in a turn of the pacer. A 429 is waited out in
   * place (its Retry-After, for this delivery only) up to RATE_LIMITED_TRIES times; anything else
   * that fails is recorded by `failed`.
   */
  private async send(
    delivery: Delivery,
    calls: number,
    pacer: DeliveryPacer,
    call: () => Promise<void>,
  ): Promise<void> {
    for (let tries = 1; ; tries++) {
      const turn = await pacer.take(calls);
      if (this.stopped) {
        // Nothing of it reached Slack: the next process (or this one, restarted) sends it.
        const id = delivery.id;
        this.record(id, () => this.deps.outbox.unclaim(id, this.deps.clock().toISOString()));
        return;
      }
      try {
        await call();
        pacer.accept(turn);
        this.posted(delivery.channel, turn.at);
        this.deps.guard?.sent(delivery);
        return;
      } catch (error) {
        const failure =
          error instanceof SlackCallError
            ? error
            : new SlackCallError('unknown_error', false, (error as Error).message);
        if (failure.slackError !== 'ratelimited') return this.failed(delivery, failure, 0);
        // A second message into one channel within a second meets Slack's per-channel limit,
        // which says nothing about the workspace's. That rule is chat.postMessage's: a 429 met
        // by a pacer of one method's limit (edits, uploads) is always that method's.
        const retryAfterMs = (failure.retryAfterSeconds ?? 1) * 1000;
        const last = pacer.oneMethod ? undefined : this.lastPost.get(delivery.channel);
        if (last === undefined || turn.at - last >= CHANNEL_SPACING_MS) pacer.rateLimited(turn, retryAfterMs);
        if (tries >= RATE_LIMITED_TRIES || this.stopped) return this.failed(delivery, failure, retryAfterMs);
        await this.nap(retryAfterMs);
      }
    }
  }

  private posted(channel: string, at: number): void {
    this.lastPost.set(channel, at);
    if (this.lastPost.size > 1000) {
      for (const [key, when] of this.lastPost) if (at - when >= CHANNEL_SPACING_MS) this.lastPost.delete(key);
    }
  }

  /**
   * Records a failure: permanent, or transient with no time left, as failed; else retried later.
   * A permanent one goes to the guard first: a dead token, a deactivated person or a channel
   * that refuses the app is recorded as it says (skipped, or failed with the channel's problem).
   */
  private async failed(delivery: Delivery, failure: SlackCallError, retryAfterMs: number): Promise<void> {
    const now = this.deps.clock();
    const reason = failure.slackError;
    const where = `delivery ${delivery.id} (${delivery.kind} to ${delivery.channel})`;
    if (failure.permanent && this.deps.guard) {
      const outcome = await this.deps.guard.refused(delivery, failure);
      if (outcome.status === 'skipped')
        this.deps.outbox.markSkipped(delivery.id, outcome.reason, now.toISOString());
      else {
        this.deps.outbox.markFailed(delivery.id, outcome.reason, now.toISOString());
        this.deps.logger.warn(`${where} failed: ${outcome.reason}`);
      }
      return;
    }
    const giveUp = failure.permanent ? null : this.reasonToGiveUp(delivery);
    if (failure.permanent || giveUp !== null) {
      this.record(delivery.id, () => this.deps.outbox.markFailed(delivery.id, reason, now.toISOString()));
      this.deps.logger.warn(`${where} failed: ${reason}${giveUp ? ` (${giveUp})` : ''}`);
      return;
    }
    const base = this.deps.retryBaseMs ?? 30_000;
    // Jitter, so deliveries that failed together do not all come back in the same instant.
    const backoff =
      Math.min(MAX_BACKOFF_MS, base * 2 ** (delivery.attempts - 1)) * (0.8 + 0.4 * Math.random());
    const at = new Date(now.getTime() + Math.max(retryAfterMs, backoff));
    this.record(delivery.id, () =>
      this.deps.outbox.retryLater(delivery.id, reason, at.toISOString(), now.toISOString()),
    );
    this.deps.logger.info(
      `${where} attempt ${delivery.attempts} failed: ${reason}; trying again at ${at.toISOString()}`,
    );
  }

  /** Why a transient failure is not retried: the round closed, or too many attempts. */
  private reasonToGiveUp(delivery: Delivery): string | null {
    if ((delivery.kind === 'prompt' || delivery.kind === 'reminder') && delivery.roundId !== null) {
      const round = this.deps.rounds.get(delivery.roundId);
      return !round || round.closedAt !== null ? 'the round has closed' : null;
    }
    return delivery.attempts >= MAX_ATTEMPTS ? `after ${delivery.attempts} attempts` : null;
  }

  /**
   * A check-in for a closed round, a reminder to someone who has answered, or an edit that a later
   * edit of its message replaces, is not sent.
   */
  private reasonToSkip(delivery: Delivery): string | null {
    if (delivery.kind === 'update') return this.deps.outbox.superseded(delivery) ? 'superseded' : null;
    if (delivery.roundId === null || delivery.userId === null) return null;
    if (delivery.kind !== 'prompt' && delivery.kind !== 'reminder') return null;
    const round = this.deps.rounds.get(delivery.roundId);
    if (!round || round.closedAt !== null) return 'round_closed';
    if (delivery.kind === 'reminder' && this.deps.rounds.response(delivery.roundId, delivery.userId))
      return 'answered';
    return null;
  }
}
