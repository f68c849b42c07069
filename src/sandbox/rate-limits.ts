// Slack's rate limits as the sandbox plays them, on by default, each settable per test.
//
// Slack's rate-limit guide (https://docs.slack.dev/apis/web-api/rate-limits) applies limits "per
// API method per workspace per app": Tier 1 is 1+ calls a minute, Tier 2 20+, Tier 3 50+, Tier 4
// 100+, each with some burst allowed ("generous burst behavior" for Tier 4). chat.postMessage has a
// special tier: "generally allows posting one message per second per channel, while also
// maintaining a workspace-wide limit", with "short bursts >1 allowed". A call over a limit is
// answered HTTP 429 with `Retry-After`, the whole seconds to wait ("Responding to rate limiting").
// Slack publishes no number for the workspace-wide limit, so the sandbox has none unless a test or
// the bench sets `workspacePerSecond`; the app must learn it from the 429s.
import { performance } from 'node:perf_hooks';
import type { SandboxLimits } from './types.js';

/**
 * Calls a minute by method, from each method's reference page ("Rate limits" line). Methods not
 * listed (auth.test, chat.postMessage, apps.connections.open) have no per-method limit here;
 * chat.postMessage has its own rules below.
 */
export const METHOD_TIERS: Readonly<Record<string, number>> = {
  // Tier 2: 20+ a minute.
  'users.list': 20,
  'conversations.list': 20,
  // Tier 3: 50+ a minute.
  'chat.update': 50,
  'chat.delete': 50,
  'conversations.open': 50,
  'conversations.info': 50,
  // Tier 4: 100+ a minute.
  'users.info': 100,
  'chat.postEphemeral': 100,
  'views.open': 100,
  'views.push': 100,
  'views.update': 100,
  'views.publish': 100,
  'files.getUploadURLExternal': 100,
  'files.completeUploadExternal': 100,
};

/** Slack's own defaults: one message a second per channel with a short burst, tiers per method. */
export const SLACK_LIMITS: Required<SandboxLimits> = {
  postMessagePerChannelPerSecond: 1,
  postMessagePerChannelBurst: 3,
  workspacePerSecond: null,
  perMethodPerMinute: {},
};

const WINDOW_MS = 1000;

/**
 * A token bucket: `burst` calls at once, refilled at `perSecond`. It stands for "N a minute with
 * bursts allowed": a method's bucket holds a minute's quota, a channel's a few messages.
 */
class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Refills, then returns the ms until a token is there (0: one is there now). */
  waitMs(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.perSecond) * 1000;
  }

  spend(): void {
    this.tokens -= 1;
  }
}

/**
 * Against the real clock, because the WebClient sleeps for real before it retries. Only admitted
 * calls count, so a client that honours Retry-After gets through.
 */
export class RateLimiter {
  private limits: Required<SandboxLimits>;
  private workspaceHits: number[] = [];
  private readonly methodBuckets = new Map<string, Bucket>();
  private readonly channelBuckets = new Map<string, Bucket>();

  constructor(limits: SandboxLimits = {}) {
    this.limits = withDefaults(limits);
  }

  /** Replaces the limits: what `limits` leaves out is Slack's default again; null turns one off. */
  setLimits(limits: SandboxLimits): void {
    this.limits = withDefaults(limits);
    this.workspaceHits = [];
    this.methodBuckets.clear();
    this.channelBuckets.clear();
  }

  /**
   * Whether the call may proceed (and counts it), or how many whole seconds to wait: what Slack
   * puts in Retry-After, never less than 1.
   */
  admit(
    method: string,
    channel: string | undefined,
  ): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = performance.now();
    const refused = (ms: number) => ({
      ok: false as const,
      retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)),
    });
    const { workspacePerSecond } = this.limits;
    this.workspaceHits = this.workspaceHits.filter((t) => now - t < WINDOW_MS);
    if (workspacePerSecond !== null && this.workspaceHits.length >= workspacePerSecond) {
      const oldest = this.workspaceHits[this.workspaceHits.length - workspacePerSecond] as number;
      return refused(oldest + WINDOW_MS - now);
    }
    const buckets = [this.methodBucket(method, now), this.channelBucket(method, channel, now)].filter(
      (b) => b !== undefined,
    );
    // Only admitted calls count: a call refused by one bucket spends nothing from the other.
    const wait = Math.max(0, ...buckets.map((b) => b.waitMs(now)));
    if (wait > 0) return refused(wait);
    for (const bucket of buckets) bucket.spend();
    this.workspaceHits.push(now);
    return { ok: true };
  }

  private methodBucket(method: string, now: number): Bucket | undefined {
    const perMinute =
      method in this.limits.perMethodPerMinute
        ? this.limits.perMethodPerMinute[method]
        : METHOD_TIERS[method];
    if (perMinute === undefined || perMinute === null) return undefined;
    let bucket = this.methodBuckets.get(method);
    if (bucket === undefined) {
      bucket = new Bucket(perMinute / 60, perMinute, now);
      this.methodBuckets.set(method, bucket);
    }
    return bucket;
  }

  private channelBucket(method: string, channel: string | undefined, now: number): Bucket | undefined {
    const { postMessagePerChannelPerSecond: perSecond, postMessagePerChannelBurst: burst } = this.limits;
    if (method !== 'chat.postMessage' || channel === undefined || perSecond === null) return undefined;
    let bucket = this.channelBuckets.get(channel);
    if (bucket === undefined) {
      bucket = new Bucket(perSecond, burst, now);
      this.channelBuckets.set(channel, bucket);
    }
    return bucket;
  }
}

function withDefaults(limits: SandboxLimits): Required<SandboxLimits> {
  const defined = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
  return { ...SLACK_LIMITS, ...defined };
}
