// conversations.open, conversations.list, conversations.info and conversations.join.
import { z } from 'zod';
import type { SandboxChannel, SandboxUser } from '../types.js';
import { dmChannelId, type Workspace } from '../workspace.js';
import { count, invalidArguments, type Method, parseArgs, SlackApiError } from './method.js';
import { paginate } from './paginate.js';

function channelJson(workspace: Workspace, c: SandboxChannel): Record<string, unknown> {
  const isPrivate = c.isPrivate ?? false;
  return {
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: !isPrivate,
    is_group: isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: isPrivate,
    is_archived: c.isArchived ?? false,
    is_general: false,
    is_member: c.appIsMember ?? false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    context_team_id: workspace.identity.teamId,
    created: 1_600_000_000,
    creator: workspace.identity.botUserId,
  };
}

function imJson(user: SandboxUser): Record<string, unknown> {
  return {
    id: dmChannelId(user.id),
    is_im: true,
    is_open: true,
    is_org_shared: false,
    user: user.id,
    created: 1_600_000_000,
    is_user_deleted: user.deleted ?? false,
  };
}

export const open: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(z.object({ users: z.string().optional(), channel: z.string().optional() }), args);
    const ids = (a.users ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (ids.length === 0 && a.channel !== undefined) {
      const user = /^D/.test(a.channel) ? workspace.users.get(a.channel.slice(1)) : undefined;
      if (user === undefined || user.isBot) throw new SlackApiError('channel_not_found');
      return { ok: true, channel: { id: dmChannelId(user.id) } };
    }
    if (ids.length === 0) throw new SlackApiError('users_list_not_supplied');
    if (ids.length > 1)
      throw invalidArguments(['[ERROR] the sandbox opens one-to-one DMs only [json-pointer:/users]']);
    const user = workspace.users.get(ids[0] ?? '');
    if (user === undefined) throw new SlackApiError('user_not_found');
    if (user.deleted) throw new SlackApiError('user_disabled');
    if (user.isBot) throw new SlackApiError('cannot_dm_bot');
    return { ok: true, channel: { id: dmChannelId(user.id) } };
  },
};

export const list: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(
      z.object({ types: z.string().optional(), limit: count.optional(), cursor: z.string().optional() }),
      args,
    );
    const types = new Set((a.types ?? 'public_channel').split(',').map((t) => t.trim()));
    const channels = [...workspace.channels.values()]
      .filter((c) => types.has(c.isPrivate ? 'private_channel' : 'public_channel'))
      // A bot sees only the private channels it is in (scope groups:read).
      .filter((c) => visibleToApp(c))
      .map((c) => channelJson(workspace, c));
    const ims = types.has('im')
      ? [...workspace.users.values()].filter((u) => !u.isBot).map((u) => imJson(u))
      : [];
    const page = paginate([...channels, ...ims], (c) => String(c.id), 'channel', a.limit, a.cursor);
    return { ok: true, channels: page.items, response_metadata: { next_cursor: page.nextCursor } };
  },
};

/**
 * A private channel exists for the app only once it is a member: until then conversations.info
 * and conversations.list do not show it, and Slack answers `channel_not_found`
 * (docs.slack.dev/reference/scopes/groups.read: the private channels "that your app has been
 * added to").
 */
function visibleToApp(c: SandboxChannel): boolean {
  return !c.isPrivate || c.appIsMember === true;
}

/**
 * conversations.info reports `is_member` and `is_archived` as they are
 * (docs.slack.dev/reference/objects/conversation-object).
 */
export const info: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(z.object({ channel: z.string().default('') }), args);
    const channel = workspace.channels.get(a.channel);
    if (channel !== undefined) {
      if (!visibleToApp(channel)) throw new SlackApiError('channel_not_found');
      return { ok: true, channel: channelJson(workspace, channel) };
    }
    const user = /^D/.test(a.channel) ? workspace.users.get(a.channel.slice(1)) : undefined;
    if (user === undefined || user.isBot) throw new SlackApiError('channel_not_found');
    return { ok: true, channel: imJson(user) };
  },
};

/**
 * conversations.join (docs.slack.dev/reference/methods/conversations.join; bot scope
 * `channels:join`, Tier 3): a bot joins public channels only. A private channel answers
 * `method_not_supported_for_channel_type` (someone must `/invite` the app), an archived one
 * `is_archived`, an unknown one `channel_not_found`; joining again succeeds with the warning
 * `already_in_channel`, as the method's example response shows.
 */
export const join: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(z.object({ channel: z.string().default('') }), args);
    const channel = workspace.channels.get(a.channel);
    if (channel === undefined) {
      if (/^D[UW]/.test(a.channel)) throw new SlackApiError('method_not_supported_for_channel_type');
      throw new SlackApiError('channel_not_found');
    }
    if (channel.isPrivate) {
      if (!visibleToApp(channel)) throw new SlackApiError('channel_not_found');
      throw new SlackApiError('method_not_supported_for_channel_type');
    }
    if (channel.isArchived) throw new SlackApiError('is_archived');
    const already = channel.appIsMember === true;
    channel.appIsMember = true;
    return {
      ok: true,
      channel: channelJson(workspace, channel),
      ...(already
        ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } }
        : {}),
    };
  },
};
