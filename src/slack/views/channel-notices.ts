// What the app says about the channels digests go to: how to add it, what went wrong, what's fixed.
import type { ChannelAccess } from '../../services/channels.js';
import type { MessagePayload } from '../../storage/outbox.js';
import { escapeText } from './format.js';

const INVITE = '`/invite @tooth-tail`';

const scopeText = (scopeName: string | null): string =>
  scopeName === null ? 'the whole org' : `*${escapeText(scopeName)}*`;

/** The fix for each way Slack refuses a post in a channel. */
export function channelFix(channelId: string, error: string): string {
  const channel = `<#${channelId}>`;
  switch (error) {
    case 'is_archived':
      return `${channel} is archived. Unarchive it, or move the digests: \`/tooth-tail unsubscribe #old-channel\`, then \`/tooth-tail subscribe #new-channel\`.`;
    case 'channel_not_found':
    case 'invalid_channel':
      return `I cannot find ${channel}: it was deleted, or it is a private channel I am not in. If it is private, type ${INVITE} in it; if it was deleted, unsubscribe it and subscribe another channel.`;
    default:
      return `I am not a member of ${channel}. Type ${INVITE} in ${channel} and the next digest will arrive there.`;
  }
}

/** The line a `subscribe` or `team add` reply adds about the channel. */
export function channelAccessNote(channelId: string, access: ChannelAccess): string {
  switch (access.kind) {
    case 'member':
      return '';
    case 'joined':
      return ` I joined <#${channelId}> so I can post there.`;
    case 'invite':
      return access.error === 'channel_not_found' || access.error === 'method_not_supported_for_channel_type'
        ? ` :warning: Waiting: I cannot post in <#${channelId}> yet. If it is a private channel, type ${INVITE} in <#${channelId}>; I will confirm there.`
        : ` :warning: Waiting: I could not join <#${channelId}> (Slack said \`${access.error}\`). Type ${INVITE} in <#${channelId}>; I will confirm there.`;
  }
}

export function channelProblemMessage(input: {
  channelId: string;
  error: string;
  scopeName: string | null;
}): MessagePayload {
  const lead = `Slack refused the tooth-tail digest for ${scopeText(input.scopeName)} in <#${input.channelId}> (\`${input.error}\`).`;
  const fix = channelFix(input.channelId, input.error);
  const after = 'I will try again with the next digest; this is the only message you get about this problem.';
  return {
    text: `${lead} ${fix} ${after}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${lead}\n${fix}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: after }] },
    ],
  };
}

export function channelReadyMessage(input: {
  channelId: string;
  scopes: Array<{ scopeName: string | null; cadence: string }>;
  homeOf: string[];
}): MessagePayload {
  const lines = [
    ...input.scopes.map((s) => `• digests for ${scopeText(s.scopeName)}, ${s.cadence}`),
    ...input.homeOf.map((name) => `• the home channel of *${escapeText(name)}*`),
  ];
  const text = `Thanks for adding tooth-tail. This channel gets:\n${lines.join('\n')}\nOnly team-level figures are posted, and only where enough people answered.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
