// SPEC section 5, as a property: across random organisations and k, no output (Slack messages,
// App Home, CSV, CLI table and JSON) ever shows a figure for a group where fewer than k answered.
// The oracle here counts answers itself; it never asks the code under test what to hide.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFrontier, formatJson, formatTable } from '../../src/cli/format.js';
import { median, round1 } from '../../src/domain/aggregate.js';
import {
  type Answers,
  PATHS_TO_PROD,
  PERCENT_BUCKETS,
  type RoundFigures,
  SPECIALTIES,
  type TailAnswers,
  type ToothAnswers,
} from '../../src/domain/types.js';
import { Directory } from '../../src/services/directory.js';
import { InsightService } from '../../src/services/insight.js';
import { OrgService } from '../../src/services/org.js';
import type { SlackPort } from '../../src/services/ports.js';
import type { TeamReport } from '../../src/services/report-types.js';
import { ReportService } from '../../src/services/reports.js';
import { HomeService } from '../../src/slack/home.js';
import { periodDigest, teamDigest } from '../../src/slack/views/digest.js';
import { orgDigest, orgTable } from '../../src/slack/views/org-table.js';
import type { Db } from '../../src/storage/database.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { SubscriptionRepository } from '../../src/storage/subscriptions.js';
import { SummaryRepository } from '../../src/storage/summaries.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { UserRepository } from '../../src/storage/users.js';
import { migratedDatabase } from '../helpers/db.js';
import { offlineSlack } from '../helpers/offline-slack.js';
import { textsOf } from '../slack/views/limits.js';
import { type FixtureTeam, seedOrg } from './org-fixture.js';

// ---- random organisations ------------------------------------------------------------------

const bucket = fc.constantFrom(...PERCENT_BUCKETS);
const toothAnswer = fc
  .record({ waitingPct: bucket, infraPct: bucket, pathToProd: fc.constantFrom(...PATHS_TO_PROD) })
  .map((a): ToothAnswers => ({ role: 'data-scientist', ...a, blocker: null }));
const tailAnswer = fc
  .record({ rewritePct: bucket, supportPct: bucket, platformPct: bucket })
  .map((a): TailAnswers => ({ role: 'engineer', ...a, blocker: null }));
const roundArb = fc.record({
  tooth: fc.array(fc.record({ responds: fc.boolean(), answer: toothAnswer }), { maxLength: 12 }),
  tail: fc.array(
    fc.record({
      responds: fc.boolean(),
      specialty: fc.constantFrom(...SPECIALTIES, null),
      answer: tailAnswer,
    }),
    { maxLength: 12 },
  ),
  /** The k in force when the round closed; the report reads under today's k. */
  closeK: fc.integer({ min: 3, max: 7 }),
});
const orgArb = fc.record({
  k: fc.integer({ min: 3, max: 7 }),
  teams: fc.array(fc.array(roundArb, { maxLength: 2 }), { minLength: 1, maxLength: 8 }),
});
type GeneratedRound = typeof roundArb extends fc.Arbitrary<infer R> ? R : never;

// ---- what must be hidden, counted from the raw answers ----------------------------------------

interface Expected {
  team: string;
  roundId: number;
  closedAt: string;
  /** Fewer than k data scientists answered: no tooth figure, no verdict. */
  toothHidden: boolean;
  /** Fewer than k engineers answered: no tail figure, no tail signal. */
  tailHidden: boolean;
  previous: Expected | null;
  /** For the frontier: the team's productive figure as readers see it, or null. */
  shownProductive: number | null;
  tooth: number;
  tail: number;
  toothResponses: number;
}

const productive = (a: ToothAnswers) => Math.max(0, 100 - a.waitingPct - a.infraPct);

function expectations(k: number, generated: GeneratedRound[][], seeded: ReturnType<typeof seedOrg>) {
  const byRound = new Map<number, Expected>();
  const latest = new Map<string, Expected | null>();
  seeded.forEach(({ team, summaries }, t) => {
    let previous: Expected | null = null;
    summaries.forEach((summary, r) => {
      const g = generated[t]?.[r] as GeneratedRound;
      const toothAnswers = g.tooth.filter((m) => m.responds).map((m) => m.answer);
      const tailResponses = g.tail.filter((m) => m.responds).length;
      const shown = toothAnswers.length >= Math.max(k, g.closeK);
      const exp: Expected = {
        team: team.name,
        roundId: summary.roundId,
        closedAt: summary.closedAt,
        toothHidden: toothAnswers.length < k,
        tailHidden: tailResponses < k,
        previous,
        shownProductive: shown ? round1(median(toothAnswers.map(productive)) as number) : null,
        tooth: g.tooth.length,
        tail: g.tail.length,
        toothResponses: toothAnswers.length,
      };
      byRound.set(summary.roundId, exp);
      previous = exp;
    });
    latest.set(team.name, previous);
  });
  return { byRound, latest };
}

// ---- assertions per output -------------------------------------------------------------------

const TOOTH_FIELDS = [
  'medianWaitingPct',
  'meanWaitingPct',
  'medianInfraPct',
  'meanInfraPct',
  'medianProductivePct',
  'pathMix',
] as const;
const TAIL_FIELDS = ['meanRewritePct', 'meanSupportPct', 'meanPlatformPct', 'meanHandmaidLoad'] as const;
/** A figure alone, or withheld: no trend arrow, which would give the previous figure away. */
const NO_TREND = /^(\d+(\.\d)?%|–)$/;

function checkFigures(f: RoundFigures, exp: Expected): void {
  if (exp.toothHidden) {
    for (const field of TOOTH_FIELDS) expect(f[field], `${exp.team} ${field}`).toBeNull();
    expect(f.signals).toEqual([]);
    expect(f.failureMode).toBe('insufficient-data');
  }
  if (exp.tailHidden) {
    for (const field of TAIL_FIELDS) expect(f[field], `${exp.team} ${field}`).toBeNull();
    expect(f.signals.some((s) => s.name === 'mean_handmaid_load')).toBe(false);
  }
}

function checkReport(report: TeamReport, byRound: Map<number, Expected>): void {
  const exp = byRound.get(report.summary.roundId) as Expected;
  checkFigures(report.summary.figures, exp);
  expect(report.previous?.roundId ?? null).toBe(exp.previous?.roundId ?? null);
  if (report.previous && exp.previous) checkFigures(report.previous.figures, exp.previous);
}

interface Fields {
  type: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<{ text: string }>;
}

/** A team digest's verdict section and its figure fields (label → value). */
function checkDigestParts(verdict: string, fields: Array<{ text: string }>, exp: Expected): void {
  const value = new Map(
    fields.map((f) => {
      const [label, ...rest] = f.text.split('\n');
      return [label?.replaceAll('*', ''), rest.join('\n')];
    }),
  );
  const toothFields = [
    'Productive share (median)',
    'Waiting on engineers (median)',
    'Doing infra themselves (median)',
  ];
  const tailField = 'Engineers’ handmaid load (mean)';
  for (const label of [...toothFields, tailField]) expect(value.has(label), label).toBe(true);
  if (exp.toothHidden) {
    for (const label of toothFields) expect(value.get(label), `${exp.team} ${label}`).toBe('–');
    expect(verdict).toContain('Not enough answers');
    expect(verdict).not.toContain('(threshold');
  } else if (exp.previous?.toothHidden) {
    for (const label of toothFields) expect(value.get(label)).toMatch(NO_TREND);
  }
  if (exp.tailHidden) {
    expect(value.get(tailField), `${exp.team} handmaid load`).toBe('–');
    expect(verdict).not.toContain('handmaid load');
  } else if (exp.previous?.tailHidden) {
    expect(value.get(tailField)).toMatch(NO_TREND);
  }
}

function checkTeamDigest(report: TeamReport, byRound: Map<number, Expected>): void {
  const exp = byRound.get(report.summary.roundId) as Expected;
  const message = teamDigest(report);
  const blocks = message.blocks as Fields[];
  checkDigestParts(blocks[1]?.text?.text ?? '', blocks[2]?.fields ?? [], exp);
  if (exp.toothHidden) expect(message.text).toMatch(/productive share –\.$/);
}

/** Returns how many team parts it checked. */
function checkPeriodDigest(reports: TeamReport[], byRound: Map<number, Expected>): number {
  const blocks = periodDigest({
    scopeName: 'whole org',
    cadence: 'weekly',
    periodStart: '2025-01-01T00:00:00.000Z',
    periodEnd: '2026-01-01T00:00:00.000Z',
    reports,
  }).blocks as Fields[];
  let checked = 0;
  blocks.forEach((block, j) => {
    if (!block.fields) return;
    // Team parts follow the reports' order; the context line shows the team's own round number.
    const exp = byRound.get(reports[checked]?.summary.roundId as number) as Expected;
    checkDigestParts(blocks[j - 1]?.text?.text ?? '', block.fields, exp);
    checked += 1;
  });
  return checked;
}

/** Checks every `*Team N*` part of these texts against that team's latest round; returns the names seen. */
function checkTeamParts(texts: string[], latest: Map<string, Expected | null>): string[] {
  const seen: string[] = [];
  for (const text of texts) {
    for (const part of text.split(/(?=\*Team \d+\*)/)) {
      const name = /^\*(Team \d+)\*/.exec(part)?.[1];
      if (!name) continue;
      seen.push(name);
      const exp = latest.get(name) ?? null;
      if (exp === null) {
        expect(part).toContain('no closed check-in yet');
        continue;
      }
      const shown = /[Pp]roductive(?: share)? (\S+)( [↑↓→]\S*)?/.exec(part);
      expect(shown, part).not.toBeNull();
      if (exp.toothHidden) {
        expect(shown?.[1], `${name}: ${part}`).toBe('–');
        expect(part).toContain('Not enough answers');
        expect(part).not.toContain('(threshold');
      } else if (exp.previous?.toothHidden) {
        expect(shown?.[2], `${name}: a trend against a withheld figure`).toBeUndefined();
      }
      if (exp.tailHidden) expect(part).not.toContain('handmaid load');
    }
  }
  return seen;
}

const BANDS = [
  { label: '< 0.25', from: 0, below: 0.25 },
  { label: '0.25-0.5', from: 0.25, below: 0.5 },
  { label: '0.5-1', from: 0.5, below: 1 },
  { label: '>= 1', from: 1, below: Number.POSITIVE_INFINITY },
];
const pct = (v: number) => `${v.toFixed(1).replace(/\.0$/, '')}%`;

/** Checks the frontier's band lines, from Slack (`• label: …`) or the CLI (`  label  …`). */
function checkFrontier(lines: string[], k: number, latest: Map<string, Expected | null>): void {
  const rows = [...latest.values()].filter((e): e is Expected => e !== null && e.tooth > 0);
  const bands = BANDS.map((band) => {
    const line = lines.find((l) =>
      l.replace(/^[•\s]+/, '').startsWith(`${band.label}${lines[0]?.startsWith('•') ? ':' : ' '}`),
    );
    expect(line, band.label).toBeDefined();
    const inBand = rows.filter(
      (e) => e.shownProductive !== null && e.tail / e.tooth >= band.from && e.tail / e.tooth < band.below,
    );
    const respondents = inBand.reduce((n, e) => n + e.toothResponses, 0);
    return {
      line: line as string,
      teams: inBand.length,
      respondents,
      figure: median(inBand.map((e) => e.shownProductive as number)),
      primary: inBand.length > 0 && (inBand.length < 2 || respondents < k),
    };
  });
  for (const band of bands) {
    if (band.primary) expect(band.line, 'a band below 2 teams or k answers').toContain('withheld');
    if (band.line.includes('withheld')) expect(band.line).not.toMatch(/\d%/);
    if (band.teams === 0) expect(band.line).toContain('no teams');
    if (!band.line.includes('withheld') && band.teams > 0)
      expect(band.line).toContain(
        `median productive share ${pct(round1(band.figure as number))} (${band.teams} teams, ${band.respondents} answers)`,
      );
  }
  const nonEmpty = bands.filter((b) => b.teams > 0);
  if (nonEmpty.filter((b) => b.primary).length === 1 && nonEmpty.length > 1)
    expect(
      nonEmpty.filter((b) => b.line.includes('withheld')).length,
      'next-smallest band hidden',
    ).toBeGreaterThanOrEqual(2);
}

function checkCsv(csv: string, byRound: Map<number, Expected>): void {
  const lines = csv.trimEnd().split('\r\n').slice(1);
  expect(lines).toHaveLength(byRound.size);
  for (const line of lines) {
    const cells = line.split(',');
    const exp = byRound.get(Number(cells[1])) as Expected;
    if (exp.toothHidden)
      expect(cells.slice(9, 12).concat(cells[13] ?? '')).toEqual(['', '', '', 'insufficient-data']);
    if (exp.tailHidden) expect(cells[12]).toBe('');
  }
}

function checkCliTable(table: string, byRound: Map<number, Expected>): void {
  const byClosed = new Map(
    [...byRound.values()].map((e) => [`${e.team}|${e.closedAt.slice(0, 16).replace('T', ' ')}`, e]),
  );
  const lines = table
    .trimEnd()
    .split('\n')
    .slice(1)
    .filter((l) => !l.startsWith('('));
  expect(lines).toHaveLength(byRound.size);
  for (const line of lines) {
    const cells = line.split(/\s{2,}/);
    const exp = byClosed.get(`${cells[0]}|${cells[1]}`) as Expected;
    expect(exp, line).toBeDefined();
    if (exp.toothHidden)
      expect(cells.slice(6, 9).concat(cells[10] ?? '')).toEqual(['–', '–', '–', 'insufficient-data']);
    if (exp.tailHidden) expect(cells[9]).toBe('–');
  }
}

function checkCliJson(json: string, byRound: Map<number, Expected>): void {
  const rows = JSON.parse(json) as Array<Record<string, unknown>>;
  expect(rows).toHaveLength(byRound.size);
  for (const row of rows) {
    const exp = byRound.get(row.round_id as number) as Expected;
    if (exp.toothHidden) {
      expect([row.median_waiting_pct, row.median_infra_pct, row.median_productive_pct]).toEqual([
        null,
        null,
        null,
      ]);
      expect(row.verdict).toBe('insufficient-data');
    }
    if (exp.tailHidden) expect(row.mean_handmaid_load).toBeNull();
  }
}

// ---- the property ----------------------------------------------------------------------------

describe('no output shows a figure for a group below k', () => {
  let db: Db;
  let cleanup: () => void;
  let run = 0;
  const slack: SlackPort = offlineSlack();

  beforeAll(() => {
    ({ db, cleanup } = migratedDatabase());
  });
  afterAll(() => cleanup());

  it('across random orgs and k: Slack messages, App Home, CSV, CLI table and JSON', async () => {
    await fc.assert(
      fc.asyncProperty(orgArb, async ({ k, teams: generated }) => {
        run += 1;
        const ws = `T${run}`;
        const fixture: FixtureTeam[] = generated.map((rounds, t) => ({
          name: `Team ${t + 1}`,
          rounds: rounds.map((g) => {
            const ds = g.tooth.map((m, i) => ({
              userId: `UD${i}`,
              answer: m.answer as Answers,
              responds: m.responds,
            }));
            const eng = g.tail.map((m, i) => ({
              userId: `UE${i}`,
              answer: m.answer as Answers,
              responds: m.responds,
              specialty: m.specialty,
            }));
            return {
              roster: [
                ...ds.map((m) => ({ userId: m.userId, role: 'data-scientist' as const, specialty: null })),
                ...eng.map((m) => ({ userId: m.userId, role: 'engineer' as const, specialty: m.specialty })),
              ],
              answers: [...ds, ...eng]
                .filter((m) => m.responds)
                .map((m) => ({ userId: m.userId, answers: m.answer })),
              k: g.closeK,
            };
          }),
        }));
        const seeded = seedOrg(db, ws, fixture);
        const { byRound, latest } = expectations(k, generated, seeded);

        const teams = new TeamRepository(db);
        const summaries = new SummaryRepository(db);
        const rounds = new RoundRepository(db);
        const clock = () => new Date('2026-01-01T00:00:00.000Z');
        const reports = new ReportService({ summaries, rounds, clock, anonymityThreshold: k });
        const insight = new InsightService({ teams, summaries, reports, clock, anonymityThreshold: k });
        const viewer = fixture[0]?.rounds.at(-1)?.roster[0]?.userId ?? 'UVIEWER';
        const home = new HomeService({
          org: new OrgService({
            teams,
            subscriptions: new SubscriptionRepository(db),
            clock,
            defaultTimezone: 'UTC',
          }),
          reports,
          insight,
          rounds,
          directory: new Directory({ users: new UserRepository(db), slack, clock, adminUserIds: [viewer] }),
          users: new UserRepository(db),
          retentionDays: 365,
        });

        // Stored summaries as every surface reads them.
        const allReports: TeamReport[] = [];
        for (const { team, summaries: saved } of seeded) {
          const report = reports.latest(team);
          expect(report === null).toBe(saved.length === 0);
          if (report) checkReport(report, byRound);
          for (const s of saved) {
            const r = reports.reportFor(team, s.roundId) as TeamReport;
            checkReport(r, byRound);
            allReports.push(r);
          }
        }
        for (const row of insight.exportRows(ws, null))
          checkFigures(row.figures, byRound.get(row.roundId) as Expected);

        // Slack: team digests, the period digest, the org table and the `all` digest.
        for (const r of allReports) checkTeamDigest(r, byRound);
        expect(checkPeriodDigest(allReports, byRound)).toBe(Math.min(10, allReports.length));
        const org = insight.orgReport(ws);
        for (const row of org.teams) if (row.report) checkReport(row.report, byRound);
        for (const message of [orgTable(org), orgDigest(org)]) {
          const texts = textsOf(message.blocks ?? []);
          expect(checkTeamParts(texts, latest).sort()).toEqual([...latest.keys()].sort());
          const frontier = texts.find((t) => t.startsWith('*Ratio frontier*')) ?? '';
          checkFrontier(
            frontier.replaceAll('&lt;', '<').replaceAll('&gt;', '>').split('\n').slice(1),
            k,
            latest,
          );
        }

        // App Home, as a member of the teams that have data scientists, who is also an admin.
        const view = await home.view(ws, viewer);
        const homeTexts = textsOf(view.blocks);
        const memberOf = seeded.filter(({ team }) => teams.member(team.id, viewer) !== undefined).length;
        expect(checkTeamParts(homeTexts, latest)).toHaveLength(memberOf + latest.size);
        const homeFrontier = homeTexts.find((t) => t.startsWith('*Ratio frontier*')) ?? '';
        checkFrontier(
          homeFrontier.replaceAll('&lt;', '<').replaceAll('&gt;', '>').split('\n').slice(1),
          k,
          latest,
        );

        // The export and the CLI's formats.
        checkCsv(reports.exportCsv(ws, null).csv, byRound);
        const rows = insight.exportRows(ws, null);
        checkCliTable(formatTable(rows), byRound);
        checkCliJson(formatJson(rows), byRound);
        checkFrontier(formatFrontier(org.frontier, k).split('\n').slice(1, 5), k, latest);
      }),
      { numRuns: 100 },
    );
  });
});
