// Text people typed is escaped everywhere it is posted (issue 11, item 6), and a Home tab click
// after the round closed is answered without a response_url.
import { afterEach, describe, expect, it } from 'vitest';
import { answerCheckIn, type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const DS = ['U0DS1', 'U0DS2', 'U0DS3'];
const ENG = 'U0EN1';
/** What Slack sends for a typed `<!channel> Ops` (it escapes &, < and > in command text). */
const TYPED_CHANNEL = '&lt;!channel&gt; Ops';
const TYPED_LINK = '&lt;https://evil.example|click&gt; ML';
const RAW = [/<!channel>/, /<https:\/\/evil\.example/];

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

async function start(): Promise<Harness> {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...DS.map((id, i) => ({ id, name: `ds${i + 1}`, tz: 'UTC' })),
      { id: ENG, name: 'eng1', tz: 'UTC' },
    ],
    channels: [{ id: 'C0LEADS', name: 'ml-leads' }],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
  });
  return h;
}

const answer = (userId: string) =>
  answerCheckIn(h, userId, { waiting_pct: '30', infra_pct: '5', path_to_prod: 'rewrite' });

/** Every string anywhere in a value: texts, block texts, fields, button labels, views. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The app's outgoing texts, each with where it went, except plain_text (never parsed for mentions). */
function outgoing(): Array<{ where: string; text: string }> {
  const mrkdwn = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.flatMap(mrkdwn);
    if (value === null || typeof value !== 'object') return [];
    const v = value as Record<string, unknown>;
    if (v.type === 'plain_text') return [];
    return Object.entries(v).flatMap(([key, inner]) =>
      typeof inner === 'string' ? (key === 'text' ? [inner] : []) : mrkdwn(inner),
    );
  };
  return [
    ...h.sandbox.calls.flatMap((c) => mrkdwn(c.args).map((text) => ({ where: c.method, text }))),
    ...h.sandbox.responses.flatMap((r) => mrkdwn(r.body).map((text) => ({ where: 'response_url', text }))),
    ...h.sandbox.ephemerals.flatMap((e) =>
      strings([e.text, mrkdwn(e.blocks)]).map((text) => ({ where: 'ack', text })),
    ),
  ];
}

describe('names people typed', () => {
  it('are escaped in every outgoing text and block, the notification text included', async () => {
    await start();
    for (const name of [TYPED_CHANNEL, TYPED_LINK]) {
      const added = await h.run(ADMIN, `team add "${name}"`);
      expect(added.text).toMatch(/^Added team \*&lt;/);
      await h.run(ADMIN, `roster add "${name}" ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
      await h.run(ADMIN, `roster add "${name}" <@${ENG}> as engineer`);
      await h.run(ADMIN, `subscribe <#C0LEADS|ml-leads> "${name}" each-round`);
      await h.run(ADMIN, `survey now "${name}"`);
      await h.settle();
      for (const id of DS) await answer(id);
      h.app.rounds.remind(h.app.db.prepare('SELECT max(id) FROM rounds').pluck().get() as number, 1);
      await h.settle();
      await h.run(ADMIN, `survey close "${name}"`);
      await h.settle();
      await h.run(DS[0] as string, `summary "${name}"`);
      await h.run(ADMIN, `survey close "${name}"`);
      await h.sandbox.openHome(DS[0] as string);
    }
    await h.run(ADMIN, 'ratio');
    await h.run(ADMIN, 'teams');
    await h.run(ADMIN, 'subscriptions');

    const texts = outgoing();
    // The check-in DM's notification text, and the digest's, were among them.
    const checkIn = h.sandbox.dm(DS[0] as string)[0];
    expect(checkIn?.history[0]?.text).toBe(
      '&lt;!channel&gt; Ops check-in: four quick, confidential questions (about a minute).',
    );
    expect(
      texts.some(
        (t) => t.where === 'chat.postMessage' && t.text.startsWith('&lt;https://evil.example|click&gt; ML:'),
      ),
    ).toBe(true);
    expect(texts.length).toBeGreaterThan(40);
    for (const pattern of RAW) expect(texts.filter((t) => pattern.test(t.text))).toEqual([]);
  });
});

describe('the Home tab’s Answer button after the round closed', () => {
  it('refreshes the Home tab and says why by DM, without a response_url', async () => {
    await start();
    await h.run(ADMIN, 'team add Fraud');
    await h.run(ADMIN, `roster add Fraud ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    const member = DS[0] as string;
    await h.sandbox.openHome(member);
    const home = await h.sandbox.waitFor(() => h.sandbox.homeView(member), 5000, 'the Home tab');
    expect(JSON.stringify(home.blocks)).toContain('check_in_answer');
    await h.run(ADMIN, 'survey close Fraud');

    const click = await h.sandbox.clickViewButton(member, home.id, 'check_in_answer');
    expect(click.status).toBe(200);
    const dm = await h.sandbox.waitFor(
      () => h.sandbox.dm(member).find((m) => m.text.includes('This check-in has closed')),
      5000,
      'a DM saying the round closed',
    );
    expect(dm.text).toBe(
      'This check-in has closed, so answers can no longer be recorded or changed. Thanks anyway!',
    );
    await h.sandbox.waitFor(
      () => !JSON.stringify(h.sandbox.homeView(member)?.blocks).includes('check_in_answer'),
      5000,
      'the Home tab without the Answer button',
    );
    expect(h.sandbox.openViews(member)).toEqual([]);
  });
});
