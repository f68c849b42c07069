import type { TeamReport } from '../../services/messages.js';
import type { StoredResponse } from '../../storage/rounds.js';
import type { Team } from '../../storage/teams.js';
import { ANSWER_ACTION } from './check-in.js';
import { day, escapeText, pct, slackDate, VERDICT_LABEL } from './format.js';

/** Slack allows 100 blocks in a Home tab; each section below is capped to stay inside it. */
const MAX_TEAMS = 15;
const MAX_ANSWERS = 10;
const MAX_ADMIN_ROWS = 30;

export interface HomeInput {
  teams: Array<{ team: Team; report: TeamReport | null }>;
  openCheckIns: Array<{ teamName: string; roundId: number; closesAt: string; answered: boolean }>;
  ownAnswers: Array<{ teamName: string; response: StoredResponse }>;
  admin: { teams: Array<{ team: Team; report: TeamReport | null }> } | null;
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

const teamLine = ({ team, report }: { team: Team; report: TeamReport | null }): string => {
  if (!report) return `*${escapeText(team.name)}*: no closed check-in yet`;
  const f = report.summary.figures;
  return `*${escapeText(team.name)}*: E:D ${f.tail}:${f.tooth} · ${VERDICT_LABEL[f.failureMode]} · productive ${pct(f.medianProductivePct)}`;
};

const answerLine = ({ teamName, response }: { teamName: string; response: StoredResponse }): string => {
  const a = response.answers;
  const what =
    a.role === 'data-scientist'
      ? `waiting ${a.waitingPct}%, infra ${a.infraPct}%, path ${a.pathToProd}`
      : `rewrite ${a.rewritePct}%, support ${a.supportPct}%, platform ${a.platformPct}%`;
  return `${day(response.submittedAt)} · ${escapeText(teamName)}: ${what}${a.blocker ? ` · “${escapeText(a.blocker.slice(0, 80))}”` : ''}`;
};

/** The App Home: only the viewer's own answers, and team figures already k-protected. */
export function homeView(input: HomeInput): Record<string, unknown> {
  const blocks: unknown[] = [header('Your tooth-tail')];
  if (input.openCheckIns.length > 0) {
    for (const c of input.openCheckIns.slice(0, 5)) {
      blocks.push({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${escapeText(c.teamName)} check-in* is open until ${slackDate(c.closesAt)}.${c.answered ? ' You have answered; you can still edit.' : ''}`,
        },
        accessory: {
          type: 'button',
          action_id: ANSWER_ACTION,
          text: { type: 'plain_text', text: c.answered ? 'Edit my answers' : 'Answer (1 min)' },
          value: String(c.roundId),
          ...(c.answered ? {} : { style: 'primary' }),
        },
      });
    }
  } else {
    blocks.push(section('No check-in is open for you right now.'));
  }
  blocks.push({ type: 'divider' }, header('Your teams'));
  if (input.teams.length === 0) {
    blocks.push(section('You are not on a team yet. Join one with `/tooth-tail join <team> as <role>`.'));
  } else {
    const shown = input.teams.slice(0, MAX_TEAMS);
    blocks.push(section(shown.map(teamLine).join('\n')));
    if (input.teams.length > MAX_TEAMS) blocks.push(context(`…and ${input.teams.length - MAX_TEAMS} more.`));
  }
  blocks.push({ type: 'divider' }, header('Your answers'));
  if (input.ownAnswers.length === 0) {
    blocks.push(section('You have no stored answers.'));
  } else {
    blocks.push(section(input.ownAnswers.slice(0, MAX_ANSWERS).map(answerLine).join('\n')));
    blocks.push(context('Only you can see these. `/tooth-tail forget-me` deletes them.'));
  }
  if (input.admin) {
    blocks.push({ type: 'divider' }, header('Org overview (admins)'));
    const rows = input.admin.teams;
    if (rows.length === 0) {
      blocks.push(
        section('No teams yet. Start with `/tooth-tail team add <name>`, then `roster add` and `subscribe`.'),
      );
    } else {
      blocks.push(section(rows.slice(0, MAX_ADMIN_ROWS).map(teamLine).join('\n')));
      if (rows.length > MAX_ADMIN_ROWS) {
        blocks.push(
          context(
            `…and ${rows.length - MAX_ADMIN_ROWS} more teams: see \`/tooth-tail ratio\` or \`npx tooth-tail report\`.`,
          ),
        );
      }
    }
    blocks.push(
      context(
        'Setup: `team add`, `roster add`, `schedule`, `subscribe #channel all each-round`. `/tooth-tail help` lists all.',
      ),
    );
  }
  return { type: 'home', blocks };
}
