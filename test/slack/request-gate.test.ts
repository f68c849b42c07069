import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestGate } from '../../src/slack/request-gate.js';

describe('RequestGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const gate = () => new RequestGate({ quietMs: 20, maxWaitMs: 1000 }, () => Date.now());

  /** When `quiet()` resolves, in fake milliseconds after it was called (null: not by `untilMs`). */
  async function resolvesAfter(g: RequestGate, untilMs: number, during?: (ms: number) => void) {
    const start = Date.now();
    let at: number | null = null;
    void g.quiet().then(() => {
      at = Date.now() - start;
    });
    for (let ms = 0; ms <= untilMs && at === null; ms++) {
      during?.(ms);
      await vi.advanceTimersByTimeAsync(1);
    }
    return at;
  }

  it('lets work go at once when no request has come', async () => {
    expect(await resolvesAfter(gate(), 100)).toBe(0);
  });

  it('holds work while a request is being answered, and until none has arrived for quietMs', async () => {
    const g = gate();
    const leave = g.enter();
    const at = await resolvesAfter(g, 200, (ms) => {
      if (ms === 50) leave();
    });
    expect(at).toBeGreaterThanOrEqual(50);
    expect(at).toBeLessThanOrEqual(70);
    // A request that arrives and is answered at once still holds work for quietMs after it.
    g.enter()();
    expect(await resolvesAfter(g, 200)).toBe(20);
  });

  it('never holds work longer than maxWaitMs under steady traffic', async () => {
    const g = gate();
    g.enter()();
    const at = await resolvesAfter(g, 2000, (ms) => {
      if (ms % 5 === 0) g.enter()();
    });
    expect(at).toBe(1000);
  });

  it('counts a request answered twice (finish, then close) once', async () => {
    const g = gate();
    const first = g.enter();
    const second = g.enter();
    first();
    first();
    expect(await resolvesAfter(g, 100)).toBeNull();
    second();
    expect(await resolvesAfter(g, 100)).not.toBeNull();
  });
});
