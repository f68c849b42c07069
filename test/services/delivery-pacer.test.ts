// The sender's client-side pace: calls spaced evenly under a rate, never bunched, and the
// DeliverySender using it before each Web API call.
import { afterEach, describe, expect, it } from 'vitest';
import type { SlackPort } from '../../src/services/ports.js';
import { DeliveryPacer, DeliverySender } from '../../src/services/sender.js';
import { OutboxRepository } from '../../src/storage/outbox.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { migratedDatabase } from '../helpers/db.js';

/** A pacer on a fake clock that moves only when it sleeps (by `lateBy` more than asked). */
function fakePacer(ratePerSecond: number, lateBy = 0) {
  let now = 1_000;
  const sleeps: number[] = [];
  const pacer = new DeliveryPacer(
    ratePerSecond,
    () => now,
    async (ms) => {
      sleeps.push(ms);
      now += ms + lateBy;
    },
  );
  const began: number[] = [];
  const take = async (calls?: number) => {
    await pacer.take(calls);
    began.push(now);
  };
  return {
    pacer,
    take,
    sleeps,
    began,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('DeliveryPacer', () => {
  it('lets the first call go at once and spaces the next ones 1/rate apart', async () => {
    const { take, sleeps, began } = fakePacer(20);
    await Promise.all(Array.from({ length: 5 }, () => take()));
    expect(sleeps).toEqual([50, 50, 50, 50]);
    expect(began).toEqual([1000, 1050, 1100, 1150, 1200]);
  });

  it('gives a caller that makes two calls two turns', async () => {
    const { take, sleeps } = fakePacer(10);
    await take(2);
    await take();
    expect(sleeps).toEqual([200]);
  });

  it('saves up no burst while idle: after a pause the calls are spaced again', async () => {
    const { take, sleeps, advance } = fakePacer(20);
    await take();
    advance(10_000);
    await Promise.all([take(), take(), take()]);
    expect(sleeps).toEqual([50, 50]);
  });

  it('measures each turn from when the previous one began, so a late wake-up never bunches calls', async () => {
    const { take, began } = fakePacer(20, 7);
    await Promise.all(Array.from({ length: 4 }, () => take()));
    expect(began).toEqual([1000, 1057, 1114, 1171]);
  });

  it('after a 429 begins no turn until Retry-After has passed, then goes slower and regains its rate', async () => {
    const { pacer, take, began, advance } = fakePacer(20);
    await take();
    advance(10);
    pacer.rateLimited(1000);
    await Promise.all(Array.from({ length: 40 }, () => take()));
    const gaps = began.slice(1).map((t, i) => t - (began[i] as number));
    // Held to 1000 + 10 + 1000, then 1/15 s apart (three quarters of 20/s), closing in on 1/20 s.
    expect(began[1]).toBe(2010);
    expect(gaps[1]).toBeCloseTo(1000 / 15);
    for (let i = 2; i < gaps.length; i++) expect(gaps[i]).toBeLessThanOrEqual((gaps[i - 1] as number) + 1e-9);
    expect(gaps.at(-1)).toBeCloseTo(50);
  });

  it('slows down once for several 429s that arrive during one Retry-After', async () => {
    const { pacer, take, began } = fakePacer(20);
    await take();
    pacer.rateLimited(1000);
    pacer.rateLimited(1000);
    pacer.rateLimited(1000);
    await Promise.all([take(), take()]);
    expect((began[2] as number) - (began[1] as number)).toBeCloseTo(1000 / 15);
  });

  it('refuses a rate that is not a positive number', () => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new DeliveryPacer(rate)).toThrow(RangeError);
    }
  });
});

describe('DeliverySender with a rate', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length > 0) cleanups.pop()?.();
  });

  async function sendTen(ratePerSecond: number | undefined): Promise<number[]> {
    const { db, cleanup } = migratedDatabase();
    cleanups.push(cleanup);
    const outbox = new OutboxRepository(db);
    const now = new Date().toISOString();
    outbox.enqueue(
      Array.from({ length: 10 }, (_, i) => ({
        workspaceId: 'T1',
        kind: 'digest' as const,
        dedupeKey: `digest:${i}`,
        channel: `C${i}`,
        payload: { text: 'digest' },
        notBefore: now,
      })),
      now,
    );
    const startedAt: number[] = [];
    const slack = {
      postMessage: async (channel: string) => {
        startedAt.push(performance.now());
        return { channel, ts: String(startedAt.length) };
      },
    } as unknown as SlackPort;
    const sender = new DeliverySender({
      outbox,
      rounds: new RoundRepository(db),
      slack,
      clock: () => new Date(),
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      concurrency: 4,
      ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
    });
    await sender.kick();
    expect(outbox.statusCounts().sent).toBe(10);
    return startedAt;
  }

  it('paces its Web API calls at the rate, with several workers', async () => {
    const startedAt = await sendTen(50);
    // Ten calls at 50/s span at least nine 20 ms turns. The pacer spaces the turns exactly (see
    // above); each call starts a little after its turn, once other workers' database work is done,
    // so the span here is only bounded loosely. Unpaced, it is a few milliseconds.
    expect((startedAt.at(-1) as number) - (startedAt[0] as number)).toBeGreaterThanOrEqual(9 * 20 * 0.75);
  });

  it('without a rate, every worker calls at once', async () => {
    const { db, cleanup } = migratedDatabase();
    cleanups.push(cleanup);
    const outbox = new OutboxRepository(db);
    const now = new Date().toISOString();
    outbox.enqueue(
      Array.from({ length: 4 }, (_, i) => ({
        workspaceId: 'T1',
        kind: 'digest' as const,
        dedupeKey: `digest:${i}`,
        channel: `C${i}`,
        payload: { text: 'digest' },
        notBefore: now,
      })),
      now,
    );
    // Slack answers nobody until all four calls are in flight, which only an unpaced sender does.
    let inFlight = 0;
    let release: () => void = () => {};
    const allIn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slack = {
      postMessage: async (channel: string) => {
        inFlight += 1;
        if (inFlight === 4) release();
        await allIn;
        return { channel, ts: '1' };
      },
    } as unknown as SlackPort;
    const sender = new DeliverySender({
      outbox,
      rounds: new RoundRepository(db),
      slack,
      clock: () => new Date(),
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      concurrency: 4,
    });
    await sender.kick();
    expect(outbox.statusCounts().sent).toBe(4);
  });
});
