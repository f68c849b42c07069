// RETENTION_DAYS through the real app: the scheduler's tick deletes the raw answers of rounds that
// closed more than that many days ago, and not one row more; round summaries stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCheckIn } from '../helpers/check-in.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const ADMIN = 'UADMIN';
const DS = ['U0DS1', 'U0DS2', 'U0DS3'];
const START = Date.parse('2026-01-05T09:00:00.000Z');

let now = START;
let h: Harness;

const count = (sql: string): number => (h.app.db.prepare(sql).get() as { n: number }).n;
const answersOfRound = (roundId: number): number =>
  count(`SELECT count(*) AS n FROM responses WHERE round_id = ${roundId}`);

/** Opens a round of Fraud, has everyone answer, and closes it `closeAfterMs` later. */
async function roundClosingAt(closedAt: number): Promise<number> {
  now = closedAt - 60_000;
  expect((await h.run(ADMIN, 'survey now Fraud')).text).toMatch(/Opened/);
  await h.settle();
  for (const id of DS) await answerCheckIn(h, id);
  now = closedAt;
  expect((await h.run(ADMIN, 'survey close Fraud')).text).toMatch(/Closed/);
  return count('SELECT max(id) AS n FROM rounds');
}

beforeAll(async () => {
  h = await startHarness({
    users: [{ id: ADMIN, name: 'ada', tz: 'UTC' }, ...DS.map((id, i) => ({ id, name: `ds${i}`, tz: 'UTC' }))],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    clock: () => new Date(now),
    env: { RETENTION_DAYS: '30' },
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
});
afterAll(async () => {
  await h?.stop();
});

describe('RETENTION_DAYS', () => {
  it('deletes exactly the answers of rounds closed before the limit, keeping summaries and open rounds', async () => {
    const limitMs = 30 * DAY_MS;
    const purgeAt = START + 100 * DAY_MS;
    const older = await roundClosingAt(purgeAt - limitMs - 1);
    const atLimit = await roundClosingAt(purgeAt - limitMs);
    const newer = await roundClosingAt(purgeAt - limitMs + 1);
    // A round answered before the limit but still open: its age runs from its close (the first
    // tick below closes it, its window having ended), so its answers stay.
    now = purgeAt - limitMs - DAY_MS;
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    for (const id of DS) await answerCheckIn(h, id);
    const lateClose = count('SELECT max(id) AS n FROM rounds');
    for (const round of [older, atLimit, newer, lateClose]) expect(answersOfRound(round)).toBe(DS.length);

    // One millisecond before the purge instant, even the oldest round is within the limit.
    now = purgeAt - 1;
    await h.app.scheduler.tick();
    expect(count('SELECT count(*) AS n FROM responses')).toBe(4 * DS.length);
    expect(count(`SELECT count(*) AS n FROM rounds WHERE id = ${lateClose} AND closed_at IS NOT NULL`)).toBe(
      1,
    );

    now = purgeAt;
    await h.app.scheduler.tick();
    expect(answersOfRound(older)).toBe(0);
    expect(answersOfRound(atLimit)).toBe(DS.length);
    expect(answersOfRound(newer)).toBe(DS.length);
    expect(answersOfRound(lateClose)).toBe(DS.length);
    expect(count('SELECT count(*) AS n FROM round_summaries')).toBe(4);
    const summary = h.app.db
      .prepare('SELECT tooth_responses AS n FROM round_summaries WHERE round_id = ?')
      .get(older) as { n: number };
    expect(summary.n).toBe(DS.length);

    // A second run finds nothing more to delete.
    await h.app.scheduler.tick();
    expect(count('SELECT count(*) AS n FROM responses')).toBe(3 * DS.length);
  });
});
