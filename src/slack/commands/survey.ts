import { teamDigest } from '../views/digest.js';
import { escapeText, slackDate } from '../views/format.js';
import { textReply } from '../views/replies.js';
import { defineCommand } from './module.js';

export const surveyNow = defineCommand<'survey-now'>({
  key: 'survey now',
  access: { who: 'leads', what: 'open its check-ins', team: (c) => c.team },
  local: false,
  run: async (ctx, command, { org, rounds }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const round = await rounds.open(team, { openedBy: ctx.userId });
    const asked = org.members(team.id).length;
    return textReply(
      `Opened a check-in for *${escapeText(team.name)}*: ${asked} ${asked === 1 ? 'person' : 'people'} will get a DM now. It closes ${slackDate(round.closesAt)}.`,
    );
  },
});

export const surveyClose = defineCommand<'survey-close'>({
  key: 'survey close',
  access: { who: 'leads', what: 'close its check-ins', team: (c) => c.team },
  local: false,
  run: async (ctx, command, { org, rounds, reports }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const summary = rounds.closeTeamRound(team);
    const report = reports.latest(team);
    const f = summary.figures;
    return {
      ...(report ? teamDigest(report) : textReply('')),
      text: `Closed the *${escapeText(team.name)}* check-in: ${f.toothResponses + f.tailResponses} of ${f.tooth + f.tail} answered. Digests go to the subscribed channels.`,
    };
  },
});
