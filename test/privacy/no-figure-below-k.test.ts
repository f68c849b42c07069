// SPEC section 5, as a property: across random organisations and k, no output (Slack messages,
// App Home, CSV, CLI table and JSON, the org view, the frontier chart and its alt text) ever
// shows a figure for a group where fewer than k answered, or one that can be worked out by
// subtraction within that output. The oracle here counts answers itself; it never asks the code
// under test what to hide. It also computes issue 13's figures (capacity lost, the pooled tail,
// the frontier from history) from the raw answers its own way, in exact fractions, and checks
// that every surface shows the same numbers.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontierAltText } from '../../src/charts/alt-text.js';
import { formatFrontier, formatJson, formatTable } from '../../src/cli/format.js';
import { formatOrg, orgJson } from '../../src/cli/org.js';
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
import { frontierChart } from '../../src/services/frontier-chart.js';
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
import { FIXTURE_START, type FixtureTeam, seedOrg } from './org-fixture.js';

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
      // Mostly one specialty, so the pool often has one large cell beside small ones: the case
      // where a lone withheld cell could be worked out by subtraction.
      specialty: fc.oneof(
        { arbitrary: fc.constant<(typeof SPECIALTIES)[number] | null>('ml'), weight: 4 },
        { arbitrary: fc.constantFrom(...SPECIALTIES, null), weight: 3 },
      ),
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
  /** Tooth figures shown under today's k and the k the round closed with. */
  toothShown: boolean;
  /** Tail figures shown under today's k and the k the round closed with. */
  tailShown: boolean;
  toothAnswers: ToothAnswers[];
  tailAnswers: Array<{ specialty: string; answer: TailAnswers }>;
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
        toothShown: shown,
        tailShown: tailResponses >= Math.max(k, g.closeK),
        toothAnswers,
        tailAnswers: g.tail
          .filter((m) => m.responds)
          .map((m) => ({ specialty: m.specialty ?? 'engineer', answer: m.answer })),
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

function checkTeamDigest(
  report: TeamReport,
  byRound: Map<number, Expected>,
  k: number,
  poolRespondents: number,
): void {
  const exp = byRound.get(report.summary.roundId) as Expected;
  const message = teamDigest(report);
  const blocks = message.blocks as Fields[];
  const verdict = blocks[1]?.text?.text ?? '';
  checkDigestParts(verdict, blocks[2]?.fields ?? [], exp);
  if (exp.toothHidden) {
    expect(message.text).toMatch(/productive share –\.$/);
    expect(verdict).not.toContain('Capacity lost');
  }
  // The pooled tail beside this team's own shown tail figure: the rest of the org is pool − team.
  if (/across the org, engineers spend/.test(verdict) && exp.tailShown) {
    const rest = poolRespondents - exp.tailAnswers.length;
    expect(rest === 0 || rest >= k, `pool − team = ${rest} engineers`).toBe(true);
  }
  // What the last change did: a figure only from rounds whose own figures are shown.
  const change = /Last change, [^\n]*/.exec(verdict)?.[0];
  if (change && report.change) {
    if (report.change.before.rounds === 0) expect(change).toContain('no shown round before');
    if (report.change.after.rounds === 0) expect(change).toContain('no shown round since');
  }
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
  { band: 'under-0.25', label: '< 0.25', from: 0, below: 0.25 },
  { band: '0.25-0.5', label: '0.25-0.5', from: 0.25, below: 0.5 },
  { band: '0.5-1', label: '0.5-1', from: 0.5, below: 1 },
  { band: '1-plus', label: '>= 1', from: 1, below: Number.POSITIVE_INFINITY },
];
const pct = (v: number) => `${v.toFixed(1).replace(/\.0$/, '')}%`;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** 15 weeks after the fixture's first round: the frontier's 13 weeks leave the oldest rounds out. */
const NOW = new Date(FIXTURE_START + 15 * WEEK_MS);

// ---- issue 13's figures, computed here in exact fractions ------------------------------------

type Fraction = [bigint, bigint];
const frac = (n: number, d = 1): Fraction => [BigInt(n), BigInt(d)];
const add = ([a, b]: Fraction, [c, d]: Fraction): Fraction => [a * d + c * b, b * d];
/** Half away from zero, one decimal (every value here is at least 0). */
const round1Exact = ([n, d]: Fraction): number => Number((20n * n + d) / (2n * d)) / 10;
const sumOf = (values: number[]) => values.reduce((a, b) => a + b, 0);
const meanExact = (values: number[]) => round1Exact(frac(sumOf(values), values.length));
/** mean × headcount / 100, from the exact mean. */
const fteExact = (values: number[], headcount: number): Fraction =>
  frac(sumOf(values) * headcount, values.length * 100);

interface OrgOracle {
  capacity: { teams: number; waiting_fte: number | null; infra_fte: number | null };
  pool: {
    respondents: number;
    mean_rewrite_pct: number | null;
    mean_support_pct: number | null;
    mean_platform_pct: number | null;
    mean_handmaid_load: number | null;
    rewrite_fte: number | null;
  };
  specialties: Map<string, { respondents: number; meanHandmaidLoad: number }>;
  bands: Array<{
    band: string;
    label: string;
    teams: number;
    observations: number;
    respondents: number;
    figure: number | null;
    primary: boolean;
  }>;
}

const load = (a: TailAnswers) => Math.min(100, a.rewritePct + a.supportPct);

function orgOracle(
  k: number,
  byRound: Map<number, Expected>,
  latest: Map<string, Expected | null>,
): OrgOracle {
  const last = [...latest.values()].filter((e): e is Expected => e !== null);
  const shown = last.filter((e) => e.toothShown);
  let waiting = frac(0);
  let infra = frac(0);
  for (const e of shown) {
    waiting = add(
      waiting,
      fteExact(
        e.toothAnswers.map((a) => a.waitingPct),
        e.tooth,
      ),
    );
    infra = add(
      infra,
      fteExact(
        e.toothAnswers.map((a) => a.infraPct),
        e.tooth,
      ),
    );
  }
  const tail = last.flatMap((e) => e.tailAnswers);
  const answers = tail.map((t) => t.answer);
  const poolShown = answers.length >= k;
  const specialties = new Map<string, { respondents: number; meanHandmaidLoad: number }>();
  for (const s of ['ml', 'data', 'infra', 'app', 'engineer']) {
    const inCell = tail.filter((t) => t.specialty === s).map((t) => load(t.answer));
    if (inCell.length > 0)
      specialties.set(s, { respondents: inCell.length, meanHandmaidLoad: meanExact(inCell) });
  }
  const from = NOW.getTime() - 13 * WEEK_MS;
  const observations = [...byRound.values()].filter(
    (e) => e.toothShown && e.tooth > 0 && Date.parse(e.closedAt) >= from,
  );
  const bands = BANDS.map((band) => {
    const inBand = observations.filter((e) => e.tail / e.tooth >= band.from && e.tail / e.tooth < band.below);
    const teams = [...new Set(inBand.map((e) => e.team))];
    const teamFigures = teams.map(
      (t) => median(inBand.filter((e) => e.team === t).map((e) => e.shownProductive as number)) as number,
    );
    const respondents = sumOf(inBand.map((e) => e.toothResponses));
    return {
      band: band.band,
      label: band.label,
      teams: teams.length,
      observations: inBand.length,
      respondents,
      figure: teams.length === 0 ? null : round1(median(teamFigures) as number),
      primary: teams.length > 0 && (teams.length < 2 || respondents < k),
    };
  });
  return {
    capacity: {
      teams: shown.length,
      waiting_fte: shown.length === 0 ? null : round1Exact(waiting),
      infra_fte: shown.length === 0 ? null : round1Exact(infra),
    },
    pool: {
      respondents: answers.length,
      mean_rewrite_pct: poolShown ? meanExact(answers.map((a) => a.rewritePct)) : null,
      mean_support_pct: poolShown ? meanExact(answers.map((a) => a.supportPct)) : null,
      mean_platform_pct: poolShown ? meanExact(answers.map((a) => a.platformPct)) : null,
      mean_handmaid_load: poolShown ? meanExact(answers.map(load)) : null,
      rewrite_fte: poolShown
        ? round1Exact(
            fteExact(
              answers.map((a) => a.rewritePct),
              sumOf(last.map((e) => e.tail)),
            ),
          )
        : null,
    },
    specialties,
    bands,
  };
}

/** The org JSON equals the oracle's figures, and its cells keep the subtraction rule. */
function checkOrgJson(json: ReturnType<typeof orgJson>, k: number, oracle: OrgOracle): void {
  expect(json.k).toBe(k);
  expect(json.capacity).toEqual(oracle.capacity);
  const { by_specialty: cells, ...pool } = json.tail_pool;
  expect(pool).toEqual(oracle.pool);
  const hidden = cells.filter((c) => c.withheld);
  for (const cell of cells) {
    const exp = oracle.specialties.get(cell.specialty);
    expect(cell.respondents).toBe(exp?.respondents ?? 0);
    if (cell.withheld || cell.respondents === 0) expect(cell.mean_handmaid_load).toBeNull();
    else {
      expect(cell.respondents, `${cell.specialty} shown below k`).toBeGreaterThanOrEqual(k);
      expect(oracle.pool.mean_handmaid_load, 'a cell shown beside a withheld pool').not.toBeNull();
      expect(cell.mean_handmaid_load).toBe(exp?.meanHandmaidLoad);
    }
  }
  const shownCells = cells.filter((c) => !c.withheld && c.respondents > 0);
  if (hidden.length > 0 && shownCells.length > 0 && oracle.pool.mean_handmaid_load !== null) {
    // pool − shown cells = the hidden cells together: that group must not be one cell, nor below k.
    expect(hidden.length, 'a lone withheld specialty beside the pool').toBeGreaterThanOrEqual(2);
    expect(sumOf(hidden.map((c) => c.respondents))).toBeGreaterThanOrEqual(k);
  }
  json.frontier.bands.forEach((band, i) => {
    const exp = oracle.bands[i] as OrgOracle['bands'][number];
    expect([band.band, band.teams, band.observations]).toEqual([exp.band, exp.teams, exp.observations]);
    if (exp.primary) expect(band.withheld).toBe(true);
    if (band.withheld || band.teams === 0) expect(band.median_productive_pct).toBeNull();
    else expect(band.median_productive_pct).toBe(exp.figure);
  });
  const bands = oracle.bands.filter((b) => b.teams > 0);
  if (bands.filter((b) => b.primary).length === 1 && bands.length > 1)
    expect(
      json.frontier.bands.filter((b) => b.withheld).length,
      'next-smallest band hidden',
    ).toBeGreaterThanOrEqual(2);
}

/** Checks the frontier's band lines, from Slack (`• label: …`) or the CLI (`  label  …`). */
function checkFrontier(lines: string[], oracle: OrgOracle): void {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  for (const band of oracle.bands) {
    const line = lines.find((l) =>
      l.replace(/^[•\s]+/, '').startsWith(`${band.label}${lines[0]?.startsWith('•') ? ':' : ' '}`),
    );
    expect(line, band.label).toBeDefined();
    if (band.primary) expect(line, 'a band below 2 teams or k answers').toContain('withheld');
    if (line?.includes('withheld')) expect(line).not.toMatch(/\d%/);
    if (band.teams === 0) expect(line).toContain('no teams');
    if (!line?.includes('withheld') && band.teams > 0)
      expect(line).toContain(
        `median productive share ${pct(band.figure as number)} (${plural(band.teams, 'team')}, ${plural(band.observations, 'round')})`,
      );
  }
}

/** The org view's texts: its figures equal the oracle's, and no team's own tail figure beside the pool. */
function checkOrgTexts(texts: string[], oracle: OrgOracle): void {
  const all = texts.join('\n');
  expect(all, "a team's engineer figure beside the pooled tail").not.toMatch(/mean handmaid load \d/);
  const capacity = texts.find((t) => t.startsWith('*Capacity lost across the org*')) ?? '';
  if (oracle.capacity.waiting_fte === null) expect(capacity).toContain('–');
  else
    expect(capacity).toContain(
      `about ${oracle.capacity.waiting_fte.toFixed(1)} data scientists’ worth of time went to waiting on engineers, and ${(oracle.capacity.infra_fte as number).toFixed(1)} to doing infrastructure themselves`,
    );
  const pool = texts.find((t) => t.startsWith('*Engineers across the org*')) ?? '';
  if (oracle.pool.mean_handmaid_load === null) expect(pool).not.toMatch(/\d%/);
  else
    expect(pool).toContain(`mean handmaid load (rewrite + support) ${pct(oracle.pool.mean_handmaid_load)}`);
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
    // mean_waiting_pct, mean_infra_pct, waiting_fte, infra_fte: exact from the raw answers, or empty.
    if (!exp.toothShown) expect(cells.slice(14, 18)).toEqual(['', '', '', '']);
    else {
      const waiting = exp.toothAnswers.map((a) => a.waitingPct);
      const infra = exp.toothAnswers.map((a) => a.infraPct);
      expect(cells.slice(14, 18).map(Number)).toEqual([
        meanExact(waiting),
        meanExact(infra),
        round1Exact(fteExact(waiting, exp.tooth)),
        round1Exact(fteExact(infra, exp.tooth)),
      ]);
    }
    // team_removed_at: every team here is live.
    expect(cells.slice(18)).toEqual(['']);
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
        const clock = () => NOW;
        const reports = new ReportService({ summaries, rounds, clock, anonymityThreshold: k, teams });
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

        // Slack: team digests (with the recommendation's evidence and the last change), the
        // period digest, the org table and the `all` digest.
        const oracle = orgOracle(k, byRound, latest);
        const detailed = seeded.flatMap(({ team }) =>
          allReports.filter((r) => r.summary.teamId === team.id).map((r) => reports.detailed(team, r)),
        );
        for (const r of detailed) checkTeamDigest(r, byRound, k, oracle.pool.respondents);
        expect(checkPeriodDigest(detailed, byRound)).toBe(Math.min(10, allReports.length));
        const org = insight.orgReport(ws);
        for (const row of org.teams) if (row.report) checkReport(row.report, byRound);
        for (const message of [orgTable(org), orgDigest(org)]) {
          const texts = textsOf(message.blocks ?? []);
          expect(checkTeamParts(texts, latest).sort()).toEqual([...latest.keys()].sort());
          const frontier = texts.find((t) => t.startsWith('*Ratio frontier*')) ?? '';
          checkFrontier(
            frontier.replaceAll('&lt;', '<').replaceAll('&gt;', '>').split('\n').slice(1),
            oracle,
          );
          checkOrgTexts(texts, oracle);
        }

        // The org view's figures, as the CLI's JSON gives them, against the oracle.
        checkOrgJson(orgJson(org), k, oracle);
        // The frontier chart: only observations in shown bands; alt text with shown bands' figures only.
        const chart = frontierChart(org);
        if (chart.kind !== 'frontier') throw new Error('not a frontier chart');
        const shownBands = oracle.bands.filter(
          (_, i) => !org.frontier[i]?.withheld && (org.frontier[i]?.teams ?? 0) > 0,
        );
        for (const o of chart.observations ?? []) {
          const band = BANDS.find((b) => o.ratio >= b.from && o.ratio < b.below);
          expect(
            shownBands.map((b) => b.band),
            'a point in a withheld band',
          ).toContain(band?.band);
        }
        const alt = frontierAltText(org.frontier, chart.observations ?? [], org.frontierWindowWeeks);
        for (const band of oracle.bands.filter((b) => !shownBands.includes(b)))
          expect(alt).not.toContain(`${band.label}:`);
        for (const band of shownBands) expect(alt).toContain(`${band.label}: ${pct(band.figure as number)}`);

        // App Home, as a member of the teams that have data scientists, who is also an admin.
        const view = await home.view(ws, viewer);
        const homeTexts = textsOf(view.blocks);
        const memberOf = seeded.filter(({ team }) => teams.member(team.id, viewer) !== undefined).length;
        expect(checkTeamParts(homeTexts, latest)).toHaveLength(memberOf + latest.size);
        const homeFrontier = homeTexts.find((t) => t.startsWith('*Ratio frontier*')) ?? '';
        checkFrontier(
          homeFrontier.replaceAll('&lt;', '<').replaceAll('&gt;', '>').split('\n').slice(1),
          oracle,
        );
        checkOrgTexts(homeTexts, oracle);

        // The export and the CLI's formats.
        checkCsv(reports.exportCsv(ws, null).csv, byRound);
        const rows = insight.exportRows(ws, null);
        checkCliTable(formatTable(rows), byRound);
        checkCliJson(formatJson(rows), byRound);
        checkFrontier(formatFrontier(org.frontier, k).split('\n').slice(1, 5), oracle);
        const orgTableText = formatOrg(org);
        checkFrontier(orgTableText.split('Ratio frontier')[1]?.split('\n').slice(1, 5) ?? [], oracle);
      }),
      { numRuns: 100 },
    );
  });
});
