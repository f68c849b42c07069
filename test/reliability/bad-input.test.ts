// Malformed and hostile input through the real app over signed HTTP (correct signatures, so Bolt's
// verification lets every request in): interactions with missing fields, wrong types, unknown
// action_ids and callback_ids, stale view hashes, garbage JSON, huge strings and unicode; slash
// commands with any text. The answer is a clear message or a silent ack, never a crash or a 5xx,
// and the app keeps serving.
//
// Shapes Slack never sends, which Bolt itself cannot process (no `user`, no `view`, `actions` not
// a list, a team id such as `constructor`, a `payload` of JSON `null`), are answered 400 by the
// app's server and receiver; what no listener takes (an unknown action_id or callback_id) is
// acknowledged silently by catch-all listeners.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/domain/parse-command.js';
import { ANSWER_ACTION } from '../../src/slack/views/check-in.js';
import { FORGET_ME_CANCEL, FORGET_ME_CONFIRM } from '../../src/slack/views/forget-me.js';
import { SURVEY_CALLBACK } from '../../src/slack/views/survey-modal.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { commandBody, FORM, INTERNALS, interactionBody } from './helpers.js';

const ADMIN = 'UADMIN';
const DS = ['U0DS1', 'U0DS2', 'U0DS3', 'U0DS4', 'U0DS5'];
const OUTSIDER = 'U0OUT';
const KNOWN_ACTIONS = [ANSWER_ACTION, FORGET_ME_CONFIRM, FORGET_ME_CANCEL];

let h: Harness;
let roundId: number;

beforeAll(async () => {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...DS.map((id, i) => ({ id, name: `ds${i + 1}`, tz: 'Europe/London' })),
      { id: OUTSIDER, name: 'otto', tz: 'UTC' },
    ],
    channels: [{ id: 'C0LEADS', name: 'ml-leads' }],
    adminUserIds: [ADMIN],
  });
  await h.run(ADMIN, 'team add Fraud <#C0LEADS|ml-leads>');
  await h.run(ADMIN, `roster add Fraud ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
  await h.run(ADMIN, 'survey now Fraud');
  await h.settle();
  roundId = (h.app.db.prepare('SELECT id FROM rounds').get() as { id: number }).id;
});
afterAll(async () => {
  await h?.stop();
});

// ---- generators ------------------------------------------------------------------------------

/** Text a person (or a broken client) could put anywhere: unicode, control characters, huge. */
const hostileText = fc
  .oneof(
    { weight: 3, arbitrary: fc.string() },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 3000, maxLength: 6000 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '\u0000',
        '\u202e\u200b',
        '🦷'.repeat(1000),
        '0',
        '-1',
        '1e309',
        '99999999999999',
        'null',
        '{"roundId":1}',
        'U0DS1',
        'T0SANDBOX',
      ),
    },
  )
  .filter((s) => !INTERNALS.test(s));
const json = fc.jsonValue({ maxDepth: 2 }).filter((v) => !INTERNALS.test(JSON.stringify(v) ?? ''));
/** Any value of any type where the app expects one particular type. */
const junk = fc.oneof(hostileText, json);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const userId = fc.oneof(fc.constantFrom(...DS, ADMIN, OUTSIDER, 'U0NOBODY'), hostileText);
// Bolt keeps its Web API clients in a plain object keyed by team id, so a team id such as
// `constructor` or `valueOf` reaches Object.prototype and throws before any listener (a known gap).
const teamId = fc.oneof(
  fc.constant('T0SANDBOX'),
  hostileText.filter((s) => !(s in Object.prototype)),
);

/** block_actions as Slack shapes the envelope (user, team, actions[]), with anything inside. */
const blockActions = (actionId: fc.Arbitrary<string>) =>
  fc.record(
    {
      type: fc.constant('block_actions'),
      user: fc.record({ id: userId, team_id: maybe(junk) }, { requiredKeys: ['id'] }),
      team: fc.record({ id: teamId }),
      trigger_id: maybe(junk),
      container: maybe(fc.oneof(junk, fc.record({ channel_id: maybe(junk), message_ts: maybe(junk) }))),
      response_url: maybe(junk),
      actions: fc.array(
        fc.record(
          {
            action_id: actionId,
            value: maybe(fc.oneof(junk, fc.integer().map(String), fc.constant(String(1)))),
            block_id: maybe(junk),
            type: maybe(junk),
          },
          { requiredKeys: ['action_id'] },
        ),
        { minLength: 1, maxLength: 3 },
      ),
    },
    { requiredKeys: ['type', 'user', 'team', 'actions'] },
  );

const metadata = fc.oneof(
  junk,
  fc
    .record({
      roundId: fc.oneof(fc.constantFrom(1, 2, 0, -1, 1e12, 1.5), junk),
      channel: maybe(junk),
      ts: maybe(junk),
    })
    .map((m) => JSON.stringify(m)),
);
const stateValue = fc.record(
  {
    type: maybe(junk),
    value: maybe(junk),
    selected_option: maybe(fc.oneof(junk, fc.record({ value: fc.oneof(junk, fc.constantFrom('10', '70')) }))),
  },
  { requiredKeys: [] },
);
const stateValues = fc.oneof(
  junk,
  fc.dictionary(
    fc.oneof(fc.constantFrom('waiting_pct', 'infra_pct', 'path_to_prod', 'blocker'), fc.string()),
    fc.oneof(fc.dictionary(fc.oneof(fc.constant('value'), fc.string()), stateValue, { maxKeys: 2 }), junk),
    { maxKeys: 5 },
  ),
);

/** view_submission as Slack shapes the envelope (user, team, view), with anything inside. */
const viewSubmission = (callbackId: fc.Arbitrary<string>) =>
  fc.record(
    {
      type: fc.constant('view_submission'),
      user: fc.record({ id: userId }),
      team: fc.record({ id: teamId }),
      trigger_id: maybe(junk),
      view: fc.record(
        {
          id: fc.oneof(fc.constant('V0STALE'), hostileText),
          callback_id: callbackId,
          // A stale or made-up hash: Slack checks hashes on views.update, never on a submission.
          hash: maybe(junk),
          private_metadata: maybe(metadata),
          state: maybe(fc.oneof(junk, fc.record({ values: stateValues }))),
        },
        { requiredKeys: ['id', 'callback_id'] },
      ),
    },
    { requiredKeys: ['type', 'user', 'team', 'view'] },
  );

const unknownId = hostileText.filter((s) => !KNOWN_ACTIONS.includes(s) && s !== SURVEY_CALLBACK);

/** Payloads some listener of ours takes: they must be acked at once, with at most a form error. */
const routed = fc.oneof(
  blockActions(fc.constantFrom(...KNOWN_ACTIONS)),
  viewSubmission(fc.constant(SURVEY_CALLBACK)),
);

/** What no listener takes; `kind` says what Bolt answers. */
const unrouted = fc.oneof(
  blockActions(unknownId).map((p) => ({
    body: interactionBody(p),
    contentType: FORM,
    kind: 'acked' as const,
  })),
  viewSubmission(unknownId).map((p) => ({
    body: interactionBody(p),
    contentType: FORM,
    kind: 'acked' as const,
  })),
  // Other interaction types and made-up ones, with a well-formed envelope: the app's server
  // refuses a type Bolt cannot route (it would wait 3 s for an ack), and acks the others.
  fc
    .record({
      type: fc.oneof(
        fc.constantFrom('view_closed', 'shortcut', 'message_action', 'block_suggestion'),
        hostileText,
      ),
      user: fc.record({ id: userId }),
      team: fc.record({ id: teamId }),
      callback_id: hostileText,
      view: fc.record({ id: hostileText, callback_id: hostileText }),
    })
    .map((p) => ({
      body: interactionBody(p),
      contentType: FORM,
      kind: ['view_closed', 'shortcut', 'message_action', 'block_suggestion'].includes(p.type)
        ? ('acked' as const)
        : ('malformed' as const),
    })),
  // `payload` that is not JSON at all: Bolt refuses the body.
  hostileText
    .filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    })
    .map((s) => ({ body: interactionBody(s), contentType: FORM, kind: 'malformed' as const })),
  // JSON that is not an object: refused by the app's server before Bolt reads it.
  json
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
    .map((v) => ({
      body: interactionBody(JSON.stringify(v)),
      contentType: FORM,
      kind: 'malformed' as const,
    })),
  // A form that is neither a command nor an interaction.
  fc
    .dictionary(fc.oneof(fc.constantFrom('text', 'user_id', 'team_id', 'foo'), fc.string()), hostileText, {
      maxKeys: 4,
    })
    .filter((d) => !('payload' in d) && !('command' in d) && !('ssl_check' in d))
    .map((d) => ({ body: new URLSearchParams(d).toString(), contentType: FORM, kind: 'malformed' as const })),
);

/** Events with a well-formed envelope and anything inside the event. */
const event = fc.record({
  type: fc.constant('event_callback'),
  team_id: fc.constant('T0SANDBOX'),
  api_app_id: fc.constant('A0SANDBOX'),
  event_id: fc.string({ minLength: 1 }),
  event_time: fc.integer({ min: 0 }),
  event: fc.record(
    {
      type: fc.constantFrom('app_home_opened', 'app_mention', 'message'),
      user: userId,
      channel: fc.oneof(fc.constant('D0X'), fc.string()),
      tab: maybe(junk),
      view: maybe(junk),
      event_ts: maybe(fc.string()),
    },
    { requiredKeys: ['type', 'user', 'channel'] },
  ),
});

// ---- checks --------------------------------------------------------------------------------

/** The one thing a view_submission ack may carry back: errors beside fields, in plain words. */
function expectFormErrorsOrNothing(text: string, what: string): void {
  if (text === '') return;
  const body = JSON.parse(text) as { response_action?: unknown; errors?: Record<string, unknown> };
  expect(body.response_action, what).toBe('errors');
  const messages = Object.values(body.errors ?? {});
  expect(messages.length, what).toBeGreaterThan(0);
  for (const message of messages) {
    expect(typeof message, what).toBe('string');
    expect((message as string).length, what).toBeGreaterThan(0);
    expect(message, what).not.toMatch(INTERNALS);
  }
}

const describePayload = (body: string) => decodeURIComponent(body.replace(/\+/g, ' ')).slice(0, 300);

async function stillServing(): Promise<void> {
  const reply = await h.run(OUTSIDER, 'help');
  expect(reply.response_type).toBe('ephemeral');
  expect(reply.text).toContain('/tooth-tail');
  expect((await fetch(`http://127.0.0.1:${h.app.port}/healthz`)).status).toBe(200);
}

// ---- properties ----------------------------------------------------------------------------

describe('malformed interactions', () => {
  it('acks every payload one of our listeners takes at once, with at most a form error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(routed, { minLength: 5, maxLength: 5 }), async (batch) => {
        const answers = await Promise.all(batch.map((p) => h.sandbox.sendSigned(interactionBody(p), FORM)));
        answers.forEach((answer, i) => {
          const what = describePayload(interactionBody(batch[i]));
          expect(answer.status, what).toBe(200);
          expectFormErrorsOrNothing(answer.text, what);
        });
      }),
      { numRuns: 40, endOnFailure: true },
    );
    await stillServing();
  });

  it('never answers 5xx to what no listener takes: garbage is refused (400), the rest acked (200)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(unrouted, { minLength: 30, maxLength: 30 }), async (batch) => {
        const answers = await Promise.all(batch.map((r) => h.sandbox.sendSigned(r.body, r.contentType)));
        answers.forEach((answer, i) => {
          const request = batch[i] as (typeof batch)[number];
          const what = `${request.kind}: ${describePayload(request.body)}`;
          // Catch-all listeners ack what no listener of ours takes; unacked, Bolt would answer
          // 404 after 3 s and the person would see an error.
          expect(answer.status, what).toBe(request.kind === 'malformed' ? 400 : 200);
        });
      }),
      { numRuns: 3, endOnFailure: true },
    );
    await stillServing();
  }, 60_000);

  it('acks events with anything inside them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 10, maxLength: 10 }), async (batch) => {
        const answers = await Promise.all(
          batch.map((e) => h.sandbox.sendSigned(JSON.stringify(e), 'application/json')),
        );
        answers.forEach((answer, i) => {
          expect(answer.status, JSON.stringify(batch[i]).slice(0, 300)).toBe(200);
        });
      }),
      { numRuns: 10, endOnFailure: true },
    );
    await stillServing();
  });

  it('treats a stale view hash and junk answers in a real modal like any other submission', async () => {
    const member = DS[0] as string;
    const dm = await h.sandbox.waitFor(() => h.sandbox.dm(member).at(-1), 5000, 'a check-in DM');
    await h.sandbox.clickButton(member, { channel: member, ts: dm.ts }, ANSWER_ACTION);
    const view = await h.sandbox.waitFor(() => h.sandbox.openViews(member).at(-1), 5000, 'the modal');
    const huge = await h.sandbox.submitView(
      member,
      view.id,
      {
        waiting_pct: {
          value: {
            type: 'static_select',
            selected_option: { text: { type: 'plain_text', text: 'x' }, value: '1e309' },
          },
        },
        blocker: { value: { type: 'plain_text_input', value: '🦷'.repeat(4000) } },
      },
      { hash: 'stale-hash-from-an-older-version' },
    );
    expect(huge.status).toBe(200);
    expect(huge.body.response_action).toBe('errors');
    expect(huge.body.errors).toMatchObject({
      waiting_pct: 'Pick one of the listed amounts.',
      blocker: 'Keep it to 500 characters.',
    });
    const ok = await h.sandbox.submitView(
      member,
      view.id,
      {
        waiting_pct: {
          value: {
            type: 'static_select',
            selected_option: { text: { type: 'plain_text', text: 'x' }, value: '10' },
          },
        },
        infra_pct: {
          value: {
            type: 'static_select',
            selected_option: { text: { type: 'plain_text', text: 'x' }, value: '5' },
          },
        },
        path_to_prod: {
          value: {
            type: 'static_select',
            selected_option: { text: { type: 'plain_text', text: 'x' }, value: 'paired' },
          },
        },
        blocker: { value: { type: 'plain_text_input', value: 'ümlaut 🦷 <script> &amp; \u202e' } },
      },
      { hash: 'stale-hash-from-an-older-version' },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toBeNull();
    const row = h.app.db
      .prepare('SELECT waiting_pct, blocker FROM responses WHERE round_id = ? AND user_id = ?')
      .get(roundId, member);
    expect(row).toEqual({ waiting_pct: 10, blocker: 'ümlaut 🦷 <script> &amp; \u202e' });
  });
});

describe('slash commands with any text', () => {
  /** Words of the grammar, mentions with and without labels, quotes, and whatever else. */
  const token = fc.oneof(
    fc.constantFrom(
      'help',
      'summary',
      'post',
      'ratio',
      'teams',
      'team',
      'add',
      'remove',
      'roster',
      'join',
      'leave',
      'schedule',
      'survey',
      'now',
      'close',
      'subscribe',
      'unsubscribe',
      'subscriptions',
      'export',
      'forget-me',
      'as',
      'data-scientist',
      'engineer',
      'engineer:ml',
      'engineer:wizard',
      'tz',
      'Europe/London',
      'Mars/Base',
      'open',
      '3d',
      '0d',
      'all',
      'weekly',
      'each-round',
      'Fraud',
      'fraud',
      'Nope',
      '0',
      '10',
      '*',
      'MON',
      '<@U0DS1|ds1>',
      '<@U0DS1>',
      '<@U0NOBODY|ghost>',
      '<@W0X>',
      '@ds2',
      '@ghost',
      '<#C0LEADS|ml-leads>',
      '<#C0LEADS>',
      '<#C0NONE|void>',
      '#ml-leads',
      '#void',
      '<!here>',
      '"',
      '“',
      '”',
      "'",
      '‘Fraud’',
      '"Fraud ML"',
      '&amp;',
      '&lt;',
      '<',
      '>',
      '|',
      '\u0000',
      '\u0007',
      '\t',
      '\n',
      '\u00a0',
      '\u202e',
      '🦷',
      '',
    ),
    hostileText,
  );
  const commandText = fc.oneof(
    { weight: 4, arbitrary: fc.array(token, { maxLength: 8 }).map((words) => words.join(' ')) },
    { weight: 1, arbitrary: hostileText },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('team add ', 'summary ', 'join ', 'roster add Fraud '),
          fc.string({ minLength: 3000, maxLength: 5000 }),
        )
        .map(([a, b]) => a + b),
    },
  );

  it('always answers with an ephemeral (or asked-for in-channel) reply in plain words', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(OUTSIDER, DS[1] as string, ADMIN), commandText), {
          minLength: 5,
          maxLength: 5,
        }),
        async (batch) => {
          const replies = await Promise.all(batch.map(([user, text]) => h.run(user, text)));
          replies.forEach((reply, i) => {
            const [user, text] = batch[i] as [string, string];
            const what = `${user}: ${JSON.stringify(text).slice(0, 300)}`;
            const parsed = parseCommand(text);
            const inChannel = parsed.kind === 'summary' && parsed.post;
            expect(reply.response_type, what).toBe(inChannel ? 'in_channel' : 'ephemeral');
            expect(typeof reply.text, what).toBe('string');
            expect(reply.text.trim().length, what).toBeGreaterThan(0);
            expect(reply.text, what).not.toMatch(/something went wrong on our side/);
            expect(JSON.stringify(reply), what).not.toMatch(INTERNALS);
          });
        },
      ),
      { numRuns: 40, endOnFailure: true },
    );
    await stillServing();
  }, 60_000);

  it('answers a command whose fields are missing or wrong, and never silently', async () => {
    const fields = fc.record(
      {
        team_id: maybe(
          fc.oneof(
            fc.constant('T0SANDBOX'),
            fc.constant(''),
            hostileText.filter((s) => !(s in Object.prototype)),
          ),
        ),
        user_id: maybe(fc.oneof(fc.constant(OUTSIDER), fc.constant(''), hostileText)),
        channel_id: maybe(fc.oneof(fc.constant('C0LEADS'), fc.constant(''), hostileText)),
        channel_name: maybe(hostileText),
        text: maybe(fc.constantFrom('help', 'teams', 'summary', 'ratio')),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fields, async (f) => {
        const responseUrl = await h.sandbox.command(OUTSIDER, 'help').then((c) => c.responseUrl);
        const before = h.sandbox.responses.filter((r) => r.url === responseUrl).length;
        const present = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >;
        const body = commandBody({
          team_id: '',
          user_id: '',
          channel_id: '',
          ...present,
          response_url: responseUrl,
        });
        const answer = await h.sandbox.sendSigned(body, FORM);
        expect(answer.status).toBe(200);
        // A command answered from the database replies in the ack; others at the response_url.
        const reply =
          answer.text === ''
            ? (
                await h.sandbox.waitFor(
                  () => h.sandbox.responses.filter((r) => r.url === responseUrl)[before],
                  5000,
                  'a reply',
                )
              ).body
            : JSON.parse(answer.text);
        expect(reply.response_type).toBe('ephemeral');
        expect(reply.text.trim()).not.toBe('');
        expect(JSON.stringify(reply)).not.toMatch(INTERNALS);
      }),
      { numRuns: 30, endOnFailure: true },
    );
    await stillServing();
  });
});

describe('shapes Bolt cannot process are refused without a 5xx', () => {
  it('answers an interaction envelope without `user`, `view` or an `actions` list without a 5xx', async () => {
    for (const payload of [
      { type: 'block_actions', team: { id: 'T0SANDBOX' }, actions: [{ action_id: FORGET_ME_CONFIRM }] },
      { type: 'view_submission', user: { id: DS[0] }, team: { id: 'T0SANDBOX' } },
      { type: 'shortcut', user: { id: DS[0] }, team: { id: 'T0SANDBOX' }, actions: null },
      {
        type: 'block_actions',
        user: { id: DS[0] },
        team: { id: 'constructor' },
        actions: [{ action_id: FORGET_ME_CANCEL }],
      },
    ]) {
      expect((await h.sandbox.sendSigned(interactionBody(payload), FORM)).status).toBeLessThan(500);
    }
    await stillServing();
  });

  it('answers a command from a team id that is an Object.prototype name without a 5xx', async () => {
    const body = commandBody({
      team_id: 'valueOf',
      user_id: OUTSIDER,
      text: 'help',
      response_url: `${h.sandbox.url}/response/none`,
    });
    expect((await h.sandbox.sendSigned(body, FORM)).status).toBeLessThan(500);
  });

  it('survives a `payload` of JSON null (Bolt would end the process on an uncaught TypeError)', async () => {
    expect((await h.sandbox.sendSigned(interactionBody('null'), FORM)).status).toBeLessThan(500);
    await stillServing();
  });
});
