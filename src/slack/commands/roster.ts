import { escapeText } from '../views/format.js';
import { mention, textReply } from '../views/replies.js';
import { defineCommand, roleText } from './module.js';

export const rosterAdd = defineCommand<'roster-add'>({
  key: 'roster add',
  access: { who: 'leads', what: 'change its roster', team: (c) => c.team },
  local: false,
  run: async (ctx, command, { org, directory }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const ids = await directory.resolveUsers(ctx.workspaceId, command.users);
    const change = org.addMembers(team, ids, command.role);
    const parts = [
      change.added.length > 0 ? `added ${change.added.map(mention).join(' ')}` : '',
      change.changed.length > 0 ? `changed ${change.changed.map(mention).join(' ')} to this role` : '',
      change.unchanged.length > 0 ? `${change.unchanged.map(mention).join(' ')} already had it` : '',
    ].filter((p) => p !== '');
    return textReply(`*${escapeText(team.name)}* as ${roleText(command.role)}: ${parts.join('; ')}.`);
  },
});

export const rosterRemove = defineCommand<'roster-remove'>({
  key: 'roster remove',
  access: { who: 'leads', what: 'change its roster', team: (c) => c.team },
  local: false,
  run: async (ctx, command, { org, directory }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const ids = await directory.resolveUsers(ctx.workspaceId, command.users);
    const { removed, absent } = org.removeMembers(team, ids);
    const parts = [
      removed.length > 0 ? `removed ${removed.map(mention).join(' ')}` : '',
      absent.length > 0
        ? `${absent.map(mention).join(' ')} ${absent.length === 1 ? 'was' : 'were'} not on it`
        : '',
    ].filter((p) => p !== '');
    return textReply(`*${escapeText(team.name)}*: ${parts.join('; ')}.`);
  },
});
