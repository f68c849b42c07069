// Fault injection and Slack-like rate limits: how the sandbox makes the app meet a bad day.
import { performance } from 'node:perf_hooks';
import type { SandboxLimits } from './types.js';

export type Fault =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'error'; error: string }
  | { kind: 'status'; status: number }
  /** Held for `ms` before it is handled; dropped unanswered if the client gave up meanwhile. */
  | { kind: 'delay'; ms: number };

interface Queued {
  fault: Fault;
  remaining: number;
}

/** Faults queued per method name ('*' matches any method), consumed in order. */
export class FaultQueue {
  private readonly queued = new Map<string, Queued[]>();

  add(method: string, fault: Fault, times = 1): void {
    if (!Number.isInteger(times) || times < 1)
      throw new RangeError(`times must be a positive integer, got ${times}`);
    const list = this.queued.get(method) ?? [];
    list.push({ fault, remaining: times });
    this.queued.set(method, list);
  }

  take(method: string): Fault | undefined {
    for (const key of [method, '*']) {
      const list = this.queued.get(key);
      const head = list?.[0];
      if (list === undefined || head === undefined) continue;
      head.remaining -= 1;
      if (head.remaining === 0) list.shift();
      if (list.length === 0) this.queued.delete(key);
      return head.fault;
    }
    return undefined;
  }

  clear(): void {
    this.queued.clear();
  }
}

const WINDOW_MS = 1000;

/**
 * Sliding one-second windows, against the real clock because the WebClient sleeps for real before
 * it retries. Only admitted calls count, so a client that honours Retry-After gets through.
 */
export class RateLimiter {
  private workspaceHits: number[] = [];
  private readonly channelHits = new Map<string, number[]>();

  constructor(private limits: SandboxLimits = {}) {}

  setLimits(limits: SandboxLimits): void {
    this.limits = { ...limits };
  }

  /** Whether the call may proceed; counts it when it may. */
  admit(method: string, channel: string | undefined): boolean {
    const now = performance.now();
    const recent = (hits: number[]) => hits.filter((t) => now - t < WINDOW_MS);
    this.workspaceHits = recent(this.workspaceHits);
    const { workspacePerSecond, postMessagePerChannelPerSecond } = this.limits;
    if (workspacePerSecond !== undefined && this.workspaceHits.length >= workspacePerSecond) return false;
    if (
      method === 'chat.postMessage' &&
      channel !== undefined &&
      postMessagePerChannelPerSecond !== undefined
    ) {
      const hits = recent(this.channelHits.get(channel) ?? []);
      if (hits.length >= postMessagePerChannelPerSecond) {
        this.channelHits.set(channel, hits);
        return false;
      }
      hits.push(now);
      this.channelHits.set(channel, hits);
    }
    this.workspaceHits.push(now);
    return true;
  }
}
