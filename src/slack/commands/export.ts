import { teamLabel } from '../../storage/teams.js';
import { escapeText } from '../views/format.js';
import { textReply } from '../views/replies.js';
import { ANYONE, defineCommand } from './module.js';

export const exportCsv = defineCommand<'export'>({
  key: 'export',
  access: ANYONE,
  local: false,
  run: async (ctx, command, { org, reports, slack }) => {
    const team = command.team === null ? null : org.teamWithHistory(ctx.workspaceId, command.team);
    const { csv, rows } = reports.exportCsv(ctx.workspaceId, team);
    const stamp = new Date().toISOString().slice(0, 10);
    const filename = `tooth-tail-${team ? team.name.replace(/[^A-Za-z0-9_-]+/g, '-') : 'all'}-${stamp}.csv`;
    await slack.uploadFile({
      channel: ctx.userId,
      filename,
      title: `tooth-tail round summaries${team ? `: ${teamLabel(team)}` : ''}`,
      content: Buffer.from(csv, 'utf8'),
      initialComment: `${rows} round summar${rows === 1 ? 'y' : 'ies'}. Figures withheld by the anonymity rule are empty.`,
    });
    const removed = team?.removedAt ? ` *${escapeText(team.name)}* was removed; this is its history.` : '';
    return textReply(`Sent *${filename}* (${rows} round${rows === 1 ? '' : 's'}) to your DM.${removed}`);
  },
});
