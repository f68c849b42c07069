// A check-in submission is acknowledged without waiting on Slack: the DM's change to "Thanks,
// recorded" is queued in the outbox with the answer, in one transaction, and the sender makes it
// a moment later. The person sees the modal close at once and the DM change within a second or two.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { BOT_TOKEN, type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const DS = 'U0DS1';
const ANSWERS = { waiting_pct: '20', infra_pct: '10', path_to_prod: 'paired' };

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A team of one data scientist with a round open: the check-in DM is there, its modal open. */
async function openCheckIn(): Promise<{ h: Harness; dmTs: string; dmChannel: string }> {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      { id: DS, name: 'dee', tz: 'UTC' },
    ],
    adminUserIds: [ADMIN],
  });
  const harness = h;
  await harness.run(ADMIN, 'team add Fraud');
  await harness.run(ADMIN, `roster add Fraud <@${DS}> as data-scientist`);
  await harness.run(ADMIN, 'survey now Fraud');
  const dm = await harness.sandbox.waitFor(() => harness.sandbox.dm(DS).at(-1), 5000, 'the check-in DM');
  const click = await harness.sandbox.clickButton(DS, { channel: DS, ts: dm.ts }, 'check_in_answer');
  expect(click.status).toBe(200);
  await harness.sandbox.waitFor(() => harness.sandbox.openViews(DS).at(-1), 5000, 'the modal');
  return { h: harness, dmTs: dm.ts, dmChannel: dm.channel };
}

const updates = (h: Harness) =>
  h.app.db
    .prepare("SELECT channel, status, error, message_ts FROM deliveries WHERE kind = 'update' ORDER BY id")
    .all() as Array<{ channel: string; status: string; error: string | null; message_ts: string | null }>;

const responses = (h: Harness) =>
  (h.app.db.prepare('SELECT count(*) AS n FROM responses').get() as { n: number }).n;

describe('the check-in DM after a submission', () => {
  it('closes the modal at once, then changes the DM to "Thanks, recorded" through the outbox', async () => {
    const { h, dmTs, dmChannel } = await openCheckIn();
    // Slack holds chat.update for a second: the ack must not wait for it.
    h.sandbox.delayNext('chat.update', { ms: 1000 });
    const submitted = await h.sandbox.fillAndSubmit(DS, ANSWERS);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBeNull();
    expect(responses(h)).toBe(1);
    expect(h.sandbox.dm(DS).find((m) => m.ts === dmTs)?.updates).toBe(0);

    const thanked = await h.sandbox.waitFor(
      () => h.sandbox.dm(DS).find((m) => m.ts === dmTs && m.updates > 0),
      3000,
      'the DM to say thanks',
    );
    expect(thanked.text).toMatch(/^Thanks, recorded/);
    await h.settle();
    expect(updates(h)).toEqual([{ channel: dmChannel, status: 'sent', error: null, message_ts: dmTs }]);
  });

  it('says thanks again after an edit, within two seconds each time', async () => {
    const { h, dmTs } = await openCheckIn();
    await h.sandbox.fillAndSubmit(DS, ANSWERS);
    await h.sandbox.waitFor(() => h.sandbox.dm(DS).find((m) => m.updates === 1), 2000, 'the first thanks');
    const click = await h.sandbox.clickButton(DS, { channel: DS, ts: dmTs }, 'check_in_answer');
    expect(click.status).toBe(200);
    await h.sandbox.waitFor(() => h.sandbox.openViews(DS).at(-1), 5000, 'the modal again');
    await h.sandbox.fillAndSubmit(DS, { ...ANSWERS, waiting_pct: '30' });
    await h.sandbox.waitFor(() => h.sandbox.dm(DS).find((m) => m.updates === 2), 2000, 'the second thanks');
    await h.settle();
    expect(responses(h)).toBe(1);
    expect(updates(h).map((u) => u.status)).toEqual(['sent', 'sent']);
  });

  it('keeps the answer and records the failure when Slack refuses the change', async () => {
    const { h, dmTs, dmChannel } = await openCheckIn();
    h.sandbox.failNext('chat.update', { error: 'message_not_found' });
    const submitted = await h.sandbox.fillAndSubmit(DS, ANSWERS);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBeNull();
    await h.settle();
    expect(responses(h)).toBe(1);
    expect(updates(h)).toEqual([
      { channel: dmChannel, status: 'failed', error: 'message_not_found', message_ts: null },
    ]);
    expect(h.sandbox.dm(DS).find((m) => m.ts === dmTs)?.updates).toBe(0);
  });

  it('queues nothing when the answer is refused', async () => {
    const { h } = await openCheckIn();
    await h.run(ADMIN, 'survey close Fraud');
    const submitted = await h.sandbox.fillAndSubmit(DS, ANSWERS);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ response_action: 'errors' });
    await h.settle();
    expect(responses(h)).toBe(0);
    expect(updates(h)).toEqual([]);
  });
});

describe('stopping while the thanks wait for Slack', () => {
  it('stops at once and leaves the unsent thanks in the outbox, instead of waiting out the Retry-After', async () => {
    const { h } = await openCheckIn();
    // chat.update answers 429 with a Retry-After of 10 s: the sender waits it out in place.
    h.sandbox.rateLimitNext('chat.update', { retryAfterSeconds: 10, times: 1 });
    expect((await h.sandbox.fillAndSubmit(DS, ANSWERS)).status).toBe(200);
    await h.sandbox.waitFor(
      () => h.sandbox.calls.some((c) => c.method === 'chat.update' && c.status === 429),
      3000,
      'the 429',
    );
    const started = performance.now();
    await h.app.stop();
    expect(performance.now() - started).toBeLessThan(2000);
    const db = openDatabase(h.databasePath);
    try {
      // Nothing reached Slack, so it waits for the next start: pending, its attempt not counted.
      expect(db.prepare("SELECT status, attempts FROM deliveries WHERE kind = 'update'").all()).toEqual([
        { status: 'pending', attempts: 0 },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('a click on "Answer" while Slack rate-limits views.open', () => {
  it('tells the person how long Slack asked to wait, only them, and opens the modal on a click after the wait', async () => {
    const { h, dmTs } = await openCheckIn();
    // views.open replaces the person's open modal: a new one has a new id.
    const modalId = () => h.sandbox.openViews(DS).at(-1)?.id;
    const opened = modalId();
    const views = () => h.sandbox.calls.filter((c) => c.method === 'views.open').length;
    const called = views();
    h.sandbox.rateLimitNext('views.open', { retryAfterSeconds: 2, times: 1 });
    const started = performance.now();
    const held = await h.sandbox.clickButton(DS, { channel: DS, ts: dmTs }, 'check_in_answer');
    expect(held.status).toBe(200);
    const reply = (await held.reply()) as { text: string; response_type: string };
    expect(reply.text).toMatch(/^Slack is busy and asked apps to wait 2 s before opening more windows\./);
    expect(reply.response_type).toBe('ephemeral');
    expect(modalId()).toBe(opened);
    expect(views()).toBe(called + 1);

    await new Promise((resolve) => setTimeout(resolve, 2000 - (performance.now() - started)));
    const again = await h.sandbox.clickButton(DS, { channel: DS, ts: dmTs }, 'check_in_answer');
    expect(again.status).toBe(200);
    await h.sandbox.waitFor(() => modalId() !== opened, 2000, 'the modal');
  });
});

describe('a burst of check-ins while Slack limits chat.update (Tier 3, about 50 a minute)', () => {
  const PEOPLE = ['U0DS1', 'U0DS2', 'U0DS3', 'U0DS4'];

  it('edits the DMs at the pace Slack allows, one edit of a DM at a time, without a storm of 429s', async () => {
    h = await startHarness({
      users: [{ id: ADMIN, name: 'ada', tz: 'UTC' }, ...PEOPLE.map((id) => ({ id, name: id, tz: 'UTC' }))],
      adminUserIds: [ADMIN],
    });
    const harness = h;
    await harness.run(ADMIN, 'team add Fraud');
    await harness.run(ADMIN, `roster add Fraud ${PEOPLE.map((p) => `<@${p}>`).join(' ')} as data-scientist`);
    await harness.run(ADMIN, 'survey now Fraud');
    const dms = await Promise.all(
      PEOPLE.map((p) =>
        harness.sandbox.waitFor(() => harness.sandbox.dm(p).at(-1), 5000, `${p}'s check-in DM`),
      ),
    );
    const thanked = (times: number) =>
      harness.sandbox.waitFor(
        () =>
          PEOPLE.every((p, i) =>
            harness.sandbox.dm(p).find((m) => m.ts === dms[i]?.ts && m.updates >= times),
          ),
        20_000,
        `every DM to say thanks (${times})`,
      );
    /** The person opens the modal from their DM and submits it, `times` times as fast as it opens. */
    const answer = async (person: string, i: number, times: number) => {
      const dm = dms[i] as { ts: string };
      for (let n = 0; n < times; n++) {
        const opened = harness.sandbox.openViews(person).length;
        const click = await harness.sandbox.clickButton(
          person,
          { channel: person, ts: dm.ts },
          'check_in_answer',
        );
        expect(click.status).toBe(200);
        await harness.sandbox.waitFor(
          () => harness.sandbox.openViews(person).length > opened,
          5000,
          'the modal',
        );
        const submitted = await harness.sandbox.fillAndSubmit(person, {
          ...ANSWERS,
          waiting_pct: String([0, 5, 10, 20, 30, 50][n % 6]),
        });
        expect(submitted.body).toBeNull();
      }
    };
    // Everyone answers; each DM says thanks at once.
    await Promise.all(PEOPLE.map((p, i) => answer(p, i, 1)));
    await thanked(1);
    // Another part of the app (or another app of the workspace) spends the minute's chat.update
    // quota: from here Slack lets one through about every 1.2 s and answers 429 to the rest.
    const spend = () =>
      fetch(`${harness.sandbox.apiUrl}chat.update`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: ADMIN, ts: '1.000001', text: 'x' }),
      });
    let spent = 0;
    while ((await spend()).status !== 429) spent += 1;
    expect(spent).toBeGreaterThan(40);
    const callsBefore = harness.sandbox.calls.length;
    // Right after their DMs said thanks, everyone edits their answers six times.
    await Promise.all(PEOPLE.map((p, i) => answer(p, i, 6)));
    await thanked(2);
    await harness.settle();
    const edits = harness.sandbox.calls.slice(callsBefore).filter((c) => c.method === 'chat.update');
    // The first 429 holds every edit for its Retry-After and the pace drops to what Slack let
    // through: a few 429s while it is learnt. (The sender used to take an edit's 429 for the DM's
    // "one message a second" rule, which is chat.postMessage's, when the DM had just been edited, so
    // it kept its pace and each edit tried five times.)
    expect(edits.filter((c) => c.status === 429).length).toBeLessThanOrEqual(5);
    // One edit of a DM at a time, later edits changing the one that waits: a DM is edited at most
    // twice more (the edit being sent when the burst began, and the latest).
    for (const person of PEOPLE)
      expect(
        edits.filter((c) => c.status === 200 && c.args.channel === `D${person}`).length,
      ).toBeLessThanOrEqual(2);
    // Every edit queued was sent, or replaced by a later edit of its DM before it was.
    const statuses = harness.app.db
      .prepare("SELECT status, error FROM deliveries WHERE kind = 'update'")
      .all() as Array<{ status: string; error: string | null }>;
    for (const s of statuses)
      expect(s.status === 'sent' || (s.status === 'skipped' && s.error === 'superseded')).toBe(true);
  }, 40_000);
});
