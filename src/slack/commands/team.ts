import { isValidTimeZone } from '../../domain/schedule.js';
import { InvalidInputError } from '../../services/errors.js';
import { channelAccessNote } from '../views/channel-notices.js';
import { escapeText } from '../views/format.js';
import { textReply } from '../views/replies.js';
import { defineCommand, here } from './module.js';

export const teamAdd = defineCommand<'team-add'>({
  key: 'team add',
  access: { who: 'admins', what: 'add teams' },
  local: false,
  run: async (ctx, command, { org, directory, channels }) => {
    if (command.timezone !== null && !isValidTimeZone(command.timezone)) {
      throw new InvalidInputError(
        `“${escapeText(command.timezone)}” is not a time zone I know. Use an IANA name such as Europe/London or America/New_York.`,
      );
    }
    const channelId = command.channel ? await directory.resolveChannel(command.channel, here(ctx)) : null;
    // A home channel is where the team's people talk; the app joins it (public) or asks for an invite.
    const access = channelId ? await channels.access(channelId) : null;
    const team = org.addTeam({
      workspaceId: ctx.workspaceId,
      name: command.team,
      channelId,
      timezone: command.timezone,
      createdBy: ctx.userId,
    });
    return textReply(
      `Added team *${escapeText(team.name)}* (${team.timezone}${channelId ? `, home <#${channelId}>` : ''}).${channelId && access ? channelAccessNote(channelId, access) : ''} Next: \`/tooth-tail roster add ${escapeText(team.name)} @person as data-scientist\`.`,
    );
  },
});

export const teamRemove = defineCommand<'team-remove'>({
  key: 'team remove',
  access: { who: 'admins', what: 'remove teams' },
  local: false,
  run: async (ctx, command, { org }) => {
    const team = org.removeTeam(ctx.workspaceId, command.team);
    return textReply(`Removed team *${escapeText(team.name)}*. Its past round summaries are kept.`);
  },
});
