// One rhythm for `all` subscriptions (issue 12, item 3): several teams closing on the same day give
// one org digest, once every team has closed, never one per team close; at most one a day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCheckIn } from '../helpers/check-in.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const HOUR_MS = 60 * 60 * 1000;
const ADMIN = 'UADMIN';
const ORG = 'C0ORG';
const LEADS = 'C0LEADS';
const TEAMS = ['Fraud', 'Pricing', 'Search'];
const people = (team: string) => [1, 2, 3].map((i) => `U0${team.slice(0, 3).toUpperCase()}${i}`);
// A Wednesday: the default schedule (Mondays 10:00) opens nothing during this test.
const WEDNESDAY = Date.parse('2026-03-04T08:00:00.000Z');

let now = WEDNESDAY;
let h: Harness;

const orgDigests = () => h.sandbox.messages(ORG);
const at = (ms: number) => {
  now = ms;
};

async function closeAt(team: string, ms: number): Promise<void> {
  at(ms);
  expect((await h.run(ADMIN, `survey close ${team}`)).text).toMatch(/Closed/);
  await h.settle();
}

async function openAndAnswer(team: string): Promise<void> {
  expect((await h.run(ADMIN, `survey now ${team}`)).text).toMatch(/Opened/);
  await h.settle();
  for (const id of people(team)) await answerCheckIn(h, id);
}

beforeAll(async () => {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...TEAMS.flatMap((team) => people(team).map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' }))),
    ],
    channels: [
      { id: ORG, name: 'data-leadership' },
      { id: LEADS, name: 'fraud-leads' },
    ],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    clock: () => new Date(now),
  });
  for (const team of TEAMS) {
    await h.run(ADMIN, `team add ${team}`);
    await h.run(
      ADMIN,
      `roster add ${team} ${people(team)
        .map((id) => `<@${id}>`)
        .join(' ')} as data-scientist`,
    );
  }
  // A team nobody is on yet never holds the org digest back.
  await h.run(ADMIN, 'team add Empty');
  await h.run(ADMIN, `subscribe <#${ORG}> all each-round`);
  await h.run(ADMIN, `subscribe <#${LEADS}> Fraud each-round`);
});
afterAll(async () => {
  await h?.stop();
});

describe('org digests for all subscriptions', () => {
  it('posts one org digest after the last of several teams closes the same day, with every team in it', async () => {
    for (const team of TEAMS) await openAndAnswer(team);
    await closeAt('Fraud', WEDNESDAY + 2 * HOUR_MS);
    // The team's own subscription hears at once; the org waits for the others.
    expect(h.sandbox.messages(LEADS).filter((m) => m.text.startsWith('Fraud'))).toHaveLength(1);
    expect(orgDigests()).toHaveLength(0);
    await closeAt('Pricing', WEDNESDAY + 3 * HOUR_MS);
    at(WEDNESDAY + 3 * HOUR_MS + 60_000);
    await h.app.scheduler.tick();
    await h.settle();
    expect(orgDigests()).toHaveLength(0);
    await closeAt('Search', WEDNESDAY + 4 * HOUR_MS);
    const digests = orgDigests();
    expect(digests).toHaveLength(1);
    const text = JSON.stringify(digests[0]?.blocks);
    for (const team of TEAMS) expect(text).toContain(team);
    // Only the empty team lacks a closed round in it: the digest waited for the others.
    expect(text.match(/no closed check-in yet/g)).toHaveLength(1);
    // A tick after the digest finds nothing more to post.
    await h.app.scheduler.tick();
    await h.settle();
    expect(orgDigests()).toHaveLength(1);
  });

  it('posts no second org digest the same day, and the next one once a waiting close is a day old', async () => {
    at(WEDNESDAY + 5 * HOUR_MS);
    await openAndAnswer('Fraud');
    await closeAt('Fraud', WEDNESDAY + 6 * HOUR_MS);
    expect(h.sandbox.messages(LEADS).filter((m) => m.text.startsWith('Fraud'))).toHaveLength(2);
    expect(orgDigests()).toHaveLength(1);
    // Thursday morning: Pricing and Search have not closed again, and Fraud's close is not a day old.
    at(WEDNESDAY + 24 * HOUR_MS);
    await h.app.scheduler.tick();
    await h.settle();
    expect(orgDigests()).toHaveLength(1);
    // A day after Fraud closed, the org hears about it even though the others did not close.
    at(WEDNESDAY + 30 * HOUR_MS);
    await h.app.scheduler.tick();
    await h.settle();
    expect(orgDigests()).toHaveLength(2);
    await h.app.scheduler.tick();
    await h.settle();
    expect(orgDigests()).toHaveLength(2);
    const rows = h.app.db
      .prepare("SELECT count(*) AS n FROM deliveries WHERE kind = 'digest' AND channel = ?")
      .get(ORG) as { n: number };
    expect(rows.n).toBe(2);
  });
});
