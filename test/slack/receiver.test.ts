// The app's receiver with a real Bolt App and the app's HTTP server, over signed loopback
// requests: an ack with a frozen message is written as JSON serialised once for all, anything else
// goes through Bolt's own ack, and acking twice is an error either way, as Bolt's ack makes it.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/sandbox/sandbox.js';
import { SlackRequestReceiver } from '../../src/slack/receiver.js';
import { createServer } from '../../src/slack/server.js';

const SECRET = 'receiver-test-secret';
const FORM = 'application/x-www-form-urlencoded';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A Bolt app on the receiver, whose `/x` command acks as `listener` says; its errors collected. */
async function start(listener: (ack: (response?: unknown) => Promise<void>) => Promise<void>) {
  const receiver = new SlackRequestReceiver({
    signingSecret: SECRET,
    processEventErrorHandler: async () => false,
  });
  const app = new App({
    receiver,
    // With an authorize function Bolt makes no auth.test call: nothing here reaches Slack.
    authorize: async () => ({ botToken: 'xoxb-receiver-test', botId: 'B1', botUserId: 'U0BOT' }),
    logLevel: LogLevel.ERROR,
  });
  const errors: string[] = [];
  app.command('/x', async ({ ack }) => listener(ack as (response?: unknown) => Promise<void>));
  app.error(async (error) => {
    errors.push(error.code ?? error.message);
  });
  server = createServer({ receiver, health: () => ({}) });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const send = async () => {
    const body = new URLSearchParams({
      command: '/x',
      text: '',
      team_id: 'T1',
      user_id: 'U1',
      channel_id: 'C1',
      response_url: 'http://127.0.0.1:9/response',
      trigger_id: '1.2.3',
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': FORM,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signRequest(SECRET, ts, body),
      },
      body,
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  return { send, errors };
}

describe('SlackRequestReceiver', () => {
  it('writes a frozen message as JSON, serialised once however many times it is given', async () => {
    let serialised = 0;
    const message = Object.freeze({
      response_type: 'ephemeral',
      get text() {
        serialised += 1;
        return 'kept';
      },
    });
    const { send, errors } = await start((ack) => ack(message));
    const json = '{"response_type":"ephemeral","text":"kept"}';
    expect(await send()).toEqual({ status: 200, type: 'application/json', text: json });
    expect(await send()).toEqual({ status: 200, type: 'application/json', text: json });
    expect(serialised).toBe(1);
    expect(errors).toEqual([]);
  });

  it('leaves any other ack to Bolt, which serialises it each time', async () => {
    const { send } = await start((ack) => ack({ text: 'plain' }));
    expect(await send()).toEqual({ status: 200, type: 'application/json', text: '{"text":"plain"}' });
  });

  it.each([
    ['a frozen message, then another ack', [Object.freeze({ text: 'a' }), { text: 'b' }]],
    ["Bolt's ack, then a frozen message", [{ text: 'a' }, Object.freeze({ text: 'b' })]],
  ])('refuses a second ack after %s, as Bolt does', async (_name, responses) => {
    const { send, errors } = await start(async (ack) => {
      for (const response of responses) await ack(response);
    });
    const answer = await send();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ text: 'a' });
    await expect.poll(() => errors).toEqual(['slack_bolt_receiver_ack_multiple_error']);
  });
});
