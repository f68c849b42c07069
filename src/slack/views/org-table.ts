// The org table and the ratio frontier (SPEC sections 4 and 6): the `ratio` reply, the digest
// for `all` subscriptions, and the admin part of the App Home.
import type { FrontierBand } from '../../domain/frontier.js';
import { describeSignal, recommendation } from '../../domain/recommend.js';
import type { FailureMode } from '../../domain/types.js';
import type { OrgReport, OrgTeamRow } from '../../services/report-types.js';
import type { MessagePayload } from '../../storage/outbox.js';
import { escapeText, mixText, pct, ratioText, VERDICT_LABEL, WITHHELD, withTrend } from './format.js';
import type { Reply } from './replies.js';

/** Slack caps a section's text at 3000 characters and a header's at 150. */
export const MAX_TEXT = 3000;
export const MAX_HEADER = 150;
/**
 * Slack allows 50 blocks per message. A team is one block and the frame about eight, so twenty
 * teams fit with room to spare; the rest are counted and pointed at the CLI.
 */
export const MAX_TEAM_ROWS = 20;
/** Team names are at most 80 characters when added through Slack; older rows are cut too. */
const MAX_NAME = 80;

/** Cuts text to Slack's limit, marking the cut. */
export const clamp = (text: string, max: number = MAX_TEXT): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

export const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: clamp(text) } });
export const header = (text: string) => ({
  type: 'header',
  text: { type: 'plain_text', text: clamp(text, MAX_HEADER) },
});
export const context = (text: string) => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clamp(text) }],
});

/** Packs lines into as few section texts as Slack's 3000 characters allow; a long line is cut. */
export function packLines(lines: readonly string[], max: number = MAX_TEXT): string[] {
  const packed: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clamp(raw, max);
    if (current !== '' && current.length + 1 + line.length > max) {
      packed.push(current);
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') packed.push(current);
  return packed;
}

export const teamName = (name: string): string => escapeText(clamp(name, MAX_NAME));

/** "4/6 (67%)", saying so when the group's figures are withheld for it. */
const answered = (responses: number, asked: number, k: number): string =>
  asked === 0
    ? 'nobody asked'
    : `${responses}/${asked} (${Math.round((responses / asked) * 100)}%${responses > 0 && responses < k ? `, fewer than ${k}: withheld` : ''})`;

/**
 * One team's row of the org table: ratio as E:D and engineers per data scientist, the tail's
 * mix, the verdict with its signals and recommendation, productive share with its trend, and
 * the response rate per role. Only team-level figures that met k.
 */
export function orgTeamText({ team, report }: OrgTeamRow): string {
  const name = `*${teamName(team.name)}*`;
  if (report === null) return `${name} · no closed check-in yet`;
  const f = report.summary.figures;
  const p = report.previous?.figures;
  const signals = f.signals.map(describeSignal).join('; ');
  const mixChanged =
    p !== undefined && (p.tail !== f.tail || JSON.stringify(p.tailMix) !== JSON.stringify(f.tailMix))
      ? `\n:arrows_counterclockwise: tail changed since the previous round: ${mixText(p.tailMix)} → ${mixText(f.tailMix)}`
      : '';
  return [
    `${name} · E:D ${ratioText(f)} · tail: ${mixText(f.tailMix)}`,
    `${VERDICT_LABEL[f.failureMode]}${signals ? `: ${signals}` : ''}${mixChanged}`,
    `_${recommendation(f.failureMode)}_`,
    `Productive share ${withTrend(f.medianProductivePct, p?.medianProductivePct)} · answered: data scientists ${answered(f.toothResponses, f.tooth, f.k)}, engineers ${answered(f.tailResponses, f.tail, f.k)}`,
  ].join('\n');
}

const VERDICT_ORDER: Array<FailureMode | 'none'> = [
  'healthy',
  'handmaid',
  'full-stack',
  'both',
  'insufficient-data',
  'none',
];
const VERDICT_WORDS: Record<FailureMode | 'none', string> = {
  healthy: 'healthy',
  handmaid: 'handmaid',
  'full-stack': 'full-stack',
  both: 'both modes',
  'insufficient-data': 'not enough answers',
  none: 'no check-in yet',
};

/** "12 teams: 5 healthy, 3 handmaid, 1 no check-in yet". */
export function verdictCounts(report: OrgReport): string {
  const counts = new Map<FailureMode | 'none', number>();
  for (const { report: r } of report.teams) {
    const key = r === null ? 'none' : r.summary.figures.failureMode;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const parts = VERDICT_ORDER.filter((v) => counts.has(v)).map((v) => `${counts.get(v)} ${VERDICT_WORDS[v]}`);
  const n = report.teams.length;
  return `${n} team${n === 1 ? '' : 's'}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/**
 * "40 people, each counted once (3 on more than one team)": a person on two teams is in both
 * teams' ratios, since each team's roster is what it is, but counted once across the org.
 */
export function peopleLine(report: OrgReport): string {
  if (!report.people) return '';
  const { people, onSeveralTeams } = report.people;
  return ` ${people} ${people === 1 ? 'person' : 'people'} on the rosters, each counted once${onSeveralTeams > 0 ? ` (${onSeveralTeams} on more than one team, with one check-in a week for all of them)` : ''}.`;
}

const bandLine = (band: FrontierBand, k: number): string => {
  const label = escapeText(band.label);
  if (band.withheld) return `• ${label}: withheld (fewer than 2 teams or ${k} answers)`;
  if (band.teams === 0 || band.medianProductivePct === null) return `• ${label}: no teams`;
  return `• ${label}: median productive share ${pct(band.medianProductivePct)} (${band.teams} teams, ${band.respondents} answers)`;
};

/** The ratio frontier: which ratio is working in this organisation, band by band. */
export function frontierText(report: OrgReport): string {
  const shown = report.frontier.filter((b) => !b.withheld && b.medianProductivePct !== null);
  const best =
    shown.length >= 2
      ? shown.reduce((a, b) =>
          (b.medianProductivePct as number) > (a.medianProductivePct as number) ? b : a,
        )
      : null;
  return [
    '*Ratio frontier*: median productive share by engineers per data scientist, from each team’s latest round',
    ...report.frontier.map((band) => bandLine(band, report.k)),
    ...(best ? [`Highest so far: ${escapeText(best.label)} engineers per data scientist.`] : []),
  ].join('\n');
}

function orgBlocks(report: OrgReport, title: string): unknown[] {
  const shown = report.teams.slice(0, MAX_TEAM_ROWS);
  const rest = report.teams.length - shown.length;
  return [
    header(title),
    context(
      `${verdictCounts(report)}.${peopleLine(report)} Each team’s latest closed round; figures only where at least ${report.k} people in a group answered (${WITHHELD} = withheld); arrows compare with the previous round.`,
    ),
    ...shown.map((row) => section(orgTeamText(row))),
    ...(rest > 0 ? [context(`…and ${rest} more teams: \`npx tooth-tail report\` lists them all.`)] : []),
    { type: 'divider' },
    section(frontierText(report)),
    context(
      `A band is shown only when it holds at least 2 teams and ${report.k} answers; when one band is withheld, the next-smallest is too, so it cannot be worked out from the others.`,
    ),
  ];
}

const fallback = (report: OrgReport, title: string): string => `${title}: ${verdictCounts(report)}.`;

const NO_TEAMS = 'There are no teams yet. An admin can add one with `/tooth-tail team add <name>`.';

/** The `/tooth-tail ratio` reply: the org table and the ratio frontier. */
export function orgTable(report: OrgReport): Reply {
  if (report.teams.length === 0) return { text: NO_TEAMS };
  const title = 'Tooth-to-tail ratio by team';
  return { text: fallback(report, title), blocks: orgBlocks(report, title) };
}

/** The digest for `all` subscriptions: the org table and the frontier, titled as a digest. */
export function orgDigest(report: OrgReport, title = 'tooth-tail digest: the whole org'): MessagePayload {
  if (report.teams.length === 0) return { text: `${title}: ${NO_TEAMS}` };
  return { text: fallback(report, title), blocks: orgBlocks(report, title) };
}
