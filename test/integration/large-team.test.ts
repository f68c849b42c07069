// A scheduled round for a team whose time zones are not cached: the app reads them from
// users.list pages (Tier 2, 200 people a call), not one users.info (Tier 4) per member, and still
// asks each member at the scheduled time in their own zone. If users.list fails, it falls back to
// users.info one by one.
import { afterEach, describe, expect, it } from 'vitest';
import { TeamRepository } from '../../src/storage/teams.js';
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

// Departures whose user_change was missed (issue 11): every round open reads its members'
// accounts afresh (older than an hour is stale), and that read must stay as cheap as the time
// zones' walk: users.list pages, shared by the teams opening in the same minute.
describe('the account read when large rounds open', () => {
  const team = (prefix: string) =>
    Array.from({ length: 30 }, (_, i) => ({
      id: `${prefix}${String(i).padStart(2, '0')}`,
      tz: ZONES[i % ZONES.length] as string,
    }));
  const ALPHA = team('U0A');
  const BETA = team('U0B');
  const LEAVER = BETA[4] as { id: string; tz: string };

  /**
   * Alpha's members on users.list's first page, Beta's on its second; both teams scheduled for
   * 10:00 London time, their accounts read at 08:00 (stale by 10:00); one of Beta's deactivated at
   * 09:00 with the event missed, in a Slack that accepts DMs to deactivated people.
   */
  async function twoTeams(): Promise<Harness> {
    now = new Date('2027-03-15T08:00:00Z');
    h = await startHarness({
      users: [
        { id: ADMIN, name: 'ada', tz: 'Europe/London' },
        ...ALPHA.map((m) => ({ id: m.id, name: m.id.toLowerCase(), tz: m.tz })),
        ...Array.from({ length: 250 }, (_, i) => ({
          id: `U0X${String(i).padStart(3, '0')}`,
          name: `x${i}`,
          tz: 'UTC',
        })),
        ...BETA.map((m) => ({ id: m.id, name: m.id.toLowerCase(), tz: m.tz })),
      ],
      adminUserIds: [ADMIN],
      clock: () => now,
      deactivatedUserDm: 'deliver',
    });
    for (const [name, members] of [
      ['Alpha', ALPHA],
      ['Beta', BETA],
    ] as const) {
      await h.run(ADMIN, `team add ${name} tz Europe/London`);
      await h.run(
        ADMIN,
        `roster add ${name} ${members.map((m) => `<@${m.id}>`).join(' ')} as data-scientist`,
      );
      await h.run(ADMIN, `schedule ${name} 0 10 * * MON tz Europe/London`);
    }
    now = new Date('2027-03-15T09:00:00Z');
    await h.sandbox.deactivateUser(LEAVER.id, { event: false });
    now = new Date('2027-03-15T10:00:00Z');
    return h;
  }

  const rosterOf = (h: Harness, teamName: string): string[] =>
    (
      h.app.db
        .prepare(
          `SELECT rr.user_id FROM round_roster rr JOIN rounds r ON r.id = rr.round_id
           JOIN teams t ON t.id = r.team_id WHERE t.name = ? ORDER BY rr.user_id`,
        )
        .all(teamName) as Array<{ user_id: string }>
    ).map((r) => r.user_id);

  function expectAskedInTheirZone(h: Harness, members: ReadonlyArray<{ id: string; tz: string }>): void {
    for (const m of members) {
      const expected =
        m.tz === 'America/Los_Angeles' ? '2027-03-15T17:00:00.000Z' : '2027-03-15T10:00:00.000Z';
      expect(promptAt(h, m.id), m.id).toBe(expected);
    }
  }

  it('two teams opening in the same minute share one users.list walk, and the deactivated is not asked', async () => {
    const h = await twoTeams();
    const before = h.sandbox.calls.length;
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['open-round', 'open-round']);
    await h.settle();
    const calls = h.sandbox.calls.slice(before);
    // 312 people (the app's bot user too) at 200 a page: one walk of two pages. A walk per team
    // would be three: Alpha's stops after the first page, which does not reach Beta.
    expect(calls.filter((c) => c.method === 'users.list')).toHaveLength(2);
    expect(calls.filter((c) => c.method === 'users.info')).toHaveLength(0);
    expect(rosterOf(h, 'Alpha')).toEqual(ALPHA.map((m) => m.id));
    expect(rosterOf(h, 'Beta')).toEqual(BETA.filter((m) => m !== LEAVER).map((m) => m.id));
    expect(h.sandbox.dm(LEAVER.id)).toEqual([]);
    expect((await h.run(ADMIN, 'teams')).text).toContain('*Beta*: 29 data scientists');
    expectAskedInTheirZone(h, ALPHA);
  });

  it('opens both rounds from the cache when users.list fails, without a users.info per member', async () => {
    const h = await twoTeams();
    h.sandbox.failNext('users.list', { error: 'fatal_error' });
    const before = h.sandbox.calls.length;
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['open-round', 'open-round']);
    await h.settle();
    const calls = h.sandbox.calls.slice(before);
    // One failed call; the opens right after it do not walk again, nor ask 60 users.info.
    expect(calls.filter((c) => c.method === 'users.list')).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'users.info')).toHaveLength(0);
    expect(rosterOf(h, 'Alpha')).toEqual(ALPHA.map((m) => m.id));
    // The cache said active, so the leaver is asked this time: the next read that reaches Slack
    // (a reminder, the next round) takes them off.
    expect(rosterOf(h, 'Beta')).toEqual(BETA.map((m) => m.id));
    expectAskedInTheirZone(h, [...ALPHA, ...BETA]);
  });

  /** A team of 2,000 scheduled for 10:00 London time, seeded straight into the database (as the bench does), nothing cached. */
  async function coldTeamOf(members: readonly string[]): Promise<Harness> {
    now = new Date('2027-03-15T08:00:00Z');
    h = await startHarness({
      users: [
        { id: ADMIN, name: 'ada', tz: 'UTC' },
        // In Los Angeles 10:00 London time is hours away, so the test sends no DM.
        ...members.map((id) => ({ id, name: id.toLowerCase(), tz: 'America/Los_Angeles' })),
      ],
      adminUserIds: [ADMIN],
      clock: () => now,
    });
    await h.run(ADMIN, 'team add Big tz Europe/London');
    await h.run(ADMIN, 'schedule Big 0 10 * * MON tz Europe/London');
    const teams = new TeamRepository(h.app.db);
    const big = teams.listAll()[0] as { id: number; workspaceId: string };
    h.app.db.transaction(() => {
      for (const userId of members)
        teams.upsertMember({
          workspaceId: big.workspaceId,
          teamId: big.id,
          userId,
          role: 'data-scientist',
          specialty: null,
          now: now.toISOString(),
        });
    })();
    h.app.db.prepare('DELETE FROM users').run();
    return h;
  }

  it('2,000 members with nothing cached: ten users.list pages and no users.info (the bench row)', async () => {
    const h = await coldTeamOf(Array.from({ length: 2000 }, (_, i) => `U0M${String(i).padStart(4, '0')}`));
    const before = h.sandbox.calls.length;
    now = new Date('2027-03-15T10:00:00Z');
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['open-round']);
    const calls = h.sandbox.calls.slice(before);
    // 2,002 people (the admin and the app's bot user too) at 200 a page.
    expect(calls.filter((c) => c.method === 'users.list')).toHaveLength(11);
    expect(calls.filter((c) => c.method === 'users.info')).toHaveLength(0);
    expect(h.app.db.prepare('SELECT count(*) AS n FROM round_roster').get()).toEqual({ n: 2000 });
  });
});
