// The sender's client-side pace: calls spaced evenly under a rate, never bunched, and the
// DeliverySender using it before each Web API call.
import { afterEach, describe, expect, it } from 'vitest';
import { SlackCallError, type SlackPort } from '../../src/services/ports.js';
import { DeliveryPacer, DeliverySender, type Turn } from '../../src/services/sender.js';
import type { Db } from '../../src/storage/database.js';
import { type Delivery, OutboxRepository } from '../../src/storage/outbox.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { migratedDatabase } from '../helpers/db.js';

/** A pacer on a fake clock that moves only when it sleeps (by `lateBy` more than asked). */
function fakePacer(cap?: number, lateBy = 0, appCalls?: () => number) {
  let now = 1_000;
  const sleeps: number[] = [];
  const pacer = new DeliveryPacer({
    ...(cap === undefined ? {} : { cap }),
    ...(appCalls ? { appCalls } : {}),
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms + lateBy;
    },
  });
  const began: number[] = [];
  const take = async (calls?: number): Promise<Turn> => {
    const turn = await pacer.take(calls);
    began.push(now);
    return turn;
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

/** Takes `n` turns one after another; Slack accepts each, or refuses those `refuse` picks. */
async function run(
  fake: ReturnType<typeof fakePacer>,
  n: number,
  refuse: (i: number) => boolean = () => false,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    const turn = await fake.take();
    if (refuse(i)) fake.pacer.rateLimited(turn);
    else fake.pacer.accept(turn);
  }
}

describe('DeliveryPacer', () => {
  it('starts at 10 calls a second: the first call at once, the next ones 1/rate apart', async () => {
    const { take, sleeps, began } = fakePacer();
    await Promise.all(Array.from({ length: 4 }, () => take()));
    expect(sleeps).toEqual([100, 100, 100]);
    expect(began).toEqual([1000, 1100, 1200, 1300]);
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
    expect(sleeps).toEqual([100, 100]);
  });

  it('keeps to its grid when timers wake late: the pace holds, and no call comes a span early', async () => {
    const { take, began } = fakePacer(undefined, 7);
    await Promise.all(Array.from({ length: 4 }, () => take()));
    expect(began).toEqual([1000, 1107, 1207, 1307]);
  });

  it('at the cap measures each turn from when the previous one began: never faster than the cap', async () => {
    const { take, began } = fakePacer(10, 7);
    await Promise.all(Array.from({ length: 4 }, () => take()));
    expect(began).toEqual([1000, 1107, 1214, 1321]);
  });

  it('speeds up quickly while Slack accepts every call (slow start), never above the cap', async () => {
    const fast = fakePacer();
    await run(fast, 40);
    // One call a second more per accepted call that waited for its turn: 10 + 39.
    expect(fast.pacer.ratePerSecond).toBe(49);
    const capped = fakePacer(25);
    await run(capped, 40);
    expect(capped.pacer.ratePerSecond).toBe(25);
  });

  it('does not speed up on calls that never waited for a turn: an idle pace proves nothing', async () => {
    const fake = fakePacer();
    for (let i = 0; i < 5; i++) {
      fake.advance(1000);
      fake.pacer.accept(await fake.take());
    }
    expect(fake.pacer.ratePerSecond).toBe(10);
  });

  it('on a 429 drops to 95% of what Slack let through in the last second, once for calls of that moment', async () => {
    const fake = fakePacer();
    // Accepted calls until the pace is 20 a second, then a 429.
    await run(fake, 11);
    expect(fake.pacer.ratePerSecond).toBe(20);
    const turns = await Promise.all([fake.take(), fake.take(), fake.take()]);
    // In the last second Slack accepted the calls begun after began[-1000 ms]: count them.
    const accepted = fake.began.slice(0, 11).filter((t) => t > (fake.began[13] as number) - 1000).length;
    for (const turn of turns) fake.pacer.rateLimited(turn);
    expect(fake.pacer.ratePerSecond).toBeCloseTo(0.95 * Math.min(20, accepted));
    // A 429 within the first one's Retry-After is the same meeting with the limit…
    const before = fake.pacer.ratePerSecond;
    fake.pacer.rateLimited(await fake.take(), 1000);
    expect(fake.pacer.ratePerSecond).toBe(before);
    // …one for a call begun after it is news: the pace drops again.
    fake.advance(1000);
    fake.pacer.rateLimited(await fake.take(), 1000);
    expect(fake.pacer.ratePerSecond).toBeLessThan(before);
  });

  it("counts the app's other calls in the limit it meets, and gives them their turns once", async () => {
    // Three calls of the app's other client (a users.list walk as the round opened) shared the
    // second in which the sender met the limit: Slack let 10 through, 7 of them the sender's.
    let appCalls = 0;
    const fake = fakePacer(undefined, 0, () => appCalls);
    await run(fake, 7);
    appCalls = 10;
    fake.pacer.rateLimited(await fake.take());
    expect(fake.pacer.ratePerSecond).toBeCloseTo(0.95 * 10);
    // The other calls still fill that second: the next turn waits their three turns first.
    const refusedAt = fake.began.at(-1) as number;
    await fake.take();
    expect((fake.began.at(-1) as number) - refusedAt).toBeCloseTo((3 * 1000) / (0.95 * 10), 6);
    // With no other calls, the estimate is the sender's own, as before.
    const alone = fakePacer(undefined, 0, () => 0);
    await run(alone, 7);
    alone.pacer.rateLimited(await alone.take());
    expect(alone.pacer.ratePerSecond).toBeCloseTo(0.95 * 7);
  });

  it('after meeting the limit climbs back slowly: about a hundred calls from 95% to the limit', async () => {
    const fake = fakePacer();
    await run(fake, 20, (i) => i === 19);
    const after429 = fake.pacer.ratePerSecond;
    await run(fake, 100);
    expect(fake.pacer.ratePerSecond).toBeCloseTo(after429 * 1.0005 ** 100, 6);
    expect(fake.pacer.ratePerSecond).toBeLessThan(after429 / 0.95 + 0.1);
  });

  it("for one method's limit, holds every turn for a 429's Retry-After, then goes at what Slack let through", async () => {
    // chat.update is Tier 3: a burst of 50, then about one every 1.2 s.
    let now = 1_000;
    const pacer = new DeliveryPacer({
      oneMethod: true,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const began: number[] = [];
    const take = async () => {
      const turn = await pacer.take();
      began.push(now);
      return turn;
    };
    // Slack let eight through in a burst, paced from 10 a second up.
    for (let i = 0; i < 8; i++) pacer.accept(await take());
    const burst = pacer.ratePerSecond;
    // Then a 429 with Retry-After 2 s, while three more turns wait.
    const refused = await take();
    const waiting = [take(), take(), take()];
    pacer.rateLimited(refused, 2000);
    const [first, second] = await Promise.all(waiting);
    // No turn began within the Retry-After, and the turns held back go one span apart, not at once.
    expect(began.slice(-3).every((t) => t >= refused.at + 2000)).toBe(true);
    expect((began.at(-2) as number) - (began.at(-3) as number)).toBeGreaterThan(0);
    // The burst is not the pace the limit keeps: one accepted in the second before the next 429 is.
    pacer.accept(first as Turn);
    pacer.rateLimited(second as Turn, 1000);
    expect(pacer.ratePerSecond).toBeCloseTo(0.95);
    expect(burst).toBeGreaterThan(10);
    // From there it climbs slowly (not the fast climb back to half the burst a workspace pacer makes).
    for (let i = 0; i < 5; i++) pacer.accept(await take());
    expect(pacer.ratePerSecond).toBeLessThan(0.96);
  });

  it('refuses a cap that is not a positive number', () => {
    for (const cap of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new DeliveryPacer({ cap })).toThrow(RangeError);
    }
  });
});

/** A sender over the outbox of `db`, on the real clock, logging nothing. */
function senderOn(
  db: Db,
  slack: SlackPort,
  options: { concurrency: number; ratePerSecond?: number; pacer?: DeliveryPacer },
) {
  return new DeliverySender({
    outbox: new OutboxRepository(db),
    rounds: new RoundRepository(db),
    slack,
    clock: () => new Date(),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    ...options,
  });
}

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
    const sender = senderOn(db, slack, {
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

  it('without a rate, it still paces its calls, from 10 a second', async () => {
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
    // Four workers, but the pacer hands out turns 1/rate apart on its own clock, which moves only
    // when it sleeps.
    let clock = 0;
    const pacer = new DeliveryPacer({
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    const slack = {
      postMessage: async (channel: string) => ({ channel, ts: '1' }),
    } as unknown as SlackPort;
    const sender = senderOn(db, slack, { concurrency: 4, pacer });
    await sender.kick();
    expect(outbox.statusCounts().sent).toBe(4);
    // Three turns were waited for, 1/10 s each at the starting pace.
    expect(clock).toBe(300);
  });
});

describe('DeliverySender and edits of one message', () => {
  it('sends no edit that a later edit of its message replaced: it is skipped as superseded', async () => {
    const { db, cleanup } = migratedDatabase();
    try {
      const outbox = new OutboxRepository(db);
      const now = new Date().toISOString();
      const edit = (n: number, channel: string) => ({
        workspaceId: 'T1',
        kind: 'update' as const,
        dedupeKey: `thanks:${n}`,
        channel,
        payload: { text: `thanks ${n}`, updateTs: '100.1' },
        notBefore: now,
      });
      // An edit of UD1's DM put back after Slack refused it, then a later one that was sent; and
      // an edit of another DM.
      outbox.enqueue([edit(1, 'UD1'), edit(2, 'UD1'), edit(3, 'UD2')], now);
      const [older, later] = outbox.claimDue(now, 2);
      outbox.retryLater((older as Delivery).id, 'ratelimited', now, now);
      outbox.markSent((later as Delivery).id, 'UD1', '100.1', now);
      const edited: string[] = [];
      const slack = {
        updateMessage: async (channel: string, _ts: string, payload: { text: string }) => {
          edited.push(`${channel}: ${payload.text}`);
        },
      } as unknown as SlackPort;
      const sender = senderOn(db, slack, { concurrency: 2 });
      await sender.kick();
      expect(edited).toEqual(['UD2: thanks 3']);
      expect(db.prepare('SELECT dedupe_key, status, error FROM deliveries ORDER BY id').all()).toEqual([
        { dedupe_key: 'thanks:1', status: 'skipped', error: 'superseded' },
        { dedupe_key: 'thanks:2', status: 'sent', error: null },
        { dedupe_key: 'thanks:3', status: 'sent', error: null },
      ]);
    } finally {
      cleanup();
    }
  });
});

describe("DeliverySender and Slack's limits on edits and messages", () => {
  const edit = (n: number, channel: string, ts: string, now: string) => ({
    workspaceId: 'T1',
    kind: 'update' as const,
    dedupeKey: `edit:${n}`,
    channel,
    payload: { text: `edit ${n}`, updateTs: ts },
    notBefore: now,
  });

  it("takes an edit's 429 for chat.update's limit even right after an edit of that DM: every edit waits out its Retry-After", async () => {
    const { db, cleanup } = migratedDatabase();
    try {
      const outbox = new OutboxRepository(db);
      const now = new Date().toISOString();
      // Two messages in one DM, then a message in another; the second edit meets the limit.
      outbox.enqueue([edit(1, 'D1', '1.1', now), edit(2, 'D1', '2.2', now), edit(3, 'D2', '3.3', now)], now);
      const calls: Array<{ ts: string; at: number; refused: boolean }> = [];
      let refusedOnce = false;
      const slack = {
        updateMessage: async (_channel: string, ts: string) => {
          const refuse = ts === '2.2' && !refusedOnce;
          calls.push({ ts, at: performance.now(), refused: refuse });
          if (refuse) {
            refusedOnce = true;
            throw new SlackCallError('ratelimited', false, 'rate limited', 1);
          }
        },
      } as unknown as SlackPort;
      await senderOn(db, slack, { concurrency: 2 }).kick();
      const refused = calls.find((c) => c.refused);
      const other = calls.find((c) => c.ts === '3.3');
      if (!refused || !other) throw new Error("the 429 or the other DM's edit is missing");
      expect(
        calls
          .filter((c) => !c.refused)
          .map((c) => c.ts)
          .sort(),
      ).toEqual(['1.1', '2.2', '3.3']);
      // D1 had been edited a moment before the 429, which for chat.postMessage would be the
      // channel's own limit; for chat.update it is the method's, so the other DM's edit, ready at
      // once on the other worker, waits out the Retry-After too.
      expect(other.at - refused.at).toBeGreaterThanOrEqual(990);
      expect(outbox.statusCounts().sent).toBe(3);
    } finally {
      cleanup();
    }
  });

  it("takes a message's 429 right after a post into that channel for the channel's limit: the pace is kept", async () => {
    const { db, cleanup } = migratedDatabase();
    try {
      const outbox = new OutboxRepository(db);
      const now = new Date().toISOString();
      const digest = (n: number) => ({
        workspaceId: 'T1',
        kind: 'digest' as const,
        dedupeKey: `digest:${n}`,
        channel: 'C1',
        payload: { text: `digest ${n}` },
        notBefore: now,
      });
      outbox.enqueue([digest(1), digest(2)], now);
      let posts = 0;
      const slack = {
        postMessage: async (channel: string) => {
          posts += 1;
          if (posts === 2) throw new SlackCallError('ratelimited', false, 'rate limited', 1);
          return { channel, ts: String(posts) };
        },
      } as unknown as SlackPort;
      const pacer = new DeliveryPacer();
      const limited: number[] = [];
      const rateLimited = pacer.rateLimited.bind(pacer);
      pacer.rateLimited = (turn, retryAfterMs) => {
        limited.push(retryAfterMs ?? 0);
        rateLimited(turn, retryAfterMs);
      };
      const sender = senderOn(db, slack, { concurrency: 1, pacer });
      await sender.kick();
      expect(posts).toBe(3);
      expect(limited).toEqual([]);
      expect(pacer.ratePerSecond).toBeGreaterThanOrEqual(10);
    } finally {
      cleanup();
    }
  });
});
