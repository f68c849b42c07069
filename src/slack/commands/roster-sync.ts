import type { RosterSyncResult } from '../../services/roster-sync.js';
import { escapeText } from '../views/format.js';
import { mention, textReply } from '../views/replies.js';
import { defineCommand, roleText } from './module.js';

const changesText = (result: RosterSyncResult): string => {
  const parts = [
    result.added.length > 0 ? `added ${result.added.map(mention).join(' ')}` : '',
    result.changed.length > 0 ? `changed the role of ${result.changed.map(mention).join(' ')}` : '',
    result.removed.length > 0 ? `took ${result.removed.map(mention).join(' ')} off (not in its groups)` : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('; ') : 'it already matched';
};

export const rosterSync = defineCommand<'roster-sync'>({
  key: 'roster sync',
  access: { who: 'leads', what: 'make its roster follow a user group', team: (c) => c.team },
  local: false,
  run: async (ctx, command, { org, rosterSync }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const group = await rosterSync.resolve(command.group);
    const result = await rosterSync.sync(team, group, command.role, ctx.userId);
    const name = escapeText(team.name);
    return textReply(
      `*${name}* now follows <!subteam^${group.id}> as ${roleText(command.role)}: ${changesText(result)}. ` +
        `Its roster is the ${result.members} ${result.members === 1 ? 'person' : 'people'} in its synced groups, and follows them as they change in Slack; the next check-in asks the roster as it is then. ` +
        `People added by hand are taken off at the next change: change the group in Slack instead.`,
    );
  },
});

export const rosterUnsync = defineCommand<'roster-unsync'>({
  key: 'roster unsync',
  access: { who: 'leads', what: 'make its roster follow a user group', team: (c) => c.team },
  local: false,
  run: async (ctx, command, { org, rosterSync }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const group = await rosterSync.resolve(command.group);
    const name = escapeText(team.name);
    return textReply(
      rosterSync.unsync(team, group.id)
        ? `*${name}* no longer follows <!subteam^${group.id}>. Its roster stays as it is; change it with \`/tooth-tail roster add\` and \`roster remove\`.`
        : `*${name}* was not following <!subteam^${group.id}>.`,
    );
  },
});
