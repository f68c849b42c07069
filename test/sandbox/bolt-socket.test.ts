// The sandbox against a real Bolt app in Socket Mode: apps.connections.open, hello, envelopes, acks.
import { App, SocketModeReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { PROMPT_BLOCKS, type Recorded, recordingLogger, registerListeners } from './bolt-app.js';
import { ALICE, APP_TOKEN, BOT_TOKEN, FRAUD, startSandbox } from './helpers.js';

describe('Bolt in Socket Mode', () => {
  let sandbox: Sandbox;
  let app: App;
  const recorded: Recorded = { submissions: [], clicks: [], warnings: [] };

  beforeAll(async () => {
    sandbox = await startSandbox({ mode: 'socket' });
    app = new App({
      token: BOT_TOKEN,
      appToken: APP_TOKEN,
      socketMode: true,
      // SPEC section 7: the connection call uses installerOptions.clientOptions, the rest clientOptions.
      installerOptions: { clientOptions: { slackApiUrl: sandbox.apiUrl } },
      clientOptions: { slackApiUrl: sandbox.apiUrl },
      logger: recordingLogger(recorded),
    });
    registerListeners(app, recorded);
    await app.start();
  });

  afterAll(async () => {
    // Stop the app first: a Socket Mode client whose server disappears keeps trying to reconnect.
    await app?.stop();
    await sandbox?.stop();
  });

  it('connected with the app-level token through apps.connections.open', () => {
    expect(sandbox.socketConnections).toBe(1);
    expect(sandbox.calls.find((c) => c.method === 'apps.connections.open')).toMatchObject({
      ok: true,
      token: APP_TOKEN,
    });
  });

  it('delivers a slash command envelope and returns the ack payload, then the reply', async () => {
    const result = await sandbox.command(ALICE.id, 'slow', { channelId: FRAUD.id });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ text: 'Working on it…' });
    expect(await result.reply()).toMatchObject({ text: 'Done: slow' });
  });

  it('reports an empty ack as null', async () => {
    const result = await sandbox.command(ALICE.id, 'Fraud ML');
    expect(result).toMatchObject({ status: 200, body: null });
    expect(await result.reply()).toMatchObject({ text: 'Summary for Fraud ML' });
  });

  it('delivers interactive envelopes: a click that opens a modal, and a submission with errors', async () => {
    const posted = await app.client.chat.postMessage({
      channel: ALICE.id,
      text: 'Check-in',
      blocks: PROMPT_BLOCKS,
    });
    expect(
      (await sandbox.clickButton(ALICE.id, { channel: ALICE.id, ts: posted.ts ?? '' }, 'answer')).status,
    ).toBe(200);
    await sandbox.waitFor(() => sandbox.openViews(ALICE.id).length === 1, 2000, 'the check-in modal');
    const invalid = await sandbox.fillAndSubmit(ALICE.id, { path: 'self-serve' });
    expect(invalid.body).toEqual({ response_action: 'errors', errors: { waiting: 'Pick one' } });
    const valid = await sandbox.fillAndSubmit(ALICE.id, { waiting: '0', path: 'self-serve', hours: 0 });
    expect(valid).toMatchObject({ status: 200, body: null });
    expect(sandbox.openViews(ALICE.id)).toEqual([]);
  });

  it('delivers events_api envelopes', async () => {
    expect((await sandbox.openHome(ALICE.id)).status).toBe(200);
    await sandbox.waitFor(() => sandbox.homeView(ALICE.id), 2000, 'the Home tab');
  });

  it('logged no warnings along the way', () => {
    expect(recorded.warnings).toEqual([]);
  });
});

describe('Socket Mode heartbeat', () => {
  it('keeps a client with short ping timeouts connected and quiet: the sandbox pings and answers pings', async () => {
    const sandbox = await startSandbox({ mode: 'socket', socketPingIntervalMs: 100 });
    const recorded: Recorded = { submissions: [], clicks: [], warnings: [], debug: [] };
    const logger = recordingLogger(recorded);
    const receiver = new SocketModeReceiver({
      appToken: APP_TOKEN,
      installerOptions: { clientOptions: { slackApiUrl: sandbox.apiUrl } },
      // The client pings every clientPingTimeout / 3 and wants a pong within clientPingTimeout; it
      // disconnects when no server ping arrives within serverPingTimeout of the last one.
      clientPingTimeout: 600,
      serverPingTimeout: 400,
      pingPongLoggingEnabled: true,
      logger,
    });
    const app = new App({
      token: BOT_TOKEN,
      receiver,
      clientOptions: { slackApiUrl: sandbox.apiUrl },
      logger,
    });
    try {
      await app.start();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(sandbox.socketConnections).toBe(1);
      expect(sandbox.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
      expect(recorded.warnings).toEqual([]);
      const debug = recorded.debug ?? [];
      expect(debug.filter((line) => line.includes('received ping from Slack server')).length).toBeGreaterThan(
        5,
      );
      expect(debug.some((line) => line.includes('received pong from Slack server'))).toBe(true);
    } finally {
      await app.stop();
      await sandbox.stop();
    }
  });
});
