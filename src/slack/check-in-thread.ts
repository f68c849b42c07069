import { Worker } from 'node:worker_threads';
import { ErrorCode } from '@slack/web-api';
import type { CheckIn, CheckIns } from '../services/check-ins.js';
import { AppError } from '../services/errors.js';
import { surveyModal } from './views/survey-modal.js';

/** A click on "Answer" (or "Edit my answers"), as the listener read it. */
export interface ModalRequest {
  roundId: number;
  userId: string;
  triggerId: string;
  /** Where the click was: the check-in DM, whose thanks the submission will show. */
  channel: string | null;
  ts: string | null;
  /** Where a refusal is said to the person: the click's response_url, when it came from a message. */
  responseUrl: string | null;
}

/**
 * The modal opened, or why not: `told` when the person has been told already (by the check-in
 * thread, at the response_url); otherwise the listener says it.
 */
export type ModalOutcome = { ok: true } | { ok: false; refused: string; told?: boolean };

/** views.open, through whichever Web API client the calling thread has. */
export type OpenView = (args: { trigger_id: string; view: Record<string, unknown> }) => Promise<unknown>;

/**
 * A trigger_id is valid for 3 s and one use (FACTS), and the ack and the call itself take some of
 * that, so views.open may begin at most this long after the click reached the code that opens the
 * modal. An HTTP 429 is waited out only when its Retry-After ends by then; otherwise the click is
 * refused with the wait, as the modal could only open on an expired trigger. The clients that
 * open modals reject rate-limited calls (rejectRateLimitedCalls) rather than pause their whole
 * queue for the Retry-After, during which every other person's click would expire too.
 */
const TRIGGER_BUDGET_MS = 1500;
/**
 * After Slack answers views.open with HTTP 429, calls go one at a time for this long: when a
 * Retry-After ends, every click held back by it would otherwise call at once, and all but the
 * first few meet the limit again (Slack's guide asks apps to back off, not to retry in a herd).
 */
const ONE_AT_A_TIME_MS = 60_000;

/** Slack's Retry-After in seconds, when the call failed with HTTP 429; else null. */
function retryAfterOf(error: unknown): number | null {
  const e = error as { code?: unknown; retryAfter?: unknown } | null;
  return e?.code === ErrorCode.RateLimitedError && typeof e.retryAfter === 'number' ? e.retryAfter : null;
}

export const busyText = (seconds: number) =>
  `Slack is busy and asked apps to wait ${seconds} s before opening more windows. Please click the button again after that: your check-in is still open.`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Slack's rate limit on views.open as the app has met it: until when Slack asked for no more
 * calls (its latest Retry-After), and, for a while after a 429, one call at a time, each click
 * waiting its turn for as long as its trigger_id allows. Written by hand: the Web API client
 * either pauses its whole queue for a Retry-After or hands the 429 back, and neither knows that a
 * call is worthless after its trigger's 3 s.
 */
export class ModalRateLimit {
  private until = 0;
  private limitedAt = Number.NEGATIVE_INFINITY;
  private calling = false;
  private readonly waiting = new Set<() => void>();

  /** Makes `call` (a views.open) within the trigger's budget, or says how many seconds to wait. */
  async open(call: () => Promise<unknown>): Promise<{ ok: true } | { ok: false; seconds: number }> {
    const deadline = performance.now() + TRIGGER_BUDGET_MS;
    for (;;) {
      const now = performance.now();
      if (this.until > deadline) return this.refusal(now);
      if (this.until > now) {
        await sleep(this.until - now);
        continue;
      }
      const oneAtATime = now - this.limitedAt < ONE_AT_A_TIME_MS;
      if (oneAtATime && this.calling) {
        if (!(await this.turn(deadline))) return this.refusal(performance.now());
        continue;
      }
      if (oneAtATime) this.calling = true;
      try {
        await call();
        return { ok: true };
      } catch (error) {
        const seconds = retryAfterOf(error);
        if (seconds === null) throw error;
        this.limitedAt = performance.now();
        this.until = Math.max(this.until, this.limitedAt + seconds * 1000);
      } finally {
        if (oneAtATime) {
          this.calling = false;
          this.passTurn();
        }
      }
    }
  }

  /** The turn goes to the next click waiting, which calls, waits out the window, or gives up. */
  private passTurn(): void {
    const [next] = this.waiting;
    if (next) next();
  }

  /** A refused click hands the turn on, so the clicks behind it are not left waiting for nothing. */
  private refusal(now: number): { ok: false; seconds: number } {
    if (!this.calling) this.passTurn();
    return { ok: false, seconds: Math.max(1, Math.ceil((this.until - now) / 1000)) };
  }

  /** Resolves true when the turn passes to this click, false at its deadline. */
  private turn(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const woken = () => {
        clearTimeout(timer);
        this.waiting.delete(woken);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiting.delete(woken);
        resolve(false);
      }, deadline - performance.now());
      this.waiting.add(woken);
    });
  }
}

/**
 * Opens the modal for the member's role in that round, with their previous answers. A Slack
 * error (an expired trigger_id) is thrown; a click that may not open it is refused with the reason,
 * as is one that Slack's rate limit holds back for longer than its trigger_id lasts.
 */
export async function openCheckInModal(
  checkIns: CheckIns,
  openView: OpenView,
  request: ModalRequest,
  rateLimit: ModalRateLimit,
): Promise<ModalOutcome> {
  let checkIn: CheckIn;
  try {
    checkIn = checkIns.checkInFor(request.roundId, request.userId);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, refused: error.message };
  }
  // What the modal shows is read, and the view built, when its turn comes: a click that Slack's
  // rate limit holds back, or refuses, reads and keeps none of it.
  const view = () => {
    const modal = checkIns.modal(checkIn, request.userId);
    return surveyModal({
      teamName: modal.team.name,
      alsoFor: modal.alsoFor,
      role: modal.role,
      metadata: { roundId: request.roundId, channel: request.channel, ts: request.ts },
      previous: modal.previous,
    });
  };
  const opened = await rateLimit.open(() => openView({ trigger_id: request.triggerId, view: view() }));
  return opened.ok ? { ok: true } : { ok: false, refused: busyText(opened.seconds) };
}

export interface CheckInLogger {
  warn(message: string): void;
}

/** What the main thread asks of the check-in thread (a turn's worth at a time, as an array). */
export interface CheckInRequest {
  id: number;
  input: ModalRequest;
}
/** The thread's answer to one job. */
export interface JobReply {
  id: number;
  outcome?: ModalOutcome;
  error?: string;
  /** Web API calls of the thread that Slack answered (not with HTTP 429): SlackCalls counts them. */
  slackCalls: number;
}
/** What the thread says: it is ready, it could not start, or answers to jobs (a turn's worth). */
export type CheckInReply = { ready: true } | { failed: string } | JobReply[];

/** What the thread is started with (workerData). */
export interface CheckInThreadData {
  module: string;
  tsx: string | null;
  file: string;
  /** webClientOptions's input: the Web API client of the thread is built as the app's are. */
  client: { token: string; options: Record<string, unknown> };
}

// The thread's first code, as text: it loads check-in-worker from dist/ (compiled) or from src/
// (the tests and `npm run dev` run TypeScript, which a worker can read only through tsx's hooks).
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  const { serve } = await import(workerData.module);
  serve(parentPort, workerData);
})().catch((error) => parentPort.postMessage({ failed: String((error && error.stack) || error) }));
`;

/** How long stop() waits for the jobs in flight, and then for the thread to end. */
const STOP_WAIT_MS = 2000;

type Pending = {
  job: ModalRequest;
  resolve: (outcome: ModalOutcome) => void;
  reject: (error: Error) => void;
};

/**
 * The click on "Answer" (or "Edit my answers"), done on a thread of its own: the reads for the
 * modal, then views.open while the trigger_id is valid, and under Slack's rate limit the wait for
 * its turn. On the thread that answers Slack it cost several times Bolt's own work for the request
 * and held up every request behind it; here the main thread parses, hands the job over and acks.
 * The thread has its own connection to the database and its own Web API client (`client`: built
 * as the app's are, on the same transport). Submissions are recorded on the main thread
 * (CheckInSubmissions), which measured cheaper than handing them over.
 *
 * The thread starts once the app has started (prepare), or else with the first job. If it cannot
 * start or stops, modals are opened from the main thread again (said once), with `checkIns` on the
 * app's connection and `openView` on its client; a job the thread had not answered is done there,
 * which at worst tries a used trigger_id (Slack refuses it; the modal is open).
 */
export class CheckInThread {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private fellBack = false;
  private stopping = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly outgoing: CheckInRequest[] = [];
  private handedOver = 0;
  /** Slack's latest Retry-After for views.open made on the main thread (the fallback). */
  private readonly modalRateLimit = new ModalRateLimit();

  constructor(
    private readonly deps: {
      /** The database file; `:memory:` stays on the main thread (a thread cannot share it). */
      file: string;
      client: CheckInThreadData['client'];
      /** The same work on the main thread: the fallback. */
      checkIns: CheckIns;
      openView: OpenView;
      logger: CheckInLogger;
      /** Told of the thread's Web API calls that Slack answered (the app's calls, SlackCalls). */
      onSlackCalls?: (count: number) => void;
    },
  ) {}

  /**
   * Starts the thread now instead of with the first job; resolves once it runs or fell back. A
   * click's trigger_id lasts 3 s, and a thread still loading when the first click came made it
   * wait: under load (seen in the tests, which load the thread's TypeScript) past those 3 s, and
   * Slack refused the modal with expired_trigger_id.
   */
  prepare(): Promise<void> {
    return this.start();
  }

  openModal(request: ModalRequest): Promise<ModalOutcome> {
    return this.run(request);
  }

  /**
   * Waits for the jobs in flight, then ends the thread. A modal whose views.open Slack holds back
   * (HTTP 429, which the client retries after Retry-After) can take minutes, long after its
   * trigger_id expired, so no job is waited for past STOP_WAIT_MS: what is left is refused, as a
   * request to a stopped app is.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.ready;
    const deadline = performance.now() + STOP_WAIT_MS;
    while (this.pending.size > 0 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const worker = this.worker;
    if (worker) {
      this.worker = null;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), STOP_WAIT_MS);
      await exited;
      clearTimeout(timer);
    }
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(new Error('the app stopped before this modal was opened'));
    }
  }

  /** How many hand-overs (messages of jobs) the thread has been given. */
  get handOvers(): number {
    return this.handedOver;
  }

  /** Whether jobs go to the thread (false: they are done on the main thread). */
  get threaded(): boolean {
    return this.worker !== null;
  }

  private run(job: ModalRequest): Promise<ModalOutcome> {
    if (this.stopping) return Promise.reject(new Error('the app is stopping'));
    // Once the thread runs, a job goes to it in this turn, without waiting on start() again.
    if (this.worker) return this.handTo(this.worker, job);
    return this.start().then(() => (this.worker ? this.handTo(this.worker, job) : this.onMainThread(job)));
  }

  private handTo(worker: Worker, job: ModalRequest): Promise<ModalOutcome> {
    const id = this.nextId++;
    const request: CheckInRequest = { id, input: job };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { job, resolve, reject });
      this.post(worker, request);
    });
  }

  /**
   * Hands jobs over once per turn of the event loop: each message wakes the other thread, and
   * profiled under a burst of jobs postMessage was the main thread's largest cost after Bolt's
   * own. A hand-over goes while the thread still works on the one before, and waits in its queue.
   */
  private post(worker: Worker, request: CheckInRequest): void {
    this.outgoing.push(request);
    if (this.outgoing.length > 1) return;
    setImmediate(() => this.handOver(worker));
  }

  private handOver(worker: Worker): void {
    const batch = this.outgoing.splice(0);
    // A thread that stopped meanwhile left these to fallBack, which did them on the main thread.
    if (this.worker !== worker || batch.length === 0) return;
    this.handedOver += 1;
    worker.postMessage(batch);
  }

  private onMainThread(job: ModalRequest): Promise<ModalOutcome> {
    return openCheckInModal(this.deps.checkIns, this.deps.openView, job, this.modalRateLimit);
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    if (this.fellBack || this.deps.file === ':memory:') return Promise.resolve();
    this.ready = new Promise((resolve) => {
      let worker: Worker;
      try {
        const fromSource = import.meta.url.endsWith('.ts');
        const workerData: CheckInThreadData = {
          module: new URL(`./check-in-worker${fromSource ? '.ts' : '.js'}`, import.meta.url).href,
          tsx: fromSource ? import.meta.resolve('tsx/esm/api') : null,
          file: this.deps.file,
          client: this.deps.client,
        };
        worker = new Worker(BOOTSTRAP, { eval: true, workerData });
      } catch (error) {
        this.fallBack((error as Error).message);
        resolve();
        return;
      }
      worker.on('message', (reply: CheckInReply) => {
        if (Array.isArray(reply)) for (const one of reply) this.answered(one);
        else if ('ready' in reply) {
          this.worker = worker;
          resolve();
        } else if ('failed' in reply) {
          this.fallBack(reply.failed);
          resolve();
          void worker.terminate();
        }
      });
      worker.once('error', (error) => {
        this.fallBack(error.message);
        resolve();
      });
      worker.once('exit', (code) => {
        if (this.worker === worker || !this.stopping) this.fallBack(`the thread exited with code ${code}`);
        resolve();
      });
    });
    return this.ready;
  }

  private answered(reply: JobReply): void {
    if (reply.slackCalls > 0) this.deps.onSlackCalls?.(reply.slackCalls);
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.outcome) waiting.resolve(reply.outcome);
    else waiting.reject(new Error(reply.error ?? 'the check-in thread gave no answer'));
  }

  private fallBack(reason: string): void {
    // A thread that fails says so twice ('error', then 'exit'): once is enough.
    if (this.fellBack) return;
    this.fellBack = true;
    this.worker = null;
    if (!this.stopping)
      this.deps.logger.warn(
        `the check-in thread stopped (${reason.split('\n')[0]}); check-in modals are opened from the main thread`,
      );
    // What the thread had not answered, or not yet been given, is done here.
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      this.onMainThread(waiting.job).then(waiting.resolve, waiting.reject);
    }
  }
}
