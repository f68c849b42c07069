import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { ALICE, clientFor, slackError, startSandbox } from './helpers.js';

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

it('accepts binary content and raw-byte uploads to the upload_url', async () => {
  const client = clientFor(sandbox);
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
  await client.filesUploadV2({
    channel_id: 'C0GENERAL',
    filename: 'chart.png',
    file: bytes,
    alt_text: 'ratio chart',
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
