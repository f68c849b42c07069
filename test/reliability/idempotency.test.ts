// Slack's retries and people's double clicks have exactly one effect (SPEC section 7).
import { afterEach, describe, expect, it } from 'vitest';
import type { StateValue } from '../../src/sandbox/types.js';
import { ANSWER_ACTION } from '../../src/slack/views/check-in.js';
import { FORGET_ME_CONFIRM } from '../../src/slack/views/forget-me.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { FORM, interactionBody } from './helpers.js';

const ADMIN = 'UADMIN';
const DS = ['U0DS1', 'U0DS2', 'U0DS3', 'U0DS4', 'U0DS5'];
const ENG = ['U0EN1', 'U0EN2'];
const CHANNELS = [
  { id: 'C0LEADS', name: 'ml-leads' },
  { id: 'C0ORG', name: 'org-all' },
  { id: 'C0FRAUD', name: 'fraud' },
];

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function withOpenRound(): Promise<Harness> {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...[...DS, ...ENG].map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
    ],
    channels: CHANNELS,
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
  await h.run(ADMIN, `roster add Fraud ${ENG.map((id) => `<@${id}>`).join(' ')} as engineer:infra`);
  await h.run(ADMIN, 'subscribe <#C0LEADS> Fraud each-round');
  await h.run(ADMIN, 'subscribe <#C0ORG> all each-round');
  await h.run(ADMIN, 'subscribe <#C0FRAUD> Fraud weekly');
  await h.run(ADMIN, 'survey now Fraud');
  await h.settle();
  return h;
}

const count = (h: Harness, sql: string, ...params: unknown[]): number =>
  (h.app.db.prepare(`SELECT count(*) AS n FROM ${sql}`).get(...params) as { n: number }).n;

async function answer(h: Harness, userId: string, values: Record<string, string>): Promise<void> {
  const dm = await h.sandbox.waitFor(() => h.sandbox.dm(userId).at(-1), 5000, `a DM to ${userId}`);
  await h.sandbox.clickButton(userId, { channel: userId, ts: dm.ts }, ANSWER_ACTION);
  await h.sandbox.waitFor(() => h.sandbox.openViews(userId).at(-1), 5000, `a modal for ${userId}`);
  expect((await h.sandbox.fillAndSubmit(userId, values)).body).toBeNull();
}

describe('exactly one effect', () => {
  it('a double click on the check-in button, then a double submission, leaves one response', async () => {
    const h = await withOpenRound();
    const member = DS[0] as string;
    const dm = h.sandbox.dm(member).at(-1);
    if (!dm) throw new Error('no check-in DM');
    const clicks = await Promise.all([
      h.sandbox.clickButton(member, { channel: member, ts: dm.ts }, ANSWER_ACTION),
      h.sandbox.clickButton(member, { channel: member, ts: dm.ts }, ANSWER_ACTION),
    ]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    // Each click opened the modal (views.open replaces an open modal): one is left on screen.
    await h.sandbox.waitFor(
      () => h.sandbox.calls.filter((c) => c.method === 'views.open' && c.ok).length === 2,
      5000,
      'two views.open',
    );
    const [modal] = h.sandbox.openViews(member);
    expect(h.sandbox.openViews(member)).toHaveLength(1);
    const select = (value: string): Record<string, StateValue> => ({
      value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } },
    });
    const values = { waiting_pct: select('20'), infra_pct: select('5'), path_to_prod: select('paired') };
    // Submit pressed twice (or a submission Slack delivered twice) before either was acked.
    const submissions = await Promise.all([
      h.sandbox.submitView(member, modal?.id as string, values),
      h.sandbox.submitView(member, modal?.id as string, values),
    ]);
    expect(submissions.map((s) => [s.status, s.body])).toEqual([
      [200, null],
      [200, null],
    ]);
    expect(count(h, 'responses WHERE user_id = ?', member)).toBe(1);
    expect(count(h, 'responses')).toBe(1);
    await h.sandbox.waitFor(() => (h.sandbox.dm(member).at(-1)?.updates ?? 0) > 0, 5000, 'the thanks');
    expect(h.sandbox.dm(member)).toHaveLength(1);
  });

  it('two `survey now` at once open one round; the other is refused; each member gets one DM', async () => {
    const h = await withOpenRound();
    await h.run(ADMIN, 'survey close Fraud');
    await h.settle();
    const before = Object.fromEntries([...DS, ...ENG].map((id) => [id, h.sandbox.dm(id).length]));
    const replies = await Promise.all([h.run(ADMIN, 'survey now Fraud'), h.run(ADMIN, 'survey now Fraud')]);
    const texts = replies.map((r) => r.text as string).sort();
    expect(texts[0]).toMatch(/^Fraud already has a check-in open/);
    expect(texts[1]).toMatch(/^Opened a check-in for \*Fraud\*: 7 people will get a DM now/);
    expect(count(h, 'rounds WHERE closed_at IS NULL')).toBe(1);
    expect(count(h, 'rounds')).toBe(2);
    await h.settle();
    for (const id of [...DS, ...ENG]) expect(h.sandbox.dm(id).length - (before[id] ?? 0)).toBe(1);
  });

  it('two `survey close` at once store one summary and queue one digest per subscription', async () => {
    const h = await withOpenRound();
    for (const [i, id] of DS.slice(0, 3).entries()) {
      await answer(h, id, {
        waiting_pct: ['10', '20', '30'][i] as string,
        infra_pct: '5',
        path_to_prod: 'paired',
      });
    }
    const replies = await Promise.all([
      h.run(ADMIN, 'survey close Fraud'),
      h.run(ADMIN, 'survey close Fraud'),
    ]);
    const texts = replies.map((r) => r.text as string).sort();
    expect(texts[0]).toMatch(/^Closed the \*Fraud\* check-in: 3 of 7 answered/);
    expect(texts[1]).toMatch(/^Fraud has no check-in open/);
    await h.settle();
    expect(count(h, 'round_summaries')).toBe(1);
    // One digest and one chart row per each-round subscription: the team's channel and the org's.
    expect(
      h.app.db
        .prepare(
          "SELECT channel, kind, count(*) AS n FROM deliveries WHERE kind IN ('digest', 'file') GROUP BY channel, kind ORDER BY channel, kind",
        )
        .all(),
    ).toEqual([
      { channel: 'C0LEADS', kind: 'digest', n: 1 },
      { channel: 'C0LEADS', kind: 'file', n: 1 },
      { channel: 'C0ORG', kind: 'digest', n: 1 },
      { channel: 'C0ORG', kind: 'file', n: 1 },
    ]);
    expect(h.sandbox.messages('C0LEADS').map((m) => m.text)).toEqual([expect.stringMatching(/^Fraud:/)]);
    expect(h.sandbox.files.filter((f) => f.channels.includes('C0LEADS'))).toHaveLength(1);
    expect(h.sandbox.messages('C0ORG')).toHaveLength(1);
    // The weekly subscription gets its digest at the end of the week, not now.
    expect(h.sandbox.messages('C0FRAUD')).toHaveLength(0);
  });

  it('a double click on the forget-me confirmation deletes once', async () => {
    const h = await withOpenRound();
    const member = DS[0] as string;
    await answer(h, member, { waiting_pct: '10', infra_pct: '5', path_to_prod: 'paired' });
    await h.run(ADMIN, 'survey close Fraud');
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    await answer(h, member, { waiting_pct: '20', infra_pct: '5', path_to_prod: 'paired' });
    expect(count(h, 'responses WHERE user_id = ?', member)).toBe(2);
    const summaries = h.app.db.prepare('SELECT * FROM round_summaries').all();

    // The confirmation is an ephemeral reply in the command's ack; Slack sends each click with
    // that command's response_url, and the app answers by replacing the ephemeral message there.
    const command = await h.sandbox.command(member, 'forget-me');
    const confirmation = await command.answer();
    expect(JSON.stringify(confirmation.blocks)).toContain(FORGET_ME_CONFIRM);
    const click = forgetMeConfirmation(member, command.responseUrl);
    const acks = await Promise.all([h.sandbox.sendSigned(click, FORM), h.sandbox.sendSigned(click, FORM)]);
    expect(acks.map((a) => a.status)).toEqual([200, 200]);
    const answers = await h.sandbox.waitFor(
      () => (command.replies().length === 2 ? command.replies() : undefined),
      5000,
      'both answers to the clicks',
    );
    expect(answers.map((a) => a.text).sort()).toEqual([
      'Deleted your 2 answers. Team summaries already computed are kept.',
      'You had no stored answers, so there was nothing to delete.',
    ]);
    expect(count(h, 'responses WHERE user_id = ?', member)).toBe(0);
    expect(count(h, 'responses')).toBe(0);
    expect(h.app.db.prepare('SELECT * FROM round_summaries').all()).toEqual(summaries);
  });

  it('a forget-me confirmation with no response_url (not from Slack) deletes nothing', async () => {
    const h = await withOpenRound();
    const member = DS[0] as string;
    await answer(h, member, { waiting_pct: '10', infra_pct: '5', path_to_prod: 'paired' });
    const click = forgetMeConfirmation(member);
    expect((await h.sandbox.sendSigned(click, FORM)).status).toBe(200);
    // The handler runs right after its ack; a deletion would have happened by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(count(h, 'responses WHERE user_id = ?', member)).toBe(1);
  });
});

/**
 * The click on forget-me's confirmation as Slack sends it: with the command's response_url, which
 * the app answers by replacing its ephemeral message; without one, it is not from Slack.
 */
function forgetMeConfirmation(member: string, responseUrl?: string): string {
  return interactionBody({
    type: 'block_actions',
    user: { id: member, team_id: 'T0SANDBOX' },
    team: { id: 'T0SANDBOX' },
    api_app_id: 'A0SANDBOX',
    trigger_id: '1.2.3',
    container: { type: 'message', message_ts: '1.0', channel_id: 'C0LEADS', is_ephemeral: true },
    ...(responseUrl === undefined ? {} : { response_url: responseUrl }),
    actions: [
      {
        type: 'button',
        action_id: FORGET_ME_CONFIRM,
        block_id: 'forget_me',
        value: 'confirm',
        action_ts: '1.1',
      },
    ],
  });
}
