// The App Home tab (SPEC section 6): a member's teams, open check-ins and own answers; for
// admins the org table, the frontier and setup hints.

import type { TeamHeadcount } from '../../services/org.js';
import type { OrgReport, OrgTeamRow } from '../../services/report-types.js';
import type { StoredResponse } from '../../storage/rounds.js';
import { ANSWER_ACTION } from './check-in.js';
import { escapeText, headcountText, slackDate, slackDay, VERDICT_LABEL, withTrend } from './format.js';
import {
  capacityOrgText,
  clamp,
  context,
  frontierText,
  header,
  orgTeamText,
  packLines,
  peopleLine,
  section,
  tailPoolText,
  teamName,
  verdictCounts,
} from './org-table.js';
import { PATH_LABELS } from './survey-modal.js';

/**
 * Slack allows 100 blocks in a Home tab. Each part below is capped so that the whole stays
 * near 45 for any org, whatever the number of teams or answers.
 */
export const MAX_HOME_BLOCKS = 100;
const MAX_OPEN = 5;
const MAX_TEAMS = 15;
const MAX_ANSWERS = 10;
const MAX_ADMIN_TEAMS = 10;
const MAX_HINT_NAMES = 5;

export interface OpenCheckIn {
  teamName: string;
  roundId: number;
  closesAt: string;
  answered: boolean;
}

export interface OwnAnswer {
  teamName: string;
  response: StoredResponse;
}

export interface HomeInput {
  /** The viewer's teams with their latest reports (already k-protected). */
  teams: OrgTeamRow[];
  /** Open rounds that asked the viewer. */
  openCheckIns: OpenCheckIn[];
  /** The viewer's own stored answers, newest first; nobody else's. */
  ownAnswers: OwnAnswer[];
  admin: { org: OrgReport; hints: string[] } | null;
  /** Everything the app stores about the viewer, said in full (SPEC section 5). */
  stored?: StoredAboutYou;
}

export interface StoredAboutYou {
  memberships: Array<{ teamName: string; role: string; specialty: string | null; since: string }>;
  profile: { name: string | null; tz: string | null; fetchedAt: string } | null;
  answers: number;
  retentionDays: number;
}

/** What tooth-tail keeps about the viewer, so nobody has to ask. */
function storedBlocks(stored: StoredAboutYou): unknown[] {
  const teams =
    stored.memberships.length === 0
      ? 'no team'
      : stored.memberships
          .slice(0, MAX_TEAMS)
          .map(
            (m) =>
              `${teamName(m.teamName)} as ${m.specialty ? `${m.role}:${m.specialty}` : m.role} since ${slackDay(m.since)}`,
          )
          .join('; ');
  const profile = stored.profile
    ? `from your Slack profile, your name (${escapeText(stored.profile.name ?? '–')}) and time zone (${escapeText(stored.profile.tz ?? '–')}), refreshed ${slackDay(stored.profile.fetchedAt)}, to send check-ins at your local time`
    : 'nothing from your Slack profile yet';
  return [
    section(
      [
        `• Your teams and roles: ${teams}.`,
        `• ${stored.answers} answer${stored.answers === 1 ? '' : 's'}, each with your Slack id and when you gave it (listed above), so that you can see, change and delete them; nobody else ever sees them.`,
        `• ${profile[0]?.toUpperCase()}${profile.slice(1)}.`,
        `• Answers are deleted ${stored.retentionDays} days after their check-in closed; team figures, which hold no one's answers, are kept.`,
      ].join('\n'),
    ),
    context(
      'Confidential, not anonymous: your id is kept with your answers only so that you can manage them. `/tooth-tail forget-me` deletes them now.',
    ),
  ];
}

const memberTeamLine = ({ team, report }: OrgTeamRow): string => {
  const name = `*${teamName(team.name)}*`;
  if (report === null) return `${name}: no closed check-in yet`;
  const f = report.summary.figures;
  const p = report.previous?.figures;
  return `${name}: ${headcountText(f)} · ${VERDICT_LABEL[f.failureMode]} · productive ${withTrend(f.medianProductivePct, p?.medianProductivePct)} · answered ${f.toothResponses}/${f.tooth} data scientists, ${f.tailResponses}/${f.tail} engineers`;
};

const answerLine = ({ teamName: name, response }: OwnAnswer): string => {
  const a = response.answers;
  const what =
    a.role === 'data-scientist'
      ? `waiting ${a.waitingPct}%, infra ${a.infraPct}%, last piece: ${PATH_LABELS[a.pathToProd]}`
      : `rewrite ${a.rewritePct}%, support ${a.supportPct}%, platform ${a.platformPct}%`;
  const blocker = a.blocker ? ` · “${escapeText(clamp(a.blocker, 80))}”` : '';
  return `${slackDay(response.submittedAt)} · ${teamName(name)}: ${what}${blocker}`;
};

const more = (n: number, what: string): string => `…and ${n} more ${what}.`;

function checkInBlocks(openCheckIns: OpenCheckIn[]): unknown[] {
  if (openCheckIns.length === 0) return [section('No check-in is open for you right now.')];
  const blocks: unknown[] = openCheckIns.slice(0, MAX_OPEN).map((c) => ({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*${teamName(c.teamName)} check-in* is open until ${slackDate(c.closesAt)}.${c.answered ? ' You have answered; you can still edit.' : ''}`,
    },
    accessory: {
      type: 'button',
      action_id: ANSWER_ACTION,
      text: { type: 'plain_text', text: c.answered ? 'Edit my answers' : 'Answer (1 min)' },
      value: String(c.roundId),
      ...(c.answered ? {} : { style: 'primary' }),
    },
  }));
  if (openCheckIns.length > MAX_OPEN)
    blocks.push(context(`${more(openCheckIns.length - MAX_OPEN, 'open check-ins')} Your DMs have them all.`));
  return blocks;
}

function teamBlocks(teams: OrgTeamRow[]): unknown[] {
  if (teams.length === 0)
    return [section('You are not on a team yet. Join one with `/tooth-tail join <team> as <role>`.')];
  const blocks: unknown[] = packLines(teams.slice(0, MAX_TEAMS).map(memberTeamLine)).map(section);
  if (teams.length > MAX_TEAMS)
    blocks.push(
      context(`${more(teams.length - MAX_TEAMS, 'teams')} \`/tooth-tail summary <team>\` shows any.`),
    );
  return blocks;
}

function answerBlocks(answers: OwnAnswer[]): unknown[] {
  if (answers.length === 0) return [section('You have no stored answers.')];
  const rest = answers.length - MAX_ANSWERS;
  return [
    ...packLines(answers.slice(0, MAX_ANSWERS).map(answerLine)).map(section),
    context(
      `${rest > 0 ? `${more(rest, 'older answers')} ` : ''}Only you can see these. \`/tooth-tail forget-me\` deletes them all.`,
    ),
  ];
}

function adminBlocks(admin: NonNullable<HomeInput['admin']>): unknown[] {
  const { org, hints } = admin;
  const blocks: unknown[] = [{ type: 'divider' }, header('Org overview (admins)')];
  if (org.teams.length > 0) {
    const rest = org.teams.length - MAX_ADMIN_TEAMS;
    blocks.push(
      context(
        `${verdictCounts(org)}.${peopleLine(org)} Figures only where at least ${org.k} people in a group answered (– = withheld).`,
      ),
      ...org.teams.slice(0, MAX_ADMIN_TEAMS).map((row) => section(orgTeamText(row))),
      ...(rest > 0
        ? [
            context(
              `${more(rest, 'teams')} \`/tooth-tail ratio\` or \`npx tooth-tail report\` lists them all.`,
            ),
          ]
        : []),
      section(capacityOrgText(org.capacity, org.teams.length)),
      section(tailPoolText(org.tailPool)),
      section(frontierText(org)),
    );
  }
  blocks.push(header('Setup hints'), ...packLines(hints.map((h) => `• ${h}`)).map(section));
  return blocks;
}

/** The App Home: only the viewer's own answers, and team figures already k-protected. */
export function homeView(input: HomeInput): { type: 'home'; blocks: unknown[] } {
  const blocks: unknown[] = [
    header('Your tooth-tail'),
    ...checkInBlocks(input.openCheckIns),
    { type: 'divider' },
    header('Your teams'),
    ...teamBlocks(input.teams),
    { type: 'divider' },
    header('Your answers'),
    ...answerBlocks(input.ownAnswers),
    ...(input.stored
      ? [{ type: 'divider' }, header('What tooth-tail stores about you'), ...storedBlocks(input.stored)]
      : []),
    ...(input.admin ? adminBlocks(input.admin) : []),
  ];
  return { type: 'home', blocks };
}

const names = (teams: Array<{ name: string }>): string => {
  const shown = teams.slice(0, MAX_HINT_NAMES).map((t) => teamName(t.name));
  return `${shown.join(', ')}${teams.length > MAX_HINT_NAMES ? ` and ${teams.length - MAX_HINT_NAMES} more` : ''}`;
};

/** What an admin could set up next, from the org's rosters and subscriptions. */
export function setupHints(input: {
  headcounts: TeamHeadcount[];
  subscriptions: number;
  k: number;
}): string[] {
  const { headcounts, k } = input;
  if (headcounts.length === 0)
    return [
      'Add your first team: `/tooth-tail team add <name> #channel tz Europe/London`.',
      'Then `/tooth-tail roster add <team> @person as data-scientist` (or `engineer:infra`, …).',
    ];
  const hints: string[] = [];
  const empty = headcounts.filter((h) => h.tooth + h.tail === 0).map((h) => h.team);
  if (empty.length > 0)
    hints.push(
      `${empty.length} team${empty.length === 1 ? ' has' : 's have'} nobody on the roster (${names(empty)}): \`/tooth-tail roster add <team> @person as data-scientist\`.`,
    );
  const small = headcounts.filter((h) => h.tooth + h.tail > 0 && h.tooth < k).map((h) => h.team);
  if (small.length > 0)
    hints.push(
      `${small.length} team${small.length === 1 ? ' has' : 's have'} fewer than ${k} data scientists (${names(small)}), so ${small.length === 1 ? 'its' : 'their'} figures will always be withheld: consider grouping small teams.`,
    );
  if (input.subscriptions === 0)
    hints.push('No channel gets digests yet: `/tooth-tail subscribe #channel all each-round`.');
  hints.push(
    'Schedules: `/tooth-tail schedule <team> 0 10 * * MON tz Europe/London open 3d`. `/tooth-tail help` lists every command.',
  );
  return hints;
}
