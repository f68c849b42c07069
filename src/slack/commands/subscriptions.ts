import type { ChannelRef, Scope } from '../../domain/command.js';
import type { Directory } from '../../services/directory.js';
import { channelAccessNote } from '../views/channel-notices.js';
import { escapeText } from '../views/format.js';
import { subscriptionsReply, textReply } from '../views/replies.js';
import { ANYONE, type CommandContext, defineCommand, here } from './module.js';

/** The channel (this one unless named) and the scope (`all` unless named) a command is about. */
async function channelAndScope(
  ctx: CommandContext,
  command: { channel: ChannelRef | null; scope: Scope | null },
  directory: Directory,
): Promise<{ channelId: string; scope: Scope }> {
  return {
    channelId: command.channel ? await directory.resolveChannel(command.channel, here(ctx)) : ctx.channelId,
    scope: command.scope ?? { kind: 'all' },
  };
}

/** The team a subscription command names; null for `all`, which is also the default. */
const teamOf = (command: { scope: Scope | null }): string | null =>
  command.scope?.kind === 'team' ? command.scope.team : null;

export const subscribe = defineCommand<'subscribe'>({
  key: 'subscribe',
  access: {
    who: 'leads',
    what: 'subscribe channels to its digests',
    team: teamOf,
    orgWhat: "subscribe channels to the whole org's digests",
    // `subscribe Recommendations sometimes` is about Recommendations: its leads may hear that
    // "sometimes" is no cadence; anyone else hears who may subscribe it.
    find: (org, workspaceId, command) =>
      org.subscribedTeam(workspaceId, teamOf(command) ?? '', command.cadenceSlip).team,
  },
  local: false,
  run: async (ctx, command, { channels, directory }) => {
    const { channelId, scope } = await channelAndScope(ctx, command, directory);
    const cadence = command.cadence ?? 'each-round';
    const { created, team, access } = await channels.subscribe({
      workspaceId: ctx.workspaceId,
      place: { channelId: ctx.channelId, channelName: ctx.channelName },
      channelId,
      named: command.channel !== null,
      scope,
      cadence,
      cadenceSlip: command.cadenceSlip,
      createdBy: ctx.userId,
    });
    const what = team ? `*${escapeText(team.name)}*` : 'the whole org';
    return textReply(
      `${created ? 'Subscribed' : 'Updated'} <#${channelId}>: digests for ${what}, ${cadence}.${channelAccessNote(channelId, access)} Only team-level figures are posted, and only where enough people answered.`,
    );
  },
});

export const unsubscribe = defineCommand<'unsubscribe'>({
  key: 'unsubscribe',
  access: {
    who: 'leads',
    what: 'stop its digests',
    team: teamOf,
    orgWhat: "stop the whole org's digests",
  },
  local: false,
  run: async (ctx, command, { org, directory }) => {
    const { channelId, scope } = await channelAndScope(ctx, command, directory);
    const { removed, team } = org.unsubscribe(ctx.workspaceId, channelId, scope);
    const what = team ? `*${escapeText(team.name)}*` : 'the whole org';
    return textReply(
      removed
        ? `<#${channelId}> no longer gets digests for ${what}.`
        : `<#${channelId}> was not subscribed to ${what}. See \`/tooth-tail subscriptions\`.`,
    );
  },
});

export const subscriptions = defineCommand<'subscriptions'>({
  key: 'subscriptions',
  access: ANYONE,
  local: true,
  run: async (ctx, _command, { org }) => subscriptionsReply(org.subscriptions(ctx.workspaceId)),
});
