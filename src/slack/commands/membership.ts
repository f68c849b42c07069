import { escapeText } from '../views/format.js';
import { joinRequestMessage } from '../views/join-request.js';
import { mention, textReply } from '../views/replies.js';
import { ANYONE, defineCommand, roleText } from './module.js';

/**
 * `join` is a request: the team's leads (or, when it has none, the admins in ADMIN_USER_IDS)
 * get a DM with Approve and Decline, and the requester hears the outcome. Letting anyone put
 * themselves on any team would let one person change another team's ratio. A lead or an admin
 * joins at once: they could add themselves with `roster add` anyway.
 */
export const join = defineCommand<'join'>({
  key: 'join',
  access: ANYONE,
  local: false,
  run: async (ctx, command, { org, access, slack, logger }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const role = roleText(command.role);
    const name = `*${escapeText(team.name)}*`;
    const outcome = await access.requestJoin(
      team,
      ctx.userId,
      command.role,
      await access.mayManage(team, ctx.userId),
    );
    switch (outcome.kind) {
      case 'member':
        return textReply(
          outcome.already
            ? `You are already on ${name} as ${role}.`
            : `You are on ${name} as ${role}. You will get its next check-in by DM.`,
        );
      case 'no-approvers':
        return textReply(
          `${name} has no leads, and no admin is named in ADMIN_USER_IDS, so nobody here can approve your request. Ask a workspace admin to run \`/tooth-tail roster add ${escapeText(team.name)} @you as ${role}\`.`,
        );
      case 'pending': {
        const who = access.leadsOf(team).length > 0 ? `${name}'s leads` : 'the admins';
        const names = outcome.approvers.map(mention).join(', ');
        if (!outcome.created) {
          return textReply(`You already asked to join ${name}; ${who} (${names}) have not decided yet.`);
        }
        const message = joinRequestMessage({
          requestId: outcome.request.id,
          teamName: team.name,
          userId: ctx.userId,
          role,
        });
        const asked = [];
        for (const approver of outcome.approvers) {
          try {
            await slack.postMessage(approver, message);
            asked.push(approver);
          } catch (error) {
            // One approver Slack will not reach (deactivated, say) must not stop the others.
            logger.error(`join request ${outcome.request.id}: could not DM ${approver}`, error);
          }
        }
        if (asked.length === 0) {
          return textReply(
            `I could not reach ${who} (${names}) to approve your request to join ${name}. Please try again later, or ask one of them to add you.`,
          );
        }
        return textReply(
          `Asked ${who} (${asked.map(mention).join(', ')}) to approve you joining ${name} as ${role}. I will tell you here when one of them decides.`,
        );
      }
    }
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
