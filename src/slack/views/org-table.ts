import type { TeamReport } from '../../services/messages.js';
import type { Team } from '../../storage/teams.js';
import { escapeText, mixText, VERDICT_LABEL, withTrend } from './format.js';
import type { Reply } from './replies.js';

/** Slack allows 50 blocks per message; the table keeps room for its header and footer. */
const MAX_TEAM_ROWS = 45;

/** The org table: one line per team with its latest ratio, verdict, productive share and trend. */
export function orgTable(rows: Array<{ team: Team; report: TeamReport | null }>): Reply {
  if (rows.length === 0)
    return { text: 'There are no teams yet. An admin can add one with `/tooth-tail team add <name>`.' };
  const lines = rows.slice(0, MAX_TEAM_ROWS).map(({ team, report }) => {
    if (!report) return `*${escapeText(team.name)}*: no closed check-in yet`;
    const f = report.summary.figures;
    const p = report.previous?.figures;
    return `*${escapeText(team.name)}*: E:D ${f.tail}:${f.tooth}${f.ratio === null ? '' : ` (${f.ratio.toFixed(2)})`} · ${mixText(f.tailMix)} · ${VERDICT_LABEL[f.failureMode]} · productive ${withTrend(f.medianProductivePct, p?.medianProductivePct)}`;
  });
  const more =
    rows.length > MAX_TEAM_ROWS
      ? `\n…and ${rows.length - MAX_TEAM_ROWS} more teams (see \`npx tooth-tail report\`).`
      : '';
  return {
    text: `Tooth-to-tail ratio by team (${rows.length} teams)`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Tooth-to-tail ratio by team' } },
      ...lines.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
      ...(more ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: more }] }] : []),
    ],
  };
}
