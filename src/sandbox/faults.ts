// Fault injection: how the sandbox makes the app meet a bad day. Rate limits: rate-limits.ts.

export type Fault =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'error'; error: string }
  | { kind: 'status'; status: number }
  /** Held for `ms` before it is handled; dropped unanswered if the client gave up meanwhile. */
  | { kind: 'delay'; ms: number };

interface Queued {
  fault: Fault;
  remaining: number;
  /** Only calls into this channel (a user id also matches its DM); any channel when unset. */
  channel?: string;
}

/** Faults queued per method name ('*' matches any method), consumed in order. */
export class FaultQueue {
  private readonly queued = new Map<string, Queued[]>();

  add(method: string, fault: Fault, times = 1, channel?: string): void {
    if (!Number.isInteger(times) || times < 1)
      throw new RangeError(`times must be a positive integer, got ${times}`);
    const list = this.queued.get(method) ?? [];
    list.push({ fault, remaining: times, ...(channel === undefined ? {} : { channel }) });
    this.queued.set(method, list);
  }

  /** The first fault queued for this method (or '*') that applies to a call into `channel`. */
  take(method: string, channel?: string): Fault | undefined {
    for (const key of [method, '*']) {
      const list = this.queued.get(key);
      const index = list?.findIndex((q) => q.channel === undefined || q.channel === channel) ?? -1;
      const found = list?.[index];
      if (list === undefined || found === undefined) continue;
      found.remaining -= 1;
      if (found.remaining === 0) list.splice(index, 1);
      if (list.length === 0) this.queued.delete(key);
      return found.fault;
    }
    return undefined;
  }

  clear(): void {
    this.queued.clear();
  }
}
