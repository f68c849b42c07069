import { escapeText } from '../views/format.js';
import { mention, textReply } from '../views/replies.js';
import { defineCommand } from './module.js';

/** Leads manage a team's roster, schedule and subscriptions; they are not put on its roster. */
export const leadAdd = defineCommand<'lead-add'>({
  key: 'lead add',
  access: { who: 'admins', what: 'choose team leads' },
  local: false,
  run: async (ctx, command, { org, access, directory }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const ids = await directory.resolveUsers(ctx.workspaceId, command.users);
    const { added, already } = access.addLeads(team, ids, ctx.userId);
    const parts = [
      added.length > 0 ? `${added.map(mention).join(' ')} now lead${added.length === 1 ? 's' : ''} it` : '',
      already.length > 0 ? `${already.map(mention).join(' ')} already led it` : '',
    ].filter((p) => p !== '');
    return textReply(
      `*${escapeText(team.name)}*: ${parts.join('; ')}. Leads manage its roster, schedule and subscriptions and decide who joins; they are surveyed only if they are also on its roster.`,
    );
  },
});

export const leadRemove = defineCommand<'lead-remove'>({
  key: 'lead remove',
  access: { who: 'admins', what: 'choose team leads' },
  local: false,
  run: async (ctx, command, { org, access, directory }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const ids = await directory.resolveUsers(ctx.workspaceId, command.users);
    const { removed, absent } = access.removeLeads(team, ids);
    const parts = [
      removed.length > 0
        ? `${removed.map(mention).join(' ')} no longer lead${removed.length === 1 ? 's' : ''} it`
        : '',
      absent.length > 0 ? `${absent.map(mention).join(' ')} did not lead it` : '',
    ].filter((p) => p !== '');
    return textReply(`*${escapeText(team.name)}*: ${parts.join('; ')}.`);
  },
});
