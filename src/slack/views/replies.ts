// Replies to `/tooth-tail` commands that are not digests: short mrkdwn, ephemeral by default.

import type { TeamHeadcount } from '../../services/org.js';
import type { Subscription } from '../../storage/subscriptions.js';
import type { Team } from '../../storage/teams.js';
import { channelFix } from './channel-notices.js';
import { escapeText, slackDate } from './format.js';

export interface Reply {
  text: string;
  blocks?: unknown[];
  /** Posted in the channel for everyone, instead of only to the person who asked. */
  inChannel?: boolean;
}

export const textReply = (text: string): Reply => ({ text });

export const mention = (userId: string): string => `<@${userId}>`;

export function teamsReply(rows: Array<TeamHeadcount & { leads?: string[] }>): Reply {
  if (rows.length === 0)
    return textReply('There are no teams yet. An admin can add one with `/tooth-tail team add <name>`.');
  const lines = rows.map(
    ({ team, tooth, tail, leads = [] }) =>
      `• *${escapeText(team.name)}*: ${tooth} data scientist${tooth === 1 ? '' : 's'}, ${tail} engineer${tail === 1 ? '' : 's'}${team.channelId ? ` · <#${team.channelId}>` : ''} · ${team.timezone} · ${leads.length === 0 ? 'no leads' : `lead${leads.length === 1 ? '' : 's'} ${leads.map(mention).join(', ')}`}`,
  );
  return textReply(`*Teams*\n${lines.join('\n')}`);
}

export function subscriptionsReply(
  rows: Array<{ subscription: Subscription; teamName: string | null }>,
): Reply {
  if (rows.length === 0) {
    return textReply(
      'No channel is subscribed yet. Try `/tooth-tail subscribe #channel <team|all> each-round`.',
    );
  }
  return textReply(
    `*Subscriptions*\n${rows
      .map(
        ({ subscription, teamName }) =>
          `• <#${subscription.channelId}>: ${teamName === null ? 'the whole org' : escapeText(teamName)}, ${subscription.cadence}${problemNote(subscription)}`,
      )
      .join('\n')}`,
  );
}

/** Beside a subscription whose channel refuses digests: what is wrong, and the fix. */
function problemNote(subscription: Subscription): string {
  if (subscription.problem === null) return '';
  // Not in the channel, or cannot see it (a private channel it was never added to): an invite fixes both.
  const waiting = subscription.problem === 'not_in_channel' || subscription.problem === 'channel_not_found';
  const state = waiting ? 'waiting' : `refused (\`${subscription.problem}\`)`;
  return `\n   :warning: ${state}: ${channelFix(subscription.channelId, subscription.problem)}`;
}

export function noRoundYetReply(team: Team, next: { openNow: boolean; at: Date | null }): string {
  const when = next.openNow
    ? 'a check-in is open now'
    : next.at
      ? `the next check-in opens ${slackDate(next.at.toISOString())}`
      : 'it has no schedule';
  return `*${escapeText(team.name)}* has no closed check-in yet; ${when}.`;
}
