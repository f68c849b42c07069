// Rosters from Slack user groups (issue 12, item 2), through the real app: `roster sync` reads the
// group (escaped or typed mention), signed subteam events keep the roster equal to it, and the
// headcount follows from the next round, since an open round keeps the roster it opened with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const MEMBER = 'U0MEMBER';
const HAND = 'U0HAND';
const [DS1, DS2, DS3, DS4] = ['U0DS1', 'U0DS2', 'U0DS3', 'U0DS4'] as const;
const EN1 = 'U0EN1';
const FRAUD_ML = 'S0FRAUDML';
const FRAUD_ENG = 'S0FRAUDENG';

let h: Harness;

const roster = () =>
  h.app.db
    .prepare(
      `SELECT m.user_id, m.role, m.specialty FROM members m JOIN teams t ON t.id = m.team_id
       WHERE t.name = 'Fraud' AND m.left_at IS NULL ORDER BY m.user_id`,
    )
    .all() as Array<{ user_id: string; role: string; specialty: string | null }>;
const ids = () => roster().map((m) => m.user_id);
const askedIn = (roundId: number) =>
  h.app.db
    .prepare('SELECT user_id FROM round_roster WHERE round_id = ? ORDER BY user_id')
    .pluck()
    .all(roundId);
const latestRound = () => h.app.db.prepare('SELECT max(id) FROM rounds').pluck().get() as number;

beforeAll(async () => {
  h = await startHarness({
    users: [ADMIN, MEMBER, HAND, DS1, DS2, DS3, DS4, EN1].map((id) => ({
      id,
      name: id.toLowerCase(),
      tz: 'UTC',
    })),
    usergroups: [
      { id: FRAUD_ML, handle: 'fraud-ml', users: [DS1, DS2] },
      { id: FRAUD_ENG, handle: 'fraud-eng', users: [EN1] },
    ],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud <@${HAND}> as data-scientist`);
});
afterAll(async () => {
  await h?.stop();
});

describe('roster sync', () => {
  it('refuses people who may not run it before reading a word of the arguments', async () => {
    for (const text of [
      `roster sync Fraud <!subteam^${FRAUD_ML}|@fraud-ml> as data-scientist`,
      'roster sync Fraud as as wizard <#C1>',
      'roster unsync',
      `roster unsync Fraud @fraud-ml`,
      'blockers on',
      'blockers sideways',
    ]) {
      const reply = await h.run(MEMBER, text);
      expect(reply.text).toMatch(/^Sorry, only (tooth-tail admins|a team's leads or a tooth-tail admin) can/);
      expect(reply.text).not.toMatch(/Usage/);
    }
    expect(h.app.db.prepare('SELECT count(*) FROM roster_syncs').pluck().get()).toBe(0);
    expect(h.sandbox.calls.some((c) => c.method.startsWith('usergroups.'))).toBe(false);
  });

  it('lets a team’s lead sync their own team, and refuses them another team’s', async () => {
    await h.run(ADMIN, 'team add Pricing');
    await h.run(ADMIN, `lead add Pricing <@${MEMBER}>`);
    const other = await h.run(MEMBER, `roster sync Fraud <!subteam^${FRAUD_ML}|@fraud-ml> as data-scientist`);
    expect(other.text).toMatch(/^Sorry, \*Fraud\* has no leads yet, so only a tooth-tail admin can/);
    expect(h.app.db.prepare('SELECT count(*) FROM roster_syncs').pluck().get()).toBe(0);
    const own = await h.run(MEMBER, 'roster sync Pricing @fraud-eng as engineer');
    expect(own.text).toContain('*Pricing* now follows');
    expect((await h.run(MEMBER, 'roster unsync Pricing @fraud-eng')).text).toMatch(/no longer follows/);
    // Leads cannot turn on blocker themes: that is the admins'.
    expect((await h.run(MEMBER, 'blockers on')).text).toMatch(/^Sorry, only tooth-tail admins can/);
  });

  it('makes the roster equal to an escaped user group mention, taking off people added by hand', async () => {
    const reply = await h.run(ADMIN, `roster sync Fraud <!subteam^${FRAUD_ML}|@fraud-ml> as data-scientist`);
    expect(reply.text).toContain(`*Fraud* now follows <!subteam^${FRAUD_ML}> as data-scientist`);
    expect(reply.text).toContain(`took <@${HAND}> off`);
    expect(ids()).toEqual([DS1, DS2]);
    expect(h.sandbox.calls.filter((c) => c.method === 'usergroups.users.list').at(-1)?.args).toMatchObject({
      usergroup: FRAUD_ML,
    });
  });

  it('takes a plain @handle too, and a second group in another role', async () => {
    const reply = await h.run(ADMIN, 'roster sync Fraud @fraud-eng as engineer:infra');
    expect(reply.text).toContain(`added <@${EN1}>`);
    expect(roster()).toEqual([
      { user_id: DS1, role: 'data-scientist', specialty: null },
      { user_id: DS2, role: 'data-scientist', specialty: null },
      { user_id: EN1, role: 'engineer', specialty: 'infra' },
    ]);
    expect((await h.run(ADMIN, 'teams')).text).toContain('*Fraud*: 2 data scientists, 1 engineer');
  });

  it('says what was wrong with the group, and changes nothing', async () => {
    const before = ids();
    expect((await h.run(ADMIN, 'roster sync Fraud @nobody-here as engineer')).text).toMatch(
      /There is no Slack user group @nobody-here/,
    );
    expect((await h.run(ADMIN, 'roster sync Fraud <!subteam^S0GONE|@gone> as engineer')).text).toMatch(
      /There is no Slack user group/,
    );
    expect((await h.run(ADMIN, `roster sync Fraud <@${DS1}> as engineer`)).text).toMatch(/is a person/);
    expect((await h.run(ADMIN, 'roster sync Fraud @fraud-ml')).text).toMatch(/needs `as &lt;role&gt;`/);
    expect(ids()).toEqual(before);
    expect(h.app.db.prepare('SELECT count(*) FROM roster_syncs').pluck().get()).toBe(2);
  });

  it('follows the group as it gains and loses people between rounds; the headcount follows from the next round', async () => {
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    const first = latestRound();
    expect(askedIn(first)).toEqual([DS1, DS2, EN1]);

    // In Slack, DS3 joins @fraud-ml and DS2 leaves it: a signed subteam_members_changed arrives.
    const ack = await h.sandbox.setUsergroupMembers(FRAUD_ML, [DS1, DS3]);
    expect(ack.status).toBe(200);
    await h.sandbox.waitFor(
      () => ids().join() === [DS1, DS3, EN1].join(),
      5000,
      'the roster to follow the group',
    );
    // The open round keeps the roster it opened with.
    expect(askedIn(first)).toEqual([DS1, DS2, EN1]);
    await h.run(ADMIN, 'survey close Fraud');

    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    const second = latestRound();
    expect(askedIn(second)).toEqual([DS1, DS3, EN1]);
    expect(h.sandbox.dm(DS3).length).toBeGreaterThan(0);
    await h.run(ADMIN, 'survey close Fraud');
    const headcount = (roundId: number) =>
      h.app.db.prepare('SELECT tooth, tail FROM round_summaries WHERE round_id = ?').get(roundId);
    expect(headcount(first)).toEqual({ tooth: 2, tail: 1 });
    expect(headcount(second)).toEqual({ tooth: 2, tail: 1 });

    // The group grows (subteam_members_changed, then subteam_updated with the whole list): once.
    await h.sandbox.setUsergroupMembers(FRAUD_ML, [DS1, DS3, DS4], { alsoUpdated: true });
    await h.sandbox.waitFor(() => ids().includes(DS4), 5000, 'DS4 on the roster');
    expect(h.app.db.prepare('SELECT count(*) FROM members WHERE user_id = ?').pluck().get(DS4)).toBe(1);

    // Membership is dated: DS2's row ended, so past rosters stay true.
    const ds2 = h.app.db.prepare('SELECT left_at FROM members WHERE user_id = ?').all(DS2) as Array<{
      left_at: string | null;
    }>;
    expect(ds2.every((row) => row.left_at !== null)).toBe(true);
  });

  it('handles a retried event once, and an event for a group no team follows not at all', async () => {
    const event = {
      type: 'subteam_members_changed',
      subteam_id: FRAUD_ENG,
      team_id: 'T0SANDBOX',
      date_previous_update: 1,
      date_update: 2,
      added_users: [],
      removed_users: [EN1],
    };
    h.sandbox.usergroup(FRAUD_ENG)?.users.splice(0);
    const calls = () => h.sandbox.calls.filter((c) => c.method === 'usergroups.users.list').length;
    const before = calls();
    expect((await h.sandbox.sendEvent(event, { eventId: 'Ev0GROUP1' })).status).toBe(200);
    await h.sandbox.waitFor(() => !ids().includes(EN1), 5000, 'EN1 off the roster');
    // Let every reconciliation in flight (this event's, the last test's) finish before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = calls();
    expect(after).toBeGreaterThan(before);
    await h.sandbox.sendEvent(event, { eventId: 'Ev0GROUP1', retryNum: 1 });
    await h.sandbox.sendEvent({ ...event, subteam_id: 'S0OTHER' }, { eventId: 'Ev0GROUP2' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls()).toBe(after);
  });

  it('leaves a deactivated person off, though the group still lists them', async () => {
    await h.sandbox.setUsergroupMembers(FRAUD_ML, [DS1, DS3, DS4]);
    await h.sandbox.waitFor(() => ids().includes(DS4), 5000, 'DS4 on the roster');
    await h.sandbox.deactivateUser(DS4);
    await h.sandbox.waitFor(() => !ids().includes(DS4), 5000, 'DS4 off the roster');
    // The group changes again and still lists DS4: the reconciliation keeps them off.
    await h.sandbox.setUsergroupMembers(FRAUD_ML, [DS1, DS2, DS3, DS4]);
    await h.sandbox.waitFor(() => ids().includes(DS2), 5000, 'DS2 back on the roster');
    expect(ids()).not.toContain(DS4);
  });

  it('stops following a group, keeping the roster as it is', async () => {
    const before = ids();
    expect((await h.run(ADMIN, 'roster unsync Fraud @fraud-ml')).text).toMatch(/no longer follows/);
    await h.sandbox.setUsergroupMembers(FRAUD_ML, []);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ids()).toEqual(before);
    expect((await h.run(ADMIN, 'roster unsync Fraud @fraud-ml')).text).toMatch(/was not following/);
  });
});
