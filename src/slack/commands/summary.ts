import { teamDigest } from '../views/digest.js';
import { noRoundYetReply, type Reply, textReply } from '../views/replies.js';
import { ANYONE, type CommandContext, type CommandDeps, defineCommand } from './module.js';

/** Slack allows 50 blocks per message; stop adding teams well before that. */
const MAX_BLOCKS = 40;

export const summary = defineCommand<'summary'>({
  key: 'summary',
  access: ANYONE,
  local: true,
  run: (ctx, command, deps) => summaryReply(ctx, command.team, command.post, deps),
});

async function summaryReply(
  ctx: CommandContext,
  teamName: string | null,
  post: boolean,
  { org, reports }: CommandDeps,
): Promise<Reply> {
  const teams =
    teamName === null ? org.teamsOf(ctx.workspaceId, ctx.userId) : [org.team(ctx.workspaceId, teamName)];
  if (teams.length === 0) {
    return textReply(
      'You are not on any team. Name one: `/tooth-tail summary <team>`, or see `/tooth-tail teams`.',
    );
  }
  const blocks: unknown[] = [];
  const texts: string[] = [];
  for (const team of teams) {
    const report = reports.latest(team);
    if (report) {
      const digest = teamDigest(report);
      blocks.push(...(digest.blocks ?? []));
      texts.push(digest.text);
    } else {
      const line = noRoundYetReply(team, reports.nextRound(team));
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: line } });
      texts.push(line);
    }
    if (blocks.length > MAX_BLOCKS) break;
  }
  return { text: texts.join('\n'), blocks, inChannel: post };
}
