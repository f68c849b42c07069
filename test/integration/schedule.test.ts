// Rounds that run by themselves: the scheduler's tick against a fixed clock, each member asked at
// the team's wall-clock time in their own zone, reminders, closing, and catching up after downtime.
import { afterEach, describe, expect, it } from 'vitest';
import { slackDay } from '../../src/services/when.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const LONDON = 'U0LON';
const KOLKATA = 'U0KOL';
const LOS_ANGELES = 'U0LAX';
const SYDNEY = 'U0SYD';
const ENGINEER = 'U0ENG';

let h: Harness | undefined;
let now: Date;
const at = (iso: string) => {
  now = new Date(iso);
};

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function harness() {
  now = new Date('2027-03-15T08:00:00Z'); // a Monday; London is on GMT, Los Angeles already on PDT
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'Europe/London' },
      { id: LONDON, name: 'lon', tz: 'Europe/London' },
      { id: KOLKATA, name: 'kol', tz: 'Asia/Kolkata' },
      { id: LOS_ANGELES, name: 'lax', tz: 'America/Los_Angeles' },
      { id: SYDNEY, name: 'syd', tz: 'Australia/Sydney' },
      { id: ENGINEER, name: 'eng', tz: 'Europe/London' },
    ],
    channels: [{ id: 'C0LEADS', name: 'ml-leads' }],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    clock: () => now,
  });
  await h.run(ADMIN, 'team add Fraud tz Europe/London');
  await h.run(
    ADMIN,
    `roster add Fraud <@${LONDON}> <@${KOLKATA}> <@${LOS_ANGELES}> <@${SYDNEY}> as data-scientist`,
  );
  await h.run(ADMIN, `roster add Fraud <@${ENGINEER}> as engineer:infra`);
  await h.run(ADMIN, 'subscribe <#C0LEADS> Fraud each-round');
  return h;
}

const dms = (userId: string) => h?.sandbox.dm(userId) ?? [];

async function answer(userId: string) {
  const dm = dms(userId).at(-1);
  if (!h || !dm) throw new Error(`no DM for ${userId}`);
  await h.sandbox.clickButton(userId, { channel: userId, ts: dm.ts }, 'check_in_answer');
  await h.sandbox.waitFor(() => h?.sandbox.openViews(userId).at(-1));
  await h.sandbox.fillAndSubmit(userId, { waiting_pct: '10', infra_pct: '30', path_to_prod: 'diy-infra' });
}

describe('scheduled rounds', () => {
  it('validates the schedule command, with an example', async () => {
    const h = await harness();
    expect((await h.run(ADMIN, 'schedule Fraud 0 25 * * MON')).text).toMatch(
      /hour must be 0-23.*Example: 0 10 \* \* MON/s,
    );
    expect((await h.run(ADMIN, 'schedule Fraud 0 10 * * MON tz Mars/Base')).text).toMatch(/time zone/i);
    expect((await h.run(ADMIN, 'schedule Fraud 0 10 * MON')).text).toMatch(/5 fields/);
    const ok = await h.run(ADMIN, 'schedule Fraud "30 9 * * TUE" tz America/New_York open 2d');
    expect(ok.text).toMatch(/check-ins open at `30 9 \* \* TUE` \(America\/New_York\) for 2 days/);
    // The next opening is computed on the app's clock (Monday 15 March 2027, 08:00Z): Tuesday
    // 09:30 in New York, on daylight time since 14 March, is 13:30Z.
    expect(ok.text).toContain('Next: <!date^1805203800^');
    expect(ok.text).toContain('|2027-03-16 13:30 UTC>');
    const team = h.app.db.prepare('SELECT schedule_cron, timezone, open_days FROM teams').get();
    expect(team).toEqual({ schedule_cron: '30 9 * * TUE', timezone: 'America/New_York', open_days: 2 });
  });

  it('opens on time and asks each member at 10:00 in their own zone, or at once when that has passed', async () => {
    const h = await harness();
    at('2027-03-15T09:59:00Z');
    expect(await h.app.scheduler.tick()).toEqual([]);
    at('2027-03-15T10:00:00Z'); // 10:00 in London
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['open-round']);
    await h.settle();
    // London: now. Kolkata (10:00 IST = 04:30Z) and Sydney (10:00 AEDT = Sunday 23:00Z) have passed: at once.
    for (const id of [LONDON, KOLKATA, SYDNEY, ENGINEER]) expect(dms(id)).toHaveLength(1);
    // Los Angeles: 10:00 PDT is 17:00Z, seven hours later (DST started there on 14 March, not yet in London).
    expect(dms(LOS_ANGELES)).toHaveLength(0);
    const prompt = h.app.db.prepare('SELECT prompt_at FROM round_roster WHERE user_id = ?').get(LOS_ANGELES);
    expect(prompt).toEqual({ prompt_at: '2027-03-15T17:00:00.000Z' });
    at('2027-03-15T16:59:00Z');
    await h.settle();
    expect(dms(LOS_ANGELES)).toHaveLength(0);
    at('2027-03-15T17:00:00Z');
    await h.settle();
    expect(dms(LOS_ANGELES)).toHaveLength(1);
    // The same tick again opens nothing more.
    expect(await h.app.scheduler.tick()).toEqual([]);
    expect(h.app.db.prepare('SELECT count(*) AS n FROM rounds').get()).toEqual({ n: 1 });
  });

  it('reminds only those who have not answered, at most twice, then closes and posts the digest', async () => {
    const h = await harness();
    at('2027-03-15T10:00:00Z');
    await h.app.scheduler.tick();
    at('2027-03-15T17:00:00Z');
    await h.settle();
    await answer(LONDON);
    await answer(KOLKATA);
    at('2027-03-16T22:00:00Z'); // 50% of the 72-hour window
    expect(await h.app.scheduler.tick()).toEqual([{ kind: 'remind', roundId: 1, reminder: 1 }]);
    await h.settle();
    expect(dms(LONDON)).toHaveLength(1);
    expect(dms(KOLKATA)).toHaveLength(1);
    for (const id of [LOS_ANGELES, SYDNEY, ENGINEER]) {
      expect(dms(id)).toHaveLength(2);
      expect(dms(id)[1]?.text).toMatch(/Reminder/);
    }
    expect(await h.app.scheduler.tick()).toEqual([]);
    await answer(SYDNEY);
    at('2027-03-18T02:48:00Z'); // 90%
    await h.app.scheduler.tick();
    await h.settle();
    expect(dms(SYDNEY)).toHaveLength(2);
    expect(dms(LOS_ANGELES)).toHaveLength(3);
    at('2027-03-19T10:00:00Z');
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['close-round']);
    await h.settle();
    const digest = h.sandbox.messages('C0LEADS').filter((m) => m.text.startsWith('Fraud:'));
    expect(digest).toHaveLength(1);
    expect(digest[0]?.text).toMatch(/Fraud: Full-stack/);
    // Nobody is named in public for not answering.
    for (const id of [LOS_ANGELES, ENGINEER]) expect(JSON.stringify(digest)).not.toContain(id);
    for (const name of ['lax', 'eng'])
      expect(JSON.stringify(digest)).not.toMatch(new RegExp(`\\b${name}\\b`));
    expect(await h.app.scheduler.tick()).toEqual([]);
    expect(dms(LOS_ANGELES)).toHaveLength(3);
  });

  it('catches up after downtime: one open within the grace window, one reminder, one close', async () => {
    const h = await harness();
    // Down over the 10:00 opening; back two days later, within the 3-day window and past 50%.
    at('2027-03-17T10:30:00Z');
    const actions = await h.app.scheduler.tick();
    expect(actions.map((a) => a.kind)).toEqual(['open-round']);
    const round = h.app.db.prepare('SELECT scheduled_for, closes_at FROM rounds').get();
    expect(round).toEqual({
      scheduled_for: '2027-03-15T10:00:00.000Z',
      closes_at: '2027-03-18T10:00:00.000Z',
    });
    await h.settle();
    // Everyone's local 10:00 on the 15th has passed: all asked at once.
    for (const id of [LONDON, KOLKATA, LOS_ANGELES, SYDNEY, ENGINEER]) expect(dms(id)).toHaveLength(1);
    // Reminders fall at 50% and 90% of the window the round actually had. Down past both: one
    // reminder goes out, not a burst of two.
    at('2027-03-18T09:00:00Z');
    expect(await h.app.scheduler.tick()).toEqual([{ kind: 'remind', roundId: 1, reminder: 2 }]);
    expect(await h.app.scheduler.tick()).toEqual([]);
    await h.settle();
    for (const id of [LONDON, KOLKATA, LOS_ANGELES, SYDNEY, ENGINEER]) expect(dms(id)).toHaveLength(2);
    // Down again past the close: the round closes once on return.
    at('2027-03-20T12:00:00Z');
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['close-round']);
    expect(await h.app.scheduler.tick()).toEqual([]);
    expect(h.app.db.prepare('SELECT count(*) AS n FROM round_summaries').get()).toEqual({ n: 1 });
  });

  it('skips a round missed for longer than its window instead of opening it late', async () => {
    const h = await harness();
    at('2027-03-18T10:00:00Z'); // exactly 3 days after the 10:00 opening on the 15th
    expect(await h.app.scheduler.tick()).toEqual([]);
    at('2027-03-22T10:00:00Z'); // the next Monday opens normally
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toEqual(['open-round']);
  });

  it('posts weekly digests on Monday 09:00 in the team’s zone, once per period', async () => {
    const h = await harness();
    await h.run(ADMIN, 'subscribe <#C0LEADS> Fraud weekly');
    await h.run(ADMIN, 'subscribe <#C0LEADS> all weekly');
    at('2027-03-15T10:00:00Z');
    await h.app.scheduler.tick();
    at('2027-03-18T10:00:00Z');
    await h.app.scheduler.tick(); // closes the round
    await h.settle();
    at('2027-03-22T08:59:00Z');
    expect((await h.app.scheduler.tick()).filter((a) => a.kind === 'digest')).toEqual([]);
    at('2027-03-22T09:00:00Z'); // Monday 09:00 GMT
    const digest = (await h.app.scheduler.tick()).filter((a) => a.kind === 'digest');
    expect(digest).toHaveLength(2); // the team's and the org's (DEFAULT_TIMEZONE is UTC, as London in March)
    await h.settle();
    const weekly = h.sandbox.messages('C0LEADS').filter((m) => m.text.startsWith('Weekly'));
    expect(weekly).toHaveLength(2);
    expect(weekly[0]?.text).toMatch(
      /Weekly tooth-tail digest: Fraud \(2027-03-15 to 2027-03-22 UTC\): 1 round closed/,
    );
    // The blocks name the period in each reader's zone: tokens for the two Monday 09:00 boundaries.
    expect(JSON.stringify(weekly[0]?.blocks)).toContain(
      `Rounds closed ${slackDay('2027-03-15T09:00:00.000Z')} to ${slackDay('2027-03-22T09:00:00.000Z')}.`,
    );
    expect(weekly[1]?.text).toMatch(/^Weekly tooth-tail digest: the whole org/);
    expect(JSON.stringify(weekly[1]?.blocks)).toContain('Ratio frontier');
    // The weekly subscription replaced the channel's each-round one, so nothing was posted at the
    // close; the team's weekly digest has its chart, and the org's frontier holds one team: none.
    expect(h.sandbox.files.map((f) => f.filename)).toEqual(['tooth-tail-trend-fraud.png']);
    expect((await h.app.scheduler.tick()).filter((a) => a.kind === 'digest')).toEqual([]);
  });
});
