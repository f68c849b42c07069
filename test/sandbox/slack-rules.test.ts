// The sandbox's defaults are Slack's own rules (SPEC section 8; issue 11, item 7): channel
// membership, joins, archived and deleted channels, people from other organisations, uninstall.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { ALICE, clientFor, FRAUD, GENERAL, slackError, startSandbox } from './helpers.js';

const PRIVATE = { id: 'C0PRIVATE', name: 'leads', isPrivate: true };
let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({
    channels: [GENERAL, FRAUD, PRIVATE],
    users: [ALICE, { id: 'U0GUEST', name: 'guest', tz: 'UTC', external: true }],
  });
});
afterEach(async () => {
  await sandbox.stop();
});

describe('channel membership', () => {
  it('lets the bot post only where it joined or was added', async () => {
    const client = clientFor(sandbox);
    expect((await client.conversations.info({ channel: GENERAL.id })).channel).toMatchObject({
      is_member: false,
    });
    expect((await slackError(client.chat.postMessage({ channel: GENERAL.id, text: 'x' }))).error).toBe(
      'not_in_channel',
    );
    expect(await client.conversations.join({ channel: GENERAL.id })).toMatchObject({
      ok: true,
      channel: { id: GENERAL.id, is_member: true },
    });
    expect(await client.conversations.join({ channel: GENERAL.id })).toMatchObject({
      warning: 'already_in_channel',
    });
    await expect(client.chat.postMessage({ channel: GENERAL.id, text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    // Someone removes the app again.
    sandbox.removeApp(GENERAL.id);
    expect((await slackError(client.chat.postMessage({ channel: GENERAL.id, text: 'x' }))).error).toBe(
      'not_in_channel',
    );
  });

  it('hides a private channel until the app is added, and never lets it join one', async () => {
    const client = clientFor(sandbox);
    expect((await slackError(client.conversations.info({ channel: PRIVATE.id }))).error).toBe(
      'channel_not_found',
    );
    expect((await slackError(client.conversations.join({ channel: PRIVATE.id }))).error).toBe(
      'channel_not_found',
    );
    expect((await slackError(client.chat.postMessage({ channel: PRIVATE.id, text: 'x' }))).error).toBe(
      'channel_not_found',
    );
    expect((await client.conversations.list({ types: 'private_channel' })).channels).toEqual([]);
    // Even one it was added to: private channels are joined only by invitation.
    sandbox.addChannel({ ...PRIVATE, id: 'C0ADDED', appIsMember: true });
    expect((await slackError(client.conversations.join({ channel: 'C0ADDED' }))).error).toBe(
      'method_not_supported_for_channel_type',
    );
  });

  it('refuses archived channels with is_archived and deleted ones with channel_not_found', async () => {
    const client = clientFor(sandbox);
    await client.conversations.join({ channel: FRAUD.id });
    sandbox.archiveChannel(FRAUD.id);
    expect((await client.conversations.info({ channel: FRAUD.id })).channel).toMatchObject({
      is_archived: true,
    });
    expect((await slackError(client.chat.postMessage({ channel: FRAUD.id, text: 'x' }))).error).toBe(
      'is_archived',
    );
    expect((await slackError(client.conversations.join({ channel: FRAUD.id }))).error).toBe('is_archived');
    sandbox.deleteChannel(FRAUD.id);
    expect((await slackError(client.chat.postMessage({ channel: FRAUD.id, text: 'x' }))).error).toBe(
      'channel_not_found',
    );
    expect((await slackError(client.conversations.join({ channel: 'C0NOPE' }))).error).toBe(
      'channel_not_found',
    );
  });
});

describe('people', () => {
  it('shows a person from another organisation as Slack Connect does, and leaves them out of users.list', async () => {
    const client = clientFor(sandbox);
    expect((await client.users.info({ user: 'U0GUEST' })).user).toMatchObject({
      team_id: 'T0EXTERNAL',
      is_stranger: true,
    });
    expect((await client.users.info({ user: ALICE.id })).user).toMatchObject({ team_id: 'T0SANDBOX' });
    expect((await client.users.list({})).members?.map((m) => m.id)).not.toContain('U0GUEST');
  });
});

describe('uninstall', () => {
  it('answers every bot-token call with the dead-token error until the app is reinstalled', async () => {
    const client = clientFor(sandbox);
    await sandbox.uninstallApp({ events: false });
    expect((await slackError(client.auth.test())).error).toBe('account_inactive');
    expect((await slackError(client.users.info({ user: ALICE.id }))).error).toBe('account_inactive');
    await sandbox.uninstallApp({ tokenError: 'invalid_auth', events: false });
    expect((await slackError(client.auth.test())).error).toBe('invalid_auth');
    sandbox.reinstallApp();
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true, team_id: 'T0SANDBOX' });
  });
});
