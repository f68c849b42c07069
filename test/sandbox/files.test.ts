import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { ALICE, clientFor, joinChannels, slackError, startSandbox } from './helpers.js';

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox();
});

afterEach(async () => {
  await sandbox.stop();
});

it('records a filesUploadV2 upload end to end: content, channel, title and comment', async () => {
  const client = clientFor(sandbox);
  const { channel } = await client.conversations.open({ users: ALICE.id });
  const csv = 'team,round_id,verdict\nFraud ML,1,handmaid\n';
  const result = await client.filesUploadV2({
    channel_id: channel?.id ?? '',
    filename: 'tooth-tail-export.csv',
    title: 'tooth-tail export',
    content: csv,
    initial_comment: 'Your export',
  });
  expect(result.ok).toBe(true);
  const [file] = sandbox.files;
  expect(file).toMatchObject({
    filename: 'tooth-tail-export.csv',
    title: 'tooth-tail export',
    channels: [`D${ALICE.id}`],
    initialComment: 'Your export',
  });
  expect(file?.content.toString('utf8')).toBe(csv);
  expect(sandbox.dm(ALICE.id)).toEqual([]);
  expect(sandbox.calls.map((c) => c.method)).toEqual([
    'conversations.open',
    'files.getUploadURLExternal',
    'files.completeUploadExternal',
  ]);
  expect(sandbox.calls[1]?.args).toMatchObject({
    filename: 'tooth-tail-export.csv',
    length: String(csv.length),
  });
});

it('accepts binary content with its alt_txt, shared into a channel the bot joined, and raw-byte uploads', async () => {
  const client = clientFor(sandbox);
  await joinChannels(sandbox, ['C0GENERAL']);
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
  const ticket = await client.files.getUploadURLExternal({
    filename: 'chart.png',
    length: bytes.length,
    alt_txt: 'ratio chart',
  } as never);
  await fetch(ticket.upload_url ?? '', { method: 'POST', body: bytes });
  await client.files.completeUploadExternal({
    files: [{ id: ticket.file_id ?? '' }],
    channel_id: 'C0GENERAL',
  });
  expect(sandbox.files[0]?.content.equals(bytes)).toBe(true);
  expect(sandbox.files[0]?.altText).toBe('ratio chart');

  const { upload_url: uploadUrl, file_id: fileId } = await client.files.getUploadURLExternal({
    filename: 'raw.txt',
    length: 3,
  });
  const posted = await fetch(uploadUrl ?? '', { method: 'POST', body: 'abc' });
  expect(await posted.text()).toBe('OK - 3');
  await client.files.completeUploadExternal({ files: [{ id: fileId ?? '' }] });
  expect(sandbox.files[1]).toMatchObject({ filename: 'raw.txt', channels: [] });
  expect(sandbox.files[1]?.content.toString()).toBe('abc');
});

it('takes the alt text only as Slack documents it: alt_txt, at most 1,000 characters', async () => {
  const client = clientFor(sandbox);
  // @slack/web-api 8's filesUploadV2 sends `alt_text`, which files.getUploadURLExternal does not document.
  const helper = await slackError(
    client.filesUploadV2({
      channel_id: 'C0GENERAL',
      filename: 'c.png',
      file: Buffer.from('x'),
      alt_text: 'a',
    }),
  );
  expect(helper.error).toBe('invalid_arguments');
  const long = client.files.getUploadURLExternal({
    filename: 'c.png',
    length: 1,
    alt_txt: 'a'.repeat(1001),
  } as never);
  expect((await slackError(long)).error).toBe('alt_txt_too_large');
  await expect(
    client.files.getUploadURLExternal({ filename: 'c.png', length: 1, alt_txt: 'a'.repeat(1000) } as never),
  ).resolves.toMatchObject({ ok: true });
});

it('shares into a channel only where the bot is a member, as a message is posted', async () => {
  const client = clientFor(sandbox);
  const share = async (channel: string) => {
    const ticket = await client.files.getUploadURLExternal({ filename: 'c.png', length: 1 });
    await fetch(ticket.upload_url ?? '', { method: 'POST', body: 'x' });
    return client.files.completeUploadExternal({
      files: [{ id: ticket.file_id ?? '' }],
      channel_id: channel,
    });
  };
  expect((await slackError(share('C0GENERAL'))).error).toBe('no_permission');
  expect((await slackError(share('C0NOPE'))).error).toBe('invalid_channel');
  await joinChannels(sandbox, ['C0GENERAL']);
  sandbox.archiveChannel('C0GENERAL');
  expect((await slackError(share('C0GENERAL'))).error).toBe('is_archived');
  sandbox.archiveChannel('C0GENERAL', false);
  await expect(share('C0GENERAL')).resolves.toMatchObject({ ok: true });
  expect(sandbox.files.map((f) => f.channels)).toEqual([['C0GENERAL']]);
});

it('refuses to complete unknown or never-uploaded files', async () => {
  const client = clientFor(sandbox);
  expect((await slackError(client.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }] }))).error).toBe(
    'invalid_arguments',
  );
  const { file_id: fileId } = await client.files.getUploadURLExternal({ filename: 'x.csv', length: 1 });
  expect(
    (await slackError(client.files.completeUploadExternal({ files: [{ id: fileId ?? '' }] }))).error,
  ).toBe('invalid_arguments');
  expect(sandbox.files).toEqual([]);
});
