// The org table and the ratio frontier (SPEC sections 4 and 6): the `ratio` reply, the digest
// for `all` subscriptions, and the admin part of the App Home.
import type { FrontierBand } from '../../domain/frontier.js';
import { mixDelta, sameShape } from '../../domain/mix-change.js';
import { describeSignal, recommendationFor } from '../../domain/recommend.js';
import type { TailPool } from '../../domain/tail-pool.js';
import type { FailureMode, RoundFigures, Signal } from '../../domain/types.js';
import type { OrgCapacity, OrgReport, OrgTeamRow } from '../../services/report-types.js';
import type { MessagePayload } from '../../storage/outbox.js';
import {
  capacityText,
  escapeText,
  fte,
  headcountText,
  mixText,
  pct,
  ratioText,
  VERDICT_LABEL,
  WITHHELD,
  withTrend,
} from './format.js';
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
  const signals = f.signals.map((s) => orgSignal(s, f)).join('; ');
  const moved = p === undefined ? '' : mixDelta(p.tailMix, f.tailMix);
  const mixChanged =
    p !== undefined && !sameShape(p, f)
      ? `\n:arrows_counterclockwise: changed since the previous round: ${headcountText(p)} → ${headcountText(f)}${moved ? ` (tail ${moved})` : ''}`
      : '';
  return [
    `${name} · ${ratioText(f)} · tail: ${mixText(f.tailMix)}`,
    `${VERDICT_LABEL[f.failureMode]}${signals ? `: ${signals}` : ''}${mixChanged}`,
    `_${recommendationFor(f)}_`,
    `Productive share ${withTrend(f.medianProductivePct, p?.medianProductivePct)} · answered: data scientists ${answered(f.toothResponses, f.tooth, f.k)}, engineers ${answered(f.tailResponses, f.tail, f.k)}`,
  ].join('\n');
}

/**
 * A signal as the org views word it. A team's own engineer figure is never printed beside the
 * pooled tail: the pool minus the teams shown would give away the teams that are not. The
 * team's summary has the figure.
 */
function orgSignal(s: Signal, f: RoundFigures): string {
  if (s.name === 'mean_handmaid_load')
    return `engineers' mean handmaid load at or above ${s.threshold}% (the figure is in the team's summary)`;
  return describeSignal(s, f);
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

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

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
  return `• ${label}: median productive share ${pct(band.medianProductivePct)} (${count(band.teams, 'team', 'teams')}, ${count(band.observations, 'round', 'rounds')})`;
};

/** The band with the highest median productive share, when at least two bands are shown. */
export function bestBand(frontier: readonly FrontierBand[]): FrontierBand | null {
  const shown = frontier.filter((b) => !b.withheld && b.medianProductivePct !== null);
  if (shown.length < 2) return null;
  return shown.reduce((a, b) =>
    (b.medianProductivePct as number) > (a.medianProductivePct as number) ? b : a,
  );
}

/** The ratio frontier from history: which ratio is working in this organisation, band by band. */
export function frontierText(report: Pick<OrgReport, 'frontier' | 'frontierWindowWeeks' | 'k'>): string {
  const best = bestBand(report.frontier);
  return [
    `*Ratio frontier*: median productive share by engineers per data scientist, from every shown round of the last ${report.frontierWindowWeeks} weeks (each team counts once per band)`,
    ...report.frontier.map((band) => bandLine(band, report.k)),
    ...(best
      ? [
          `Highest median productive share so far: teams with ${escapeText(best.label)} engineers per data scientist (${pct(best.medianProductivePct)}).`,
        ]
      : []),
  ].join('\n');
}

/** "Capacity lost across the org: about 5.2 data scientists' worth of time …, over 4 teams". */
export function capacityOrgText(capacity: OrgCapacity, teamCount: number): string {
  const text = capacityText(capacity.waitingFte, capacity.infraFte);
  if (text === null)
    return `*Capacity lost across the org*: ${WITHHELD} (no team’s figures are shown yet: each needs at least k data scientists answering).`;
  return `*Capacity lost across the org*: ${text}. Counted over the ${count(capacity.teams, 'team', 'teams')} of ${teamCount} whose figures are shown.`;
}

const SPECIALTY_WORDS: Record<string, string> = {
  ml: 'ML',
  data: 'data',
  infra: 'infra',
  app: 'app',
  engineer: 'no specialty',
};

/** The engineers pooled across the org, with their specialties. */
export function tailPoolText(pool: TailPool): string {
  const head = `*Engineers across the org* (pooled: each team’s latest round; engineers are too few per team to show alone)`;
  if (pool.respondents === 0) return `${head}\nNo engineer has answered yet.`;
  if (pool.withheld || pool.meanHandmaidLoad === null)
    return `${head}\n${count(pool.respondents, 'engineer', 'engineers')} answered, fewer than ${pool.k}: withheld.`;
  const cells = pool.bySpecialty
    .filter((c) => c.respondents > 0)
    .map(
      (c) =>
        `${SPECIALTY_WORDS[c.specialty]} ${c.withheld || c.meanHandmaidLoad === null ? 'withheld' : pct(c.meanHandmaidLoad)} (${c.respondents})`,
    );
  return [
    head,
    `${count(pool.respondents, 'engineer', 'engineers')} answered: rewriting data scientists’ work ${pct(pool.meanRewritePct)}, supporting them ${pct(pool.meanSupportPct)}, building platform ${pct(pool.meanPlatformPct)} of their time; mean handmaid load (rewrite + support) ${pct(pool.meanHandmaidLoad)}.`,
    ...(pool.rewriteFte === null
      ? []
      : [
          `About ${fte(pool.rewriteFte)} engineers’ worth of time (of ${pool.tailHeadcount} on those rosters) went to rewriting data scientists’ work.`,
        ]),
    `Handmaid load by specialty (answered): ${cells.join(' · ')}. A specialty shows with at least ${pool.k}; when one is withheld, the next-smallest is too.`,
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
    section(capacityOrgText(report.capacity, report.teams.length)),
    section(tailPoolText(report.tailPool)),
    section(frontierText(report)),
    context(
      `A band is shown only when it holds at least 2 teams and ${report.k} answers; when one band is withheld, the next-smallest is too, so it cannot be worked out from the others. A band of 2 teams is a first hint, not a finding: the more teams and rounds, the surer.`,
    ),
  ];
}

/**
 * The top-level `text` that screen readers read instead of the blocks: the verdict counts, then
 * each shown team's verdict, signals and recommendation, in plain words.
 */
const fallback = (report: OrgReport, title: string): string => {
  const teams = report.teams.slice(0, MAX_TEAM_ROWS).flatMap(({ team, report: r }) => {
    if (r === null) return [];
    const f = r.summary.figures;
    const signals = f.signals.length > 0 ? ` (${f.signals.map((s) => orgSignal(s, f)).join('; ')})` : '';
    return [`${teamName(team.name)}: ${VERDICT_WORDS[f.failureMode]}${signals}. ${recommendationFor(f)}`];
  });
  return clamp([`${title}: ${verdictCounts(report)}.`, ...teams].join(' '), MAX_FALLBACK);
};
/** Notifications and screen readers cope with long text; Slack's own ceiling is 40,000. */
const MAX_FALLBACK = 12_000;

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
