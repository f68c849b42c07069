import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, signRequest } from '../../src/sandbox/sandbox.js';
import { ALICE, GENERAL, SIGNING_SECRET, startRecordingApp, startSandbox } from './helpers.js';

// Slack's published example ("Verifying requests from Slack"; FACTS.md).
const EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&' +
    'channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&' +
    'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&' +
    'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

it("signRequest reproduces Slack's published example", () => {
  expect(signRequest(EXAMPLE.secret, EXAMPLE.timestamp, EXAMPLE.body)).toBe(EXAMPLE.signature);
});

describe('what reaches the app', () => {
  let sandbox: Sandbox;
  let app: Awaited<ReturnType<typeof startRecordingApp>>;

  beforeEach(async () => {
    app = await startRecordingApp();
    sandbox = await startSandbox({ appUrl: app.url });
  });

  afterEach(async () => {
    await sandbox.stop();
    await app.close();
  });

  it("sendSigned sends Slack's example with Slack's signature headers", async () => {
    const answer = await sandbox.sendSigned(EXAMPLE.body, 'application/x-www-form-urlencoded', {
      timestamp: EXAMPLE.timestamp,
      secret: EXAMPLE.secret,
    });
    expect(answer.status).toBe(200);
    const [request] = app.received;
    expect(request?.body).toBe(EXAMPLE.body);
    expect(request?.headers['x-slack-signature']).toBe(EXAMPLE.signature);
    expect(request?.headers['x-slack-request-timestamp']).toBe(String(EXAMPLE.timestamp));
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('signs a slash command with the signing secret and sends the fields Slack sends', async () => {
    const result = await sandbox.command(ALICE.id, 'summary Fraud ML', { channelId: GENERAL.id });
    expect(result).toMatchObject({ status: 200, body: null });
    const [request] = app.received;
    const timestamp = Number(request?.headers['x-slack-request-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(request?.headers['x-slack-signature']).toBe(
      signRequest(SIGNING_SECRET, timestamp, request?.body ?? ''),
    );
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const fields = Object.fromEntries(new URLSearchParams(request?.body));
    expect(Object.keys(fields)).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(fields).toMatchObject({
      channel_id: GENERAL.id,
      channel_name: 'general',
      user_id: ALICE.id,
      user_name: 'alice',
      command: '/tooth-tail',
      text: 'summary Fraud ML',
      response_url: result.responseUrl,
      trigger_id: result.triggerId,
    });
  });

  it('sends events as JSON with retry headers when asked', async () => {
    await sandbox.sendEvent(
      { type: 'app_home_opened', user: ALICE.id, tab: 'home' },
      { retryNum: 1, eventId: 'Ev1' },
    );
    const [request] = app.received;
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-slack-retry-num']).toBe('1');
    expect(request?.headers['x-slack-retry-reason']).toBe('http_timeout');
    expect(JSON.parse(request?.body ?? '')).toMatchObject({
      type: 'event_callback',
      team_id: 'T0SANDBOX',
      event_id: 'Ev1',
      event_time: expect.any(Number),
      event: { type: 'app_home_opened', user: ALICE.id },
      authorizations: [{ user_id: 'UBOT', is_bot: true }],
    });
  });
});
