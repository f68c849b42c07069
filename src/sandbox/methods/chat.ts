// chat.postMessage, chat.update, chat.delete and chat.postEphemeral.
import { z } from 'zod';
import { messageBlockErrors, withGeneratedIds } from '../block-kit.js';
import type { Message } from '../types.js';
import type { Workspace } from '../workspace.js';
import { invalidArguments, type Method, parseArgs, SlackApiError } from './method.js';

/** Slack refuses message text above 40,000 characters with `msg_too_long`. */
const MAX_TEXT = 40_000;

const ts = z.union([z.string(), z.number()]).transform(String);

const content = {
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
};

/** Valid blocks, or the error Slack answers; undefined when the call has no blocks. */
function checkedBlocks(blocks: unknown): unknown[] | undefined {
  if (blocks === undefined || blocks === '') return undefined;
  if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  const problems = messageBlockErrors(blocks);
  if (problems.length > 0) throw invalidArguments(problems, 'invalid_blocks');
  return blocks;
}

function checkText(text: string | undefined, blocks: unknown[] | undefined, attachments: unknown): void {
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (
    (text === undefined || text === '') &&
    (blocks === undefined || blocks.length === 0) &&
    !hasAttachments
  ) {
    throw new SlackApiError('no_text');
  }
  if (text !== undefined && text.length > MAX_TEXT) throw new SlackApiError('msg_too_long');
}

export function messageJson(workspace: Workspace, m: Message): Record<string, unknown> {
  const { botUserId, botId, appId, teamId } = workspace.identity;
  return {
    type: 'message',
    user: m.user,
    bot_id: m.user === botUserId ? botId : undefined,
    app_id: m.user === botUserId ? appId : undefined,
    text: m.text,
    blocks: m.blocks,
    ts: m.ts,
    team: teamId,
    thread_ts: m.threadTs,
  };
}

/**
 * chat.postMessage's channel rules (docs.slack.dev/reference/methods/chat.postMessage, "Errors"):
 * `is_archived` for an archived channel, `not_in_channel` when the bot is not a member (an app
 * without `chat:write.public` posts only where it was added), and `channel_not_found` for a channel
 * that does not exist or was deleted (and for a private channel the app cannot see).
 */
export const postMessage: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(
      z.object({ channel: z.string().default(''), thread_ts: ts.optional(), ...content }),
      args,
    );
    const target = workspace.resolveConversation(a.channel, true);
    if (!target.ok) throw new SlackApiError(target.error);
    if (target.channel !== undefined) {
      if (target.channel.isPrivate && target.channel.appIsMember !== true)
        throw new SlackApiError('channel_not_found');
      if (target.channel.isArchived) throw new SlackApiError('is_archived');
      if (target.channel.appIsMember !== true) throw new SlackApiError('not_in_channel');
    }
    const blocks = checkedBlocks(a.blocks);
    checkText(a.text, blocks, a.attachments);
    const message = workspace.postMessage({
      channel: target.channelId,
      text: a.text ?? '',
      blocks,
      threadTs: a.thread_ts,
    });
    return { ok: true, channel: message.channel, ts: message.ts, message: messageJson(workspace, message) };
  },
};

function existingMessage(workspace: Workspace, channel: string, at: string): Message {
  const target = workspace.resolveConversation(channel, false);
  const message = target.ok ? workspace.findMessage(target.channelId, at) : undefined;
  if (message === undefined) {
    throw new SlackApiError(
      target.ok || target.error !== 'channel_not_found' ? 'message_not_found' : 'channel_not_found',
    );
  }
  return message;
}

export const update: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(z.object({ channel: z.string().default(''), ts: ts.default(''), ...content }), args);
    const message = existingMessage(workspace, a.channel, a.ts);
    const blocks = checkedBlocks(a.blocks);
    if (a.text === undefined && blocks === undefined && a.attachments === undefined)
      throw new SlackApiError('no_text');
    if (a.text !== undefined && a.text.length > MAX_TEXT) throw new SlackApiError('msg_too_long');
    workspace.updateMessage(message, a.text, blocks);
    return {
      ok: true,
      channel: message.channel,
      ts: message.ts,
      text: message.text,
      message: messageJson(workspace, message),
    };
  },
};

export const remove: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(z.object({ channel: z.string().default(''), ts: ts.default('') }), args);
    const message = existingMessage(workspace, a.channel, a.ts);
    workspace.deleteMessage(message);
    return { ok: true, channel: message.channel, ts: message.ts };
  },
};

export const postEphemeral: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(
      z.object({ channel: z.string().default(''), user: z.string().default(''), ...content }),
      args,
    );
    const target = workspace.resolveConversation(a.channel, true);
    if (!target.ok) throw new SlackApiError(target.error);
    const user = workspace.users.get(a.user);
    if (user === undefined || user.deleted) throw new SlackApiError('user_not_found');
    if (target.dmUser !== undefined && target.dmUser.id !== user.id)
      throw new SlackApiError('user_not_in_channel');
    const blocks = checkedBlocks(a.blocks);
    checkText(a.text, blocks, a.attachments);
    const messageTs = workspace.nextTs();
    workspace.ephemerals.push({
      channel: target.channelId,
      user: user.id,
      text: a.text ?? '',
      ...(blocks === undefined ? {} : { blocks: withGeneratedIds(blocks) }),
      messageTs,
    });
    return { ok: true, message_ts: messageTs };
  },
};
