// The Socket Mode server seen from a bare WebSocket client: the handshake and the envelope protocol.
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { ALICE, APP_TOKEN, BOT_TOKEN, clientFor, slackError, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let sockets: WebSocket[];

beforeEach(async () => {
  sandbox = await startSandbox({ mode: 'socket', socketAckTimeoutMs: 200 });
  sockets = [];
});

afterEach(async () => {
  for (const ws of sockets) ws.terminate();
  await sandbox.stop();
});

async function connectionUrl(): Promise<string> {
  const result = await clientFor(sandbox, { token: APP_TOKEN }).apps.connections.open();
  return result.url ?? '';
}

/** Connects and resolves with the socket and its first message (the hello). */
function connect(url: string): Promise<{ ws: WebSocket; hello: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    sockets.push(ws);
    ws.once('message', (data) => resolve({ ws, hello: JSON.parse(String(data)) }));
    ws.once('error', reject);
  });
}

it('hands out a loopback ws URL for the app-level token only', async () => {
  expect(await connectionUrl()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/socket\?ticket=[0-9a-f-]{36}$/);
  const withBotToken = await slackError(clientFor(sandbox, { token: BOT_TOKEN }).apps.connections.open());
  expect(withBotToken.error).toBe('not_allowed_token_type');
});

it("greets with Slack's hello and refuses reused or unknown tickets", async () => {
  const url = await connectionUrl();
  const { hello } = await connect(url);
  expect(hello).toEqual({
    type: 'hello',
    num_connections: 1,
    debug_info: { host: 'sandbox', build_number: 1, approximate_connection_time: 18060 },
    connection_info: { app_id: 'A0SANDBOX' },
  });
  await expect(connect(url)).rejects.toThrow(/401/);
  await expect(connect(url.replace(/ticket=.*/, 'ticket=forged'))).rejects.toThrow(/401/);
});

it('sends a slash_commands envelope and returns the payload of its ack', async () => {
  const { ws } = await connect(await connectionUrl());
  ws.on('message', (data) => {
    const envelope = JSON.parse(String(data)) as {
      envelope_id: string;
      type: string;
      accepts_response_payload: boolean;
    };
    expect(envelope).toMatchObject({ type: 'slash_commands', accepts_response_payload: true });
    ws.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: 'Working on it' } }));
  });
  const result = await sandbox.command(ALICE.id, 'help');
  expect(result).toMatchObject({ status: 200, body: { text: 'Working on it' } });
});

it('gives up with status 504 when an envelope is not acked in time', async () => {
  await connect(await connectionUrl());
  const result = await sandbox.command(ALICE.id, 'help');
  expect(result.status).toBe(504);
  expect(result.body).toBeNull();
  expect(result.ackMs).toBeGreaterThanOrEqual(190);
});

it('explains that no app is connected', async () => {
  await expect(sandbox.command(ALICE.id, 'help')).rejects.toThrow(/no Socket Mode connection/);
});
