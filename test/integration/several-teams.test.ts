// A person on two teams (issue 12, item 2): one check-in DM a week covers both, one submission is
// recorded in each open round they are in, reminders come from one round only, and the org table
// counts each person once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCheckIn, DS_ANSWERS, latestCheckIn } from '../helpers/check-in.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const BOTH = 'U0BOTH'; // answers after both rounds opened
const EARLY = 'U0EARLY'; // answers before the second round opens
const SILENT = 'U0SILENT'; // never answers
const FRAUD_ONLY = 'U0FRAUD';
const PRICING_ONLY = 'U0PRICE';

let h: Harness;

const checkInDms = (userId: string) =>
  h.sandbox
    .dm(userId)
    .filter((m) => m.history.some((v) => JSON.stringify(v.blocks ?? []).includes('check_in_answer')));
const answers = (userId: string) =>
  h.app.db.prepare('SELECT round_id FROM responses WHERE user_id = ? ORDER BY round_id').pluck().all(userId);
const roundOf = (team: string) =>
  h.app.db
    .prepare(
      'SELECT r.id FROM rounds r JOIN teams t ON t.id = r.team_id WHERE t.name = ? AND r.closed_at IS NULL',
    )
    .pluck()
    .get(team) as number;

beforeAll(async () => {
  h = await startHarness({
    users: [ADMIN, BOTH, EARLY, SILENT, FRAUD_ONLY, PRICING_ONLY].map((id) => ({
      id,
      name: id.toLowerCase(),
      tz: 'UTC',
    })),
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, 'team add Pricing');
  await h.run(
    ADMIN,
    `roster add Fraud <@${BOTH}> <@${EARLY}> <@${SILENT}> <@${FRAUD_ONLY}> as data-scientist`,
  );
  await h.run(
    ADMIN,
    `roster add Pricing <@${BOTH}> <@${EARLY}> <@${SILENT}> <@${PRICING_ONLY}> as data-scientist`,
  );
});
afterAll(async () => {
  await h?.stop();
});

describe('a person on two teams', () => {
  it('gets one check-in DM for both rounds, and one answer is recorded in each', async () => {
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    await answerCheckIn(h, EARLY);
    await h.run(ADMIN, 'survey now Pricing');
    await h.settle();
    const fraud = roundOf('Fraud');
    const pricing = roundOf('Pricing');
    for (const id of [BOTH, EARLY, SILENT]) expect(checkInDms(id)).toHaveLength(1);
    expect(checkInDms(FRAUD_ONLY)).toHaveLength(1);
    expect(checkInDms(PRICING_ONLY)).toHaveLength(1);
    // EARLY had answered for the week before Pricing opened: that answer counts for Pricing too.
    expect(answers(EARLY)).toEqual([fraud, pricing]);

    // The one DM (Fraud's) opens a modal that says the answer counts for Pricing too.
    const dm = await latestCheckIn(h, BOTH);
    await h.sandbox.clickButton(BOTH, { channel: BOTH, ts: dm.ts }, 'check_in_answer');
    const modal = await h.sandbox.waitFor(() => h.sandbox.openViews(BOTH).at(-1));
    expect(JSON.stringify(modal.view.blocks)).toContain('recorded for Pricing too');
    expect(JSON.stringify(modal.view.blocks)).toContain('Confidential, not anonymous');
    expect((await h.sandbox.fillAndSubmit(BOTH, DS_ANSWERS)).body).toBeNull();
    expect(answers(BOTH)).toEqual([fraud, pricing]);
    const thanks = await h.sandbox.waitFor(() =>
      h.sandbox.dm(BOTH).find((m) => m.text.startsWith('Thanks, recorded for Fraud and Pricing')),
    );
    expect(thanks).toBeDefined();

    // An edit from Pricing's button on the Home tab changes both rounds' answers.
    await h.sandbox.openHome(BOTH);
    const viewId = await h.sandbox.waitFor(() => h.sandbox.homeViewId(BOTH));
    await h.sandbox.clickViewButton(BOTH, viewId, 'check_in_answer', { value: String(pricing) });
    await h.sandbox.waitFor(() => h.sandbox.openViews(BOTH).at(-1));
    expect((await h.sandbox.fillAndSubmit(BOTH, { ...DS_ANSWERS, waiting_pct: '30' })).body).toBeNull();
    const row = (roundId: number) =>
      h.app.db
        .prepare('SELECT waiting_pct FROM responses WHERE round_id = ? AND user_id = ?')
        .pluck()
        .get(roundId, BOTH);
    expect([row(fraud), row(pricing)]).toEqual([30, 30]);
  });

  it('reminds someone who has not answered once, from the round whose DM they have', async () => {
    const fraud = roundOf('Fraud');
    const pricing = roundOf('Pricing');
    const reminders = (id: string) => h.sandbox.dm(id).filter((m) => m.text.startsWith('Reminder'));
    h.app.rounds.remind(pricing, 1);
    await h.settle();
    expect(reminders(SILENT)).toHaveLength(0);
    expect(reminders(FRAUD_ONLY)).toHaveLength(0);
    h.app.rounds.remind(fraud, 1);
    await h.settle();
    expect(reminders(SILENT)).toHaveLength(1);
    expect(reminders(BOTH)).toHaveLength(0);
    // Once the round that asked them has closed, the other round reminds them itself.
    await h.run(ADMIN, 'survey close Fraud');
    h.app.rounds.remind(pricing, 2);
    await h.settle();
    expect(reminders(SILENT)).toHaveLength(2);
  });

  it('shows each person on their Home tab what is stored about them, and nobody else’s', async () => {
    await h.sandbox.openHome(BOTH);
    const home = await h.sandbox.waitFor(() => {
      const text = JSON.stringify(h.sandbox.homeView(BOTH) ?? {});
      return text.includes('What tooth-tail stores about you') ? text : undefined;
    });
    // "since" is a date token (the reader's own day), with the UTC date as its fallback.
    expect(home).toMatch(
      /Fraud as data-scientist since <!date\^\d+\^\{date_short_pretty\}\|\d{4}-\d{2}-\d{2}>; Pricing as data-scientist since <!date\^/,
    );
    expect(home).toContain('2 answers, each with your Slack id');
    expect(home).toContain('time zone (UTC)');
    expect(home).toContain('deleted 365 days after their check-in closed');
    expect(home).not.toContain(SILENT.toLowerCase());
    expect(home).not.toContain(EARLY);
  });

  it('counts each person once in the org table', async () => {
    await h.run(ADMIN, 'survey close Pricing');
    const ratio = await h.run(ADMIN, 'ratio');
    expect(JSON.stringify(ratio)).toContain(
      '5 people on the rosters, each counted once (3 on more than one team',
    );
  });
});
