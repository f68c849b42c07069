import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { ALICE, GENERAL, startRecordingApp, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let app: Awaited<ReturnType<typeof startRecordingApp>>;
let now: number;

beforeEach(async () => {
  now = Date.now();
  app = await startRecordingApp();
  sandbox = await startSandbox({ appUrl: app.url, now: () => now });
});

afterEach(async () => {
  await sandbox.stop();
  await app.close();
});

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

it('accepts five posts to a response_url and refuses the sixth with 404 used_url', async () => {
  const result = await sandbox.command(ALICE.id, 'help');
  expect(result.responseUrl).toMatch(new RegExp(`^${sandbox.url}/response/[0-9a-f]{32}$`));
  for (let i = 1; i <= 5; i++) {
    const response = await post(result.responseUrl, { text: `reply ${i}` });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  }
  const sixth = await post(result.responseUrl, { text: 'reply 6' });
  expect(sixth.status).toBe(404);
  expect(await sixth.text()).toBe('used_url');
  expect(await result.reply()).toEqual({ text: 'reply 1' });
  expect(result.replies()).toHaveLength(5);
  expect(sandbox.responses).toHaveLength(5);
});

it('expires a response_url after 30 minutes', async () => {
  const result = await sandbox.command(ALICE.id, 'help');
  now += 30 * 60 * 1000 + 1;
  const response = await post(result.responseUrl, { text: 'late' });
  expect(response.status).toBe(404);
  expect(await response.text()).toBe('expired_url');
});

it('shows an in_channel reply in the channel and keeps ephemeral ones out of it', async () => {
  const result = await sandbox.command(ALICE.id, 'summary Fraud post', { channelId: GENERAL.id });
  await post(result.responseUrl, { text: 'only you' });
  await post(result.responseUrl, { response_type: 'in_channel', text: 'Fraud ML: healthy' });
  expect(sandbox.messages(GENERAL.id)).toMatchObject([{ text: 'Fraud ML: healthy', viaResponseUrl: true }]);
});

it('rejects reply() with a clear error when nothing is posted in time', async () => {
  const result = await sandbox.command(ALICE.id, 'help');
  await expect(result.reply(50)).rejects.toThrow(
    /timed out after 50 ms waiting for a reply to \/tooth-tail help/,
  );
});
