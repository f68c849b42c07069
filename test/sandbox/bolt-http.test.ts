// The sandbox against a real Bolt app over HTTP: signed requests in, Web API calls out.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { PROMPT_BLOCKS, type Recorded, recordingLogger, registerListeners } from './bolt-app.js';
import { ALICE, BOT_TOKEN, FRAUD, SIGNING_SECRET, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let app: App;
const recorded: Recorded = { submissions: [], clicks: [], warnings: [] };

beforeAll(async () => {
  sandbox = await startSandbox({ mode: 'http' });
  app = new App({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    clientOptions: { slackApiUrl: sandbox.apiUrl },
    logger: recordingLogger(recorded),
  });
  registerListeners(app, recorded);
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  sandbox.setAppUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
});

afterAll(async () => {
  await app?.stop();
  await sandbox?.stop();
});

describe('Bolt over HTTP', () => {
  it('answers the auth.test Bolt sends when it is constructed', async () => {
    const call = await sandbox.waitFor(
      () => sandbox.calls.find((c) => c.method === 'auth.test'),
      2000,
      'auth.test',
    );
    expect(call).toMatchObject({ ok: true, token: BOT_TOKEN });
  });

  it('round-trips a slash command: empty ack, then a reply at the response_url', async () => {
    const result = await sandbox.command(ALICE.id, 'Fraud ML', { channelId: FRAUD.id });
    expect(result.status).toBe(200);
    expect(result.body).toBeNull();
    expect(result.ackMs).toBeLessThan(3000);
    expect(await result.reply()).toMatchObject({ text: 'Summary for Fraud ML' });
  });

  it('returns an ack body the listener passed', async () => {
    const result = await sandbox.command(ALICE.id, 'slow');
    expect(result.body).toEqual({ text: 'Working on it…' });
    expect(await result.reply()).toMatchObject({ text: 'Done: slow' });
  });

  it('clicks a button in a DM, whose listener opens a modal with the fresh trigger_id', async () => {
    const posted = await app.client.chat.postMessage({
      channel: ALICE.id,
      text: 'Check-in',
      blocks: PROMPT_BLOCKS,
    });
    const click = await sandbox.clickButton(ALICE.id, { channel: ALICE.id, ts: posted.ts ?? '' }, 'answer');
    expect(click.status).toBe(200);
    expect(recorded.clicks).toEqual([{ actionId: 'answer', value: 'round-1' }]);
    const [modal] = await sandbox.waitFor(
      () => sandbox.openViews(ALICE.id).length > 0 && sandbox.openViews(ALICE.id),
    );
    expect(modal?.view.callback_id).toBe('checkin');
  });

  it('explains a click on a button that does not exist', async () => {
    const [message] = sandbox.dm(ALICE.id);
    await expect(
      sandbox.clickButton(ALICE.id, { channel: ALICE.id, ts: message?.ts ?? '' }, 'nope'),
    ).rejects.toThrow(/no element with action_id "nope".*answer \(button\)/);
    await expect(
      sandbox.clickButton(ALICE.id, { channel: ALICE.id, ts: '1.000000' }, 'answer'),
    ).rejects.toThrow(/no message 1.000000/);
  });

  it('returns response_action errors for an invalid submission and keeps the modal open', async () => {
    const result = await sandbox.fillAndSubmit(ALICE.id, { hours: 3 });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ response_action: 'errors', errors: { waiting: 'Pick one' } });
    expect(sandbox.openViews(ALICE.id)).toHaveLength(1);
    expect(recorded.submissions.at(-1)).toEqual({
      waiting: { value: { type: 'static_select', selected_option: null } },
      path: { value: { type: 'radio_buttons', selected_option: null } },
      hours: { value: { type: 'number_input', value: '3' } },
      blocker: { value: { type: 'plain_text_input', value: null } },
    });
  });

  it('closes the modal on an empty ack to a valid submission', async () => {
    const result = await sandbox.fillAndSubmit(ALICE.id, {
      waiting: '20',
      path: 'rewrite',
      hours: 4,
      blocker: 'pandas to PySpark',
    });
    expect(result).toMatchObject({ status: 200, body: null });
    expect(sandbox.openViews(ALICE.id)).toEqual([]);
    expect(recorded.submissions.at(-1)).toMatchObject({
      waiting: { value: { selected_option: { value: '20', text: { text: 'about 20%' } } } },
      path: { value: { selected_option: { value: 'rewrite' } } },
      blocker: { value: { value: 'pandas to PySpark' } },
    });
  });

  it('delivers app_home_opened, and records the Home tab the app publishes', async () => {
    expect((await sandbox.openHome(ALICE.id)).status).toBe(200);
    const home = await sandbox.waitFor(() => sandbox.homeView(ALICE.id), 2000, 'the Home tab');
    expect(JSON.stringify(home.blocks)).toContain('Your teams: Fraud ML');
  });

  it('is refused by Bolt with a forged or stale signature', async () => {
    const body = 'command=%2Ftooth-tail&text=help&user_id=U0ALICE';
    const form = 'application/x-www-form-urlencoded';
    expect((await sandbox.sendSigned(body, form, { secret: 'not-the-secret' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sandbox.sendSigned(body, form, { timestamp: stale })).status).toBe(401);
    recorded.warnings.length = 0;
  });

  it('logged no warnings along the way', () => {
    expect(recorded.warnings).toEqual([]);
  });
});

describe('Bolt over HTTP, edges', () => {
  it('answers url_verification with the challenge', async () => {
    const answer = await sandbox.sendEvent({ type: 'url_verification', token: 'x', challenge: 'c-123' });
    expect(answer).toEqual({ status: 200, body: { challenge: 'c-123' } });
  });

  it('explains a submission when no modal is open, or an answer for a block the modal lacks', async () => {
    await expect(sandbox.fillAndSubmit(ALICE.id, { waiting: '20' })).rejects.toThrow(/has no open modal/);
    const posted = await app.client.chat.postMessage({
      channel: ALICE.id,
      text: 'Check-in',
      blocks: PROMPT_BLOCKS,
    });
    await sandbox.clickButton(ALICE.id, { channel: ALICE.id, ts: posted.ts ?? '' }, 'answer');
    await sandbox.waitFor(() => sandbox.openViews(ALICE.id).length === 1, 2000, 'the modal');
    await expect(sandbox.fillAndSubmit(ALICE.id, { mood: 'great' })).rejects.toThrow(
      /no input block "mood"; input blocks: waiting, path, hours, blocker/,
    );
    await expect(sandbox.fillAndSubmit(ALICE.id, { waiting: '15' })).rejects.toThrow(
      /input "waiting" \(static_select\) has no option with value "15"/,
    );
  });
});
