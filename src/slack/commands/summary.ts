import type { AccessService } from '../../services/access.js';
import type { OrgService } from '../../services/org.js';
import { type Team, teamLabel } from '../../storage/teams.js';
import { teamDigest } from '../views/digest.js';
import { escapeText } from '../views/format.js';
import { noRoundYetReply, type Reply, textReply } from '../views/replies.js';
import { ANYONE, type CommandContext, type CommandDeps, defineCommand } from './module.js';

/** The teams a person is on, then those they lead and are not on, each once, by name. */
function yourTeams(ctx: CommandContext, org: OrgService, access: AccessService): Team[] {
  const teams = org.teamsOf(ctx.workspaceId, ctx.userId);
  for (const led of access.teamsLedBy(ctx.workspaceId, ctx.userId)) {
    if (!teams.some((t) => t.id === led.id)) teams.push(led);
  }
  return teams.sort((a, b) => a.name.localeCompare(b.name));
}

/** Slack allows 50 blocks per message; stop adding teams well before that. */
const MAX_BLOCKS = 40;

export const summary = defineCommand<'summary'>({
  key: 'summary',
  access: ANYONE,
  local: true,
  cache: 'person',
  run: (ctx, command, deps) => summaryReply(ctx, command.team, command.post, deps),
});

async function summaryReply(
  ctx: CommandContext,
  teamName: string | null,
  post: boolean,
  { org, access, reports }: CommandDeps,
): Promise<Reply> {
  const teams =
    teamName === null ? yourTeams(ctx, org, access) : [org.teamWithHistory(ctx.workspaceId, teamName)];
  if (teams.length === 0) {
    return textReply(
      'You are not on or leading any team. Name one: `/tooth-tail summary <team>`, or see `/tooth-tail teams`.',
    );
  }
  const blocks: unknown[] = [];
  const texts: string[] = [];
  for (const team of teams) {
    const report = reports.latest(team);
    if (report) {
      const digest = teamDigest(reports.detailed(team, report));
      blocks.push(...(digest.blocks ?? []));
      texts.push(digest.text);
    } else {
      const line = team.removedAt
        ? `*${escapeText(teamLabel(team))}* never closed a check-in.`
        : noRoundYetReply(team, reports.nextRound(team));
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: line } });
      texts.push(line);
    }
    if (blocks.length > MAX_BLOCKS) break;
  }
  return { text: texts.join('\n'), blocks, inChannel: post };
}
