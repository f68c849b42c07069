import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import {
  ALICE,
  BOB,
  BOT_TOKEN,
  blocksOf,
  clientFor,
  FRAUD,
  GENERAL,
  GONE,
  joinChannels,
  OTHER_BOT,
  slackError,
  startSandbox,
} from './helpers.js';

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox();
  await joinChannels(sandbox);
});

afterEach(async () => {
  await sandbox.stop();
});

describe('authentication', () => {
  it('answers invalid_auth for a token it did not issue, and records the call', async () => {
    const failure = await slackError(clientFor(sandbox, { token: 'xoxb-not-ours' }).auth.test());
    expect(failure.error).toBe('invalid_auth');
    expect(sandbox.calls.at(-1)).toMatchObject({ method: 'auth.test', ok: false, error: 'invalid_auth' });
  });

  it('answers not_authed without a token and not_allowed_token_type for the app token', async () => {
    expect((await slackError(clientFor(sandbox, { token: '' }).auth.test())).error).toBe('not_authed');
    expect((await slackError(clientFor(sandbox, { token: 'xapp-sandbox-test' }).auth.test())).error).toBe(
      'not_allowed_token_type',
    );
  });

  it('answers auth.test with the bot identity Bolt reads', async () => {
    const result = await clientFor(sandbox).auth.test();
    expect(result).toMatchObject({ ok: true, team_id: 'T0SANDBOX', user_id: 'UBOT', bot_id: 'B0SANDBOX' });
  });

  it('accepts a JSON body with the token as a field', async () => {
    const response = await fetch(`${sandbox.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ token: BOT_TOKEN, channel: GENERAL.id, text: 'hi', blocks: blocksOf(1) }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: GENERAL.id });
    expect(sandbox.calls.at(-1)?.args).not.toHaveProperty('token');
  });

  it('answers unknown_method for methods it does not speak', async () => {
    expect((await slackError(clientFor(sandbox).apiCall('reactions.add', {}))).error).toBe('unknown_method');
  });
});

describe('chat.postMessage', () => {
  it('posts to a user id into the bot DM with that person', async () => {
    const result = await clientFor(sandbox).chat.postMessage({
      channel: ALICE.id,
      text: 'Time for a check-in',
    });
    expect(result.channel).toBe(`D${ALICE.id}`);
    const [dm] = sandbox.dm(ALICE.id);
    expect(dm).toMatchObject({
      channel: `D${ALICE.id}`,
      ts: result.ts,
      text: 'Time for a check-in',
      updates: 0,
    });
    expect(sandbox.messages(ALICE.id)).toEqual(sandbox.dm(ALICE.id));
    expect(sandbox.dm(BOB.id)).toEqual([]);
  });

  it('records blocks parsed from the form body, with generated block ids where the app set none', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Fraud ML*' } }];
    await clientFor(sandbox).chat.postMessage({ channel: FRAUD.id, text: 'Fraud ML', blocks });
    const call = sandbox.calls.at(-1);
    expect(Array.isArray(call?.args.blocks)).toBe(true);
    const [message] = sandbox.messages(FRAUD.id);
    expect(message?.blocks).toEqual([{ ...blocks[0], block_id: expect.any(String) }]);
  });

  it('answers Slack errors for bad targets and bad content', async () => {
    const client = clientFor(sandbox);
    expect((await slackError(client.chat.postMessage({ channel: 'U0NOBODY', text: 'x' }))).error).toBe(
      'channel_not_found',
    );
    expect((await slackError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).error).toBe(
      'channel_not_found',
    );
    expect((await slackError(client.chat.postMessage({ channel: OTHER_BOT.id, text: 'x' }))).error).toBe(
      'cannot_dm_bot',
    );
    expect((await slackError(client.chat.postMessage({ channel: GONE.id, text: 'x' }))).error).toBe(
      'account_inactive',
    );
    expect((await slackError(client.chat.postMessage({ channel: GENERAL.id, text: '' }))).error).toBe(
      'no_text',
    );
    expect(
      (await slackError(client.chat.postMessage({ channel: GENERAL.id, text: 'x'.repeat(40_001) }))).error,
    ).toBe('msg_too_long');
    expect(sandbox.messages()).toEqual([]);
  });

  it('rejects 51 blocks, a section over 3000 characters and a header over 150 with invalid_blocks', async () => {
    // Five posts into one channel at once are more than its burst allows; limits are not the point here.
    sandbox.setLimits({ postMessagePerChannelPerSecond: null });
    const client = clientFor(sandbox);
    const tooMany = await slackError(
      client.chat.postMessage({ channel: GENERAL.id, text: 'x', blocks: blocksOf(51) }),
    );
    expect(tooMany.error).toBe('invalid_blocks');
    expect(tooMany.data.response_metadata).toMatchObject({
      messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'],
    });
    const longSection = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];
    const section = await slackError(
      client.chat.postMessage({ channel: GENERAL.id, text: 'x', blocks: longSection }),
    );
    expect(section.error).toBe('invalid_blocks');
    expect(JSON.stringify(section.data)).toContain('/blocks/0/text/text');
    const longHeader = [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }];
    expect(
      (await slackError(client.chat.postMessage({ channel: GENERAL.id, text: 'x', blocks: longHeader })))
        .error,
    ).toBe('invalid_blocks');
    await expect(
      client.chat.postMessage({ channel: GENERAL.id, text: 'x', blocks: blocksOf(50) }),
    ).resolves.toMatchObject({ ok: true });
  });
});

describe('chat.update, chat.postEphemeral', () => {
  it('updates a message in place and keeps its history', async () => {
    const client = clientFor(sandbox);
    const posted = await client.chat.postMessage({ channel: ALICE.id, text: 'Answer (1 min)' });
    await client.chat.update({ channel: `D${ALICE.id}`, ts: posted.ts ?? '', text: 'Thanks, recorded' });
    const [message] = sandbox.dm(ALICE.id);
    expect(message).toMatchObject({ text: 'Thanks, recorded', updates: 1 });
    expect(message?.history.map((v) => v.text)).toEqual(['Answer (1 min)', 'Thanks, recorded']);
    expect(
      (await slackError(client.chat.update({ channel: GENERAL.id, ts: '1.000001', text: 'x' }))).error,
    ).toBe('message_not_found');
  });

  it('records ephemeral messages with their message_ts', async () => {
    const result = await clientFor(sandbox).chat.postEphemeral({
      channel: GENERAL.id,
      user: BOB.id,
      text: 'only you',
    });
    expect(sandbox.ephemerals).toEqual([
      { channel: GENERAL.id, user: BOB.id, text: 'only you', messageTs: result.message_ts },
    ]);
  });
});

describe('conversations and users', () => {
  it('opens DMs by user id and refuses deactivated users and bots', async () => {
    const client = clientFor(sandbox);
    expect((await client.conversations.open({ users: ALICE.id })).channel?.id).toBe(`D${ALICE.id}`);
    expect((await slackError(client.conversations.open({ users: GONE.id }))).error).toBe('user_disabled');
    expect((await slackError(client.conversations.open({ users: 'U0NOBODY' }))).error).toBe('user_not_found');
  });

  it('lists and describes channels', async () => {
    const client = clientFor(sandbox);
    const list = await client.conversations.list({});
    expect(list.channels?.map((c) => c.id)).toEqual([GENERAL.id, FRAUD.id]);
    expect((await client.conversations.info({ channel: FRAUD.id })).channel).toMatchObject({
      name: 'fraud-ml',
    });
    expect((await slackError(client.conversations.info({ channel: 'C0NOPE' }))).error).toBe(
      'channel_not_found',
    );
  });

  it('derives tz_offset and tz_label from the IANA zone at the sandbox clock, across DST', async () => {
    let now = Date.parse('2025-07-01T12:00:00Z');
    const clocked = await startSandbox({ now: () => now });
    try {
      const client = clientFor(clocked);
      const summer = await client.users.info({ user: ALICE.id });
      expect(summer.user).toMatchObject({
        id: ALICE.id,
        name: 'alice',
        real_name: 'Alice Ng',
        tz: 'Europe/London',
        tz_offset: 3600,
        tz_label: 'British Summer Time',
        profile: { real_name: 'Alice Ng', display_name: 'alice' },
      });
      now = Date.parse('2025-01-15T12:00:00Z');
      expect((await client.users.info({ user: ALICE.id })).user?.tz_offset).toBe(0);
      expect((await client.users.info({ user: BOB.id })).user).toMatchObject({
        tz_offset: -28800,
        is_admin: true,
      });
      expect((await client.users.info({ user: GONE.id })).user?.deleted).toBe(true);
      expect((await slackError(client.users.info({ user: 'U0NOBODY' }))).error).toBe('user_not_found');
    } finally {
      await clocked.stop();
    }
  });

  it('pages users.list with cursors the WebClient follows', async () => {
    const client = clientFor(sandbox);
    const first = await client.users.list({ limit: 2 });
    expect(first.members).toHaveLength(2);
    expect(first.response_metadata?.next_cursor).not.toBe('');
    const ids: string[] = [];
    for await (const page of client.paginate('users.list', { limit: 2 })) {
      for (const member of (page as unknown as { members: Array<{ id: string }> }).members)
        ids.push(member.id);
    }
    expect(ids).toEqual(['UBOT', ALICE.id, BOB.id, GONE.id, OTHER_BOT.id]);
    expect((await slackError(client.users.list({ cursor: 'bm9wZQ==' }))).error).toBe('invalid_cursor');
  });

  it('sees users and channels added after start, and user updates', async () => {
    sandbox.addUser({ id: 'U0CAROL', name: 'carol', tz: 'Asia/Kolkata' });
    sandbox.addChannel({ id: 'C0NEW', name: 'new' });
    await joinChannels(sandbox, ['C0NEW']);
    sandbox.updateUser(ALICE.id, { deleted: true });
    const client = clientFor(sandbox);
    expect((await client.users.info({ user: 'U0CAROL' })).user?.tz_offset).toBe(19800);
    await expect(client.chat.postMessage({ channel: 'C0NEW', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    expect((await slackError(client.chat.postMessage({ channel: ALICE.id, text: 'x' }))).error).toBe(
      'account_inactive',
    );
    expect(() => sandbox.addUser({ id: 'U0X', name: 'x', tz: 'Mars/Olympus' })).toThrow(/Mars\/Olympus/);
  });
});
