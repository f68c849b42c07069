// A scheduled round for a team whose time zones are not cached: the app reads them from
// users.list pages (Tier 2, 200 people a call), not one users.info (Tier 4) per member, and still
// asks each member at the scheduled time in their own zone. If users.list fails, it falls back to
// users.info one by one.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const ZONES = ['Europe/London', 'Asia/Tokyo', 'America/Los_Angeles'] as const;
const MEMBERS = Array.from({ length: 30 }, (_, i) => ({
  id: `U0T${String(i).padStart(2, '0')}`,
  tz: ZONES[i % ZONES.length] as string,
}));

let h: Harness | undefined;
let now = new Date('2027-03-15T08:00:00Z'); // a Monday
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A team of 30 scheduled for 10:00 London time, with the directory's cache emptied. */
async function coldTeam(): Promise<Harness> {
  now = new Date('2027-03-15T08:00:00Z');
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'Europe/London' },
      // Others in the workspace, on no team, listed first: the members are on the second page.
      ...Array.from({ length: 250 }, (_, i) => ({
        id: `U0X${String(i).padStart(3, '0')}`,
        name: `x${i}`,
        tz: 'UTC',
      })),
      ...MEMBERS.map((m) => ({ id: m.id, name: m.id.toLowerCase(), tz: m.tz })),
    ],
    adminUserIds: [ADMIN],
    clock: () => now,
  });
  await h.run(ADMIN, 'team add Fraud tz Europe/London');
  await h.run(ADMIN, `roster add Fraud ${MEMBERS.map((m) => `<@${m.id}>`).join(' ')} as data-scientist`);
  await h.run(ADMIN, 'schedule Fraud 0 10 * * MON tz Europe/London');
  h.app.db.prepare('DELETE FROM users').run();
  return h;
}

const promptAt = (h: Harness, userId: string) =>
  (
    h.app.db.prepare('SELECT prompt_at FROM round_roster WHERE user_id = ?').get(userId) as {
      prompt_at: string;
    }
  ).prompt_at;

function expectEachAskedInTheirZone(h: Harness): void {
  for (const m of MEMBERS) {
    // 10:00 in London is 10:00Z on 15 March; in Tokyo it has passed (01:00Z), so at once; in Los
    // Angeles (on daylight time since 14 March) it is 17:00Z.
    const expected = m.tz === 'America/Los_Angeles' ? '2027-03-15T17:00:00.000Z' : '2027-03-15T10:00:00.000Z';
    expect(promptAt(h, m.id), m.id).toBe(expected);
  }
}

describe('a scheduled round for a large team with no time zones cached', () => {
  it('reads the time zones from users.list pages, not a users.info call per member', async () => {
    const h = await coldTeam();
    const before = h.sandbox.calls.length;
    now = new Date('2027-03-15T10:00:00Z');
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['open-round']);
    await h.settle();
    const calls = h.sandbox.calls.slice(before);
    // 281 people at 200 a page: two calls, and no users.info at all.
    expect(calls.filter((c) => c.method === 'users.list').map((c) => c.args.limit)).toEqual(['200', '200']);
    expect(calls.filter((c) => c.method === 'users.info')).toHaveLength(0);
    expectEachAskedInTheirZone(h);
    const asked = MEMBERS.filter((m) => m.tz !== 'America/Los_Angeles');
    for (const m of asked) expect(h.sandbox.dm(m.id)).toHaveLength(1);
    // Everyone the walk passed (the app's own bot user too) is cached for the next round.
    expect(h.app.db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 282 });
  });

  it('falls back to users.info for each member when users.list fails, and still asks each at their time', async () => {
    const h = await coldTeam();
    const before = h.sandbox.calls.length;
    h.sandbox.failNext('users.list', { error: 'fatal_error' });
    now = new Date('2027-03-15T10:00:00Z');
    await h.app.scheduler.tick();
    await h.settle();
    const calls = h.sandbox.calls.slice(before);
    expect(calls.filter((c) => c.method === 'users.list')).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'users.info')).toHaveLength(MEMBERS.length);
    expectEachAskedInTheirZone(h);
  });
});
