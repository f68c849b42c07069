import { isValidTimeZone } from '../../domain/schedule.js';
import { InvalidInputError } from '../../services/errors.js';
import { channelAccessNote } from '../views/channel-notices.js';
import { escapeText, slackDate } from '../views/format.js';
import { textReply } from '../views/replies.js';
import { defineCommand, here } from './module.js';

export const teamAdd = defineCommand<'team-add'>({
  key: 'team add',
  access: { who: 'admins', what: 'add teams' },
  local: false,
  run: async (ctx, command, { org, reports, directory, channels }) => {
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
    // The home channel is where the team's digests go, unless someone says otherwise.
    if (channelId && access) {
      const { subscription } = org.subscribe({
        workspaceId: ctx.workspaceId,
        channelId,
        scope: { kind: 'team', team: team.name },
        cadence: 'each-round',
        createdBy: ctx.userId,
      });
      channels.recordAccess(ctx.workspaceId, channelId, subscription.id, access);
    }
    const name = escapeText(team.name);
    const next = reports.nextRound(team).at;
    return textReply(
      [
        `Added team *${name}* (${team.timezone}).`,
        next
          ? `Its first check-in opens ${slackDate(next.toISOString())} (\`${team.scheduleCron}\` in ${team.timezone}, open ${team.openDays} days) for the people on its roster; change that with \`/tooth-tail schedule ${name} <minute hour day month weekday> [open <days>d]\`.`
          : '',
        channelId
          ? `<#${channelId}> gets its digests after each round (\`/tooth-tail unsubscribe <#${channelId}> ${name}\` stops them).${access ? channelAccessNote(channelId, access) : ''}`
          : '',
        `Next: \`/tooth-tail roster add ${name} @person as data-scientist\`.`,
      ]
        .filter((line) => line !== '')
        .join(' '),
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
