import { escapeText } from '../views/format.js';
import { textReply } from '../views/replies.js';
import { ANYONE, defineCommand, roleText } from './module.js';

export const join = defineCommand<'join'>({
  key: 'join',
  access: ANYONE,
  local: true,
  run: async (ctx, command, { org }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const change = org.addMembers(team, [ctx.userId], command.role);
    const role = roleText(command.role);
    return textReply(
      change.unchanged.length > 0
        ? `You are already on *${escapeText(team.name)}* as ${role}.`
        : `You are on *${escapeText(team.name)}* as ${role}. You will get its next check-in by DM.`,
    );
  },
});

/** Anyone may take themselves off a team, always. */
export const leave = defineCommand<'leave'>({
  key: 'leave',
  access: ANYONE,
  local: true,
  run: async (ctx, command, { org }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const { removed } = org.removeMembers(team, [ctx.userId]);
    return textReply(
      removed.length > 0
        ? `You have left *${escapeText(team.name)}*. Past summaries keep counting you where you were.`
        : `You are not on *${escapeText(team.name)}*.`,
    );
  },
});
