// People who leave (issue 11, item 2): deactivated accounts leave every roster, whether Slack's
// user_change reached the app or not; reactivation; who may not be put on a roster at all.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeactivatedUserDm } from '../../src/sandbox/sandbox.js';
import type { Clock } from '../../src/services/ports.js';
import { answerCheckIn, type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const DS = ['U0DS1', 'U0DS2', 'U0DS3', 'U0DS4', 'U0DS5', 'U0DS6'];
const ENG = ['U0EN1', 'U0EN2'];
const LEAVER = DS[5] as string;
const BOT = 'U0SOMEBOT';
const GUEST = 'U0GUEST';
/** Deactivated before the app ever saw them. */
const GONE = 'U0GONE';

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

async function start(more: { clock?: Clock; deactivatedUserDm?: DeactivatedUserDm } = {}): Promise<Harness> {
  h = await startHarness({
    ...more,
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...DS.map((id, i) => ({ id, name: `ds${i + 1}`, tz: 'UTC' })),
      ...ENG.map((id, i) => ({ id, name: `eng${i + 1}`, tz: 'UTC' })),
      { id: BOT, name: 'somebot', tz: 'UTC', isBot: true },
      { id: GUEST, name: 'guest', tz: 'UTC', external: true },
      { id: GONE, name: 'gone', tz: 'UTC', deleted: true },
    ],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    options: { charts: null },
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
  await h.run(ADMIN, `roster add Fraud ${ENG.map((id) => `<@${id}>`).join(' ')} as engineer`);
  return h;
}

type Figures = { tooth: number; tail: number; ratio: number | null; toothResponses: number };
const summaries = (): Figures[] =>
  (
    h.app.db.prepare('SELECT figures FROM round_summaries ORDER BY round_id').all() as Array<{
      figures: string;
    }>
  ).map((r) => JSON.parse(r.figures) as Figures);
const onRoster = (): string[] =>
  (
    h.app.db.prepare('SELECT user_id FROM members WHERE left_at IS NULL ORDER BY user_id').all() as Array<{
      user_id: string;
    }>
  ).map((r) => r.user_id);
const prompted = (roundId: number): string[] =>
  (
    h.app.db
      .prepare(
        "SELECT user_id FROM deliveries WHERE round_id = ? AND kind = 'prompt' AND status = 'sent' ORDER BY user_id",
      )
      .all(roundId) as Array<{ user_id: string }>
  ).map((r) => r.user_id);
const rosterOf = (roundId: number): string[] =>
  (
    h.app.db
      .prepare('SELECT user_id FROM round_roster WHERE round_id = ? ORDER BY user_id')
      .all(roundId) as Array<{
      user_id: string;
    }>
  ).map((r) => r.user_id);

const answer = (userId: string) => answerCheckIn(h, userId);

async function round(answering: string[]): Promise<void> {
  await h.run(ADMIN, 'survey now Fraud');
  await h.settle();
  for (const id of answering) await answer(id);
  await h.run(ADMIN, 'survey close Fraud');
  await h.settle();
}

describe('a deactivated account (user_change with deleted: true)', () => {
  it('leaves every roster: not asked, not counted in later rounds, while closed rounds keep their history', async () => {
    await start();
    await h.run(ADMIN, 'team add Risk');
    await h.run(ADMIN, `roster add Risk <@${LEAVER}> as data-scientist`);
    await round(DS.slice(0, 3));
    expect(summaries()[0]).toMatchObject({ tooth: 6, tail: 2 });
    expect(summaries()[0]?.ratio).toBeCloseTo(2 / 6);

    await h.sandbox.deactivateUser(LEAVER);
    await h.sandbox.waitFor(() => !onRoster().includes(LEAVER), 5000, 'the leaver off the rosters');
    expect((await h.run(ADMIN, 'teams')).text).toContain('*Fraud*: 5 data scientists, 2 engineers');
    expect((await h.run(ADMIN, 'teams')).text).toContain('*Risk*: 0 data scientists');

    await round(DS.slice(0, 3));
    expect(prompted(2)).toEqual([...DS.slice(0, 5), ...ENG].sort());
    expect(h.sandbox.dm(LEAVER)).toHaveLength(1);
    expect(summaries()[1]).toMatchObject({ tooth: 5, tail: 2, ratio: 0.4 });
    // The first round's summary is unchanged.
    expect(summaries()[0]).toMatchObject({ tooth: 6, tail: 2 });
  });

  it('leaves an open round it has not answered: its reminders stop and its headcount and response rate drop them', async () => {
    await start();
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    await h.sandbox.deactivateUser(LEAVER);
    await h.sandbox.waitFor(() => !rosterOf(1).includes(LEAVER), 5000, 'the leaver off the open round');
    h.app.rounds.remind(1, 1);
    await h.settle();
    const reminders = h.app.db
      .prepare("SELECT user_id, status, error FROM deliveries WHERE kind = 'reminder' AND user_id = ?")
      .all(LEAVER);
    expect(reminders).toEqual([]);
    for (const id of DS.slice(0, 3)) await answer(id);
    await h.run(ADMIN, 'survey close Fraud');
    expect(summaries()[0]).toMatchObject({ tooth: 5, toothResponses: 3 });
  });
});

describe('a deactivated lead', () => {
  it('no longer leads: join requests go to admins and `teams` names no one gone', async () => {
    await start();
    await h.run(ADMIN, `lead add Fraud <@${ENG[0]}>`);
    expect((await h.run(ADMIN, 'teams')).text).toContain(`<@${ENG[0]}>`);
    await h.sandbox.deactivateUser(ENG[0] as string);
    await h.sandbox.waitFor(() => !onRoster().includes(ENG[0] as string), 5000, 'the leaver off the rosters');
    expect(h.app.db.prepare('SELECT user_id FROM team_leads').all()).toEqual([]);
    expect((await h.run(ADMIN, 'teams')).text).not.toContain(`<@${ENG[0]}>`);
    // A lead's command from the leaver's id is refused as anyone's is.
    expect((await h.run(ENG[0] as string, 'schedule Fraud weekly')).text).toMatch(
      /^Sorry, only a team's leads/,
    );
  });
});

describe('a deactivation whose event was missed (the app was down)', () => {
  it('is found when the check-in is sent: the prompt is skipped with the reason and the memberships end', async () => {
    await start();
    await h.sandbox.deactivateUser(LEAVER, { event: false });
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    expect(
      h.app.db
        .prepare("SELECT status, error FROM deliveries WHERE kind = 'prompt' AND user_id = ?")
        .get(LEAVER),
    ).toEqual({ status: 'skipped', error: 'user_deactivated' });
    expect(h.sandbox.calls.some((c) => c.method === 'users.info' && c.args.user === LEAVER)).toBe(true);
    expect(onRoster()).not.toContain(LEAVER);
    expect(rosterOf(1)).not.toContain(LEAVER);
    for (const id of DS.slice(0, 3)) await answer(id);
    await h.run(ADMIN, 'survey close Fraud');
    expect(summaries()[0]).toMatchObject({ tooth: 5, tail: 2, ratio: 0.4 });
  });
});

describe('a reactivated account', () => {
  it('is not put back by itself; an admin re-adds it, which works once Slack says it is active', async () => {
    await start();
    await h.sandbox.deactivateUser(LEAVER);
    await h.sandbox.waitFor(() => !onRoster().includes(LEAVER), 5000, 'the leaver off the rosters');
    expect((await h.run(ADMIN, `roster add Fraud <@${LEAVER}> as data-scientist`)).text).toBe(
      `Nothing was changed. <@${LEAVER}>: their Slack account is deactivated.`,
    );

    await h.sandbox.reactivateUser(LEAVER);
    await h.sandbox.waitFor(
      () =>
        (h.app.db.prepare('SELECT deleted FROM users WHERE user_id = ?').get(LEAVER) as { deleted: number })
          .deleted === 0,
      5000,
      'the reactivation to be seen',
    );
    expect(onRoster()).not.toContain(LEAVER);
    expect((await h.run(ADMIN, `roster add Fraud <@${LEAVER}> as data-scientist`)).text).toMatch(
      /added <@U0DS6>/,
    );
    expect(onRoster()).toContain(LEAVER);
  });
});

describe('who may be on a roster', () => {
  it('refuses a deactivated account, a bot and a person from another organisation, with the reason, and adds nobody', async () => {
    await start();
    const reply = await h.run(ADMIN, `roster add Fraud <@${GONE}> <@${BOT}> <@${GUEST}> as engineer`);
    expect(reply.text).toBe(
      `Nothing was changed. <@${GONE}>: their Slack account is deactivated. <@${BOT}> is a bot, and bots are not asked. <@${GUEST}> is from another organisation (Slack Connect), and only people in this workspace are asked.`,
    );
    expect(onRoster()).toEqual([...DS, ...ENG].sort());
  });
});

describe('a deactivation whose event was missed, when Slack delivers DMs to deactivated people', () => {
  // Real Slack accepts a DM to a deactivated account (DeactivatedUserDm 'deliver'), so no refusal
  // ever reveals the departure: the account read when a round opens or reminds has to.
  const HOUR = 60 * 60 * 1000;
  let now: Date;
  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  const startDelivering = () => {
    now = new Date('2027-03-15T08:00:00Z'); // a Monday
    return start({ clock: () => now, deactivatedUserDm: 'deliver' });
  };
  const usersCalls = (since: number, method: string) =>
    h.sandbox.calls.slice(since).filter((c) => c.method === method);
  const deliveriesTo = (userId: string) =>
    h.app.db.prepare('SELECT kind, status FROM deliveries WHERE user_id = ?').all(userId);

  async function answerAndClose(): Promise<string> {
    for (const id of DS.slice(0, 3)) await answer(id);
    return (await h.run(ADMIN, 'survey close Fraud')).text;
  }

  it('keeps the person out of the next scheduled round: not asked, not in its headcount, ratio or response rate', async () => {
    await startDelivering();
    await h.run(ADMIN, 'schedule Fraud 0 10 * * MON tz UTC');
    later(HOUR);
    await h.sandbox.deactivateUser(LEAVER, { event: false });
    later(HOUR);
    const before = h.sandbox.calls.length;
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['open-round']);
    await h.settle();

    // Eight members, all read more than an hour ago: eight users.info, no users.list walk.
    expect(usersCalls(before, 'users.info')).toHaveLength(DS.length + ENG.length);
    expect(usersCalls(before, 'users.list')).toHaveLength(0);
    expect(rosterOf(1)).toEqual([...DS.slice(0, 5), ...ENG].sort());
    expect(prompted(1)).toEqual([...DS.slice(0, 5), ...ENG].sort());
    expect(h.sandbox.dm(LEAVER)).toEqual([]);
    expect(deliveriesTo(LEAVER)).toEqual([]);
    expect(onRoster()).not.toContain(LEAVER);
    expect(await answerAndClose()).toContain('3 of 7 answered');
    expect(summaries()[0]).toMatchObject({ tooth: 5, tail: 2, ratio: 0.4, toothResponses: 3 });
  });

  it('keeps the person out of a manual survey now too', async () => {
    await startDelivering();
    await h.sandbox.deactivateUser(LEAVER, { event: false });
    later(2 * HOUR);
    expect((await h.run(ADMIN, 'survey now Fraud')).text).toContain('7 people will get a DM now');
    await h.settle();
    expect(h.sandbox.dm(LEAVER)).toEqual([]);
    expect(rosterOf(1)).not.toContain(LEAVER);
    expect(await answerAndClose()).toContain('3 of 7 answered');
    expect(summaries()[0]).toMatchObject({ tooth: 5, tail: 2, ratio: 0.4, toothResponses: 3 });
  });

  it('trusts an account read within the hour, so a round right after roster add reads nothing', async () => {
    await startDelivering();
    later(HOUR - 60_000);
    const before = h.sandbox.calls.length;
    await h.run(ADMIN, 'survey now Fraud');
    expect(usersCalls(before, 'users.info')).toHaveLength(0);
    expect(rosterOf(1)).toContain(LEAVER);
  });

  it('asks nobody when everyone on the team left: the round is refused as for an empty roster', async () => {
    await startDelivering();
    await h.run(ADMIN, 'team add Solo');
    await h.run(ADMIN, `roster add Solo <@${LEAVER}> as data-scientist`);
    await h.sandbox.deactivateUser(LEAVER, { event: false });
    later(2 * HOUR);
    expect((await h.run(ADMIN, 'survey now Solo')).text).toBe(
      'Solo has nobody on its roster yet. Add people with `/tooth-tail roster add Solo @person as data-scientist`.',
    );
    expect(h.app.db.prepare('SELECT count(*) AS n FROM rounds').get()).toEqual({ n: 0 });
    expect(h.sandbox.dm(LEAVER)).toEqual([]);
  });

  it('stops the reminders of an open round the person had not answered, and drops them from its figures', async () => {
    await startDelivering();
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    expect(h.sandbox.dm(LEAVER)).toHaveLength(1);
    await h.sandbox.deactivateUser(LEAVER, { event: false });
    // Half of the three-day window: the first reminder is due.
    later(36 * HOUR + 60_000);
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['remind']);
    await h.settle();
    expect(deliveriesTo(LEAVER)).toEqual([{ kind: 'prompt', status: 'sent' }]);
    expect(h.sandbox.dm(LEAVER)).toHaveLength(1);
    expect(h.sandbox.dm(DS[0] as string)).toHaveLength(2);
    expect(rosterOf(1)).not.toContain(LEAVER);
    expect(await answerAndClose()).toContain('3 of 7 answered');
    expect(summaries()[0]).toMatchObject({ tooth: 5, toothResponses: 3 });
  });

  it('does not put back an account reactivated while the app was down; roster add takes it again', async () => {
    await startDelivering();
    await h.sandbox.deactivateUser(LEAVER, { event: false });
    later(2 * HOUR);
    await h.run(ADMIN, 'survey now Fraud');
    await answerAndClose();
    await h.sandbox.reactivateUser(LEAVER, { event: false });
    later(2 * HOUR);
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    expect(rosterOf(2)).not.toContain(LEAVER);
    expect(h.sandbox.dm(LEAVER)).toEqual([]);
    expect(onRoster()).not.toContain(LEAVER);
    // The cache still says deactivated (read an hour or two ago); roster add asks Slack again
    // before refusing on that, and Slack now says the account is active.
    expect((await h.run(ADMIN, `roster add Fraud <@${LEAVER}> as data-scientist`)).text).toMatch(
      /added <@U0DS6>/,
    );
    expect(onRoster()).toContain(LEAVER);
  });
});
