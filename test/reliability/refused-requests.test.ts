// Requests that are not provably from Slack, now, are refused before anything is read or written
// (SPEC section 7): the database is byte-for-byte the same, no Web API call is made, nothing replies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/sandbox/sandbox.js';
import { FORGET_ME_CONFIRM } from '../../src/slack/views/forget-me.js';
import { type Harness, SIGNING_SECRET, startHarness } from '../helpers/harness.js';
import { commandBody, FORM, interactionBody, sleep, snapshot } from './helpers.js';

const ADMIN = 'UADMIN';
const MEMBER = 'U0DS1';
let h: Harness;

const now = () => Math.floor(Date.now() / 1000);
const adminCommand = (text: string) =>
  commandBody({ user_id: ADMIN, text, response_url: `${h.sandbox.url}/response/none` });

/** Posts with exactly these headers (fetch, not the sandbox), so a header can be left out. */
async function post(body: string, headers: Record<string, string>, contentType = FORM): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${h.app.port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      { id: MEMBER, name: 'ds1', tz: 'UTC' },
    ],
    channels: [{ id: 'C0LEADS', name: 'ml-leads' }],
    adminUserIds: [ADMIN],
  });
  // Something to lose: a team, a member with an answer, an open round.
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud <@${MEMBER}> as data-scientist`);
  await h.run(ADMIN, 'survey now Fraud');
  await h.settle();
  const dm = await h.sandbox.waitFor(() => h.sandbox.dm(MEMBER).at(-1), 5000, 'the check-in DM');
  await h.sandbox.clickButton(MEMBER, { channel: MEMBER, ts: dm.ts }, 'check_in_answer');
  await h.sandbox.waitFor(() => h.sandbox.openViews(MEMBER).at(-1), 5000, 'the modal');
  await h.sandbox.fillAndSubmit(MEMBER, { waiting_pct: '10', infra_pct: '5', path_to_prod: 'paired' });
  await h.sandbox.waitFor(() => (h.sandbox.dm(MEMBER).at(-1)?.updates ?? 0) > 0, 5000, 'the thanks');
  await h.settle();
});
afterAll(async () => {
  await h?.stop();
});

/** Each case would write if it were accepted: add a team, or delete the member's answers. */
const cases: Array<[string, () => Promise<number>, number]> = [
  [
    'a forged signature',
    () =>
      h.sandbox
        .sendSigned(adminCommand('team add Forged'), FORM, { signature: `v0=${'0'.repeat(64)}` })
        .then((r) => r.status),
    401,
  ],
  [
    'a signature made with the wrong secret',
    () =>
      h.sandbox
        .sendSigned(adminCommand('team add Forged'), FORM, { secret: 'not-the-secret' })
        .then((r) => r.status),
    401,
  ],
  [
    'an unknown signature version',
    () => {
      const body = adminCommand('team add Forged');
      const ts = now();
      return post(body, {
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signRequest(SIGNING_SECRET, ts, body).replace(/^v0=/, 'v1='),
      });
    },
    401,
  ],
  [
    'a timestamp six minutes old, correctly signed',
    () => {
      const ts = now() - 6 * 60;
      const body = adminCommand('team add Stale');
      return h.sandbox
        .sendSigned(body, FORM, { timestamp: ts, signature: signRequest(SIGNING_SECRET, ts, body) })
        .then((r) => r.status);
    },
    401,
  ],
  [
    'a timestamp six minutes in the future, correctly signed',
    () => {
      const ts = now() + 6 * 60;
      const body = adminCommand('team add Future');
      return h.sandbox
        .sendSigned(body, FORM, { timestamp: ts, signature: signRequest(SIGNING_SECRET, ts, body) })
        .then((r) => r.status);
    },
    401,
  ],
  [
    'no signature header',
    () => post(adminCommand('team add Unsigned'), { 'x-slack-request-timestamp': String(now()) }),
    401,
  ],
  [
    'no timestamp header',
    () => {
      const body = adminCommand('team add Timeless');
      return post(body, { 'x-slack-signature': signRequest(SIGNING_SECRET, now(), body) });
    },
    401,
  ],
  [
    'a timestamp that is not a number, signed over it',
    () => {
      const body = adminCommand('team add Soon');
      return post(body, {
        'x-slack-request-timestamp': 'soon',
        'x-slack-signature': `v0=${signRequest(SIGNING_SECRET, now(), body).slice(3)}`,
      });
    },
    401,
  ],
  [
    'a body over 4 MB, correctly signed',
    () => {
      const body = adminCommand(`team add ${'x'.repeat(4 * 1024 * 1024 + 1)}`);
      return h.sandbox.sendSigned(body, FORM).then((r) => r.status);
    },
    413,
  ],
  [
    'a forged forget-me click',
    () =>
      h.sandbox
        .sendSigned(
          interactionBody({
            type: 'block_actions',
            user: { id: MEMBER },
            team: { id: 'T0SANDBOX' },
            actions: [{ action_id: FORGET_ME_CONFIRM, type: 'button', value: 'confirm' }],
          }),
          FORM,
          { secret: 'not-the-secret' },
        )
        .then((r) => r.status),
    401,
  ],
  [
    'a forged event',
    () =>
      h.sandbox
        .sendSigned(
          JSON.stringify({
            type: 'event_callback',
            team_id: 'T0SANDBOX',
            event: { type: 'app_home_opened', user: MEMBER, tab: 'home' },
          }),
          'application/json',
          { secret: 'not-the-secret' },
        )
        .then((r) => r.status),
    401,
  ],
  [
    // Nothing is parsed before the signature is verified: a body that is not Slack's shape is
    // refused as unsigned (401), not as malformed (400), so its shape tells a stranger nothing.
    'an unsigned interaction whose payload is JSON null',
    () => post(interactionBody('null'), {}),
    401,
  ],
  [
    'an event signed with the wrong secret whose body is an array',
    () =>
      h.sandbox.sendSigned('[1, 2]', 'application/json', { secret: 'not-the-secret' }).then((r) => r.status),
    401,
  ],
  [
    // Bolt answers Slack's unsigned ssl_check itself and drops every other field of that body.
    'an unsigned ssl_check smuggling a command',
    () => post(`ssl_check=1&${adminCommand('team add Smuggled')}`, {}),
    200,
  ],
];

describe('refused requests', () => {
  it.each(cases)('refuses %s, and writes, reads and answers nothing', async (_name, send, status) => {
    const before = snapshot(h.app.db);
    const calls = h.sandbox.calls.length;
    const responses = h.sandbox.responses.length;
    expect(await send()).toBe(status);
    // Give a wrongly accepted request time to do its work before looking.
    await sleep(150);
    await h.settle();
    expect(snapshot(h.app.db)).toEqual(before);
    expect(h.sandbox.calls.slice(calls)).toEqual([]);
    expect(h.sandbox.responses.length).toBe(responses);
  });

  it('still serves after all of them, and the same command correctly signed does write', async () => {
    expect((await fetch(`http://127.0.0.1:${h.app.port}/healthz`)).status).toBe(200);
    const before = snapshot(h.app.db).teams?.length ?? 0;
    expect((await h.run(ADMIN, 'team add Genuine')).text).toMatch(/Added team \*Genuine\*/);
    expect(snapshot(h.app.db).teams).toHaveLength(before + 1);
  });

  // Bolt reads the header with Number(), so the future check must too.
  it.each([
    ['fourteen digits', () => '99999999999999'],
    ['a decimal', () => `${now() + 3600}.5`],
    ['hexadecimal', () => `0x${(now() + 3600).toString(16)}`],
    ['an exponent', () => `${now() + 3600}e0`],
  ])('refuses a future timestamp written as %s', async (_name, timestampOf) => {
    const timestamp = timestampOf();
    const before = snapshot(h.app.db);
    const body = adminCommand('team add Later');
    const status = await post(body, {
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signRequest(SIGNING_SECRET, Number(timestamp), body),
    });
    expect(status).toBe(401);
    await sleep(150);
    expect(snapshot(h.app.db)).toEqual(before);
  });
});
