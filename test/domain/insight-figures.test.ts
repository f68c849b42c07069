// Issue 13's figures as table tests, with the edges the issue lists: no respondents, exactly k,
// k − 1, one specialty withheld (and the next-smallest with it), a team with rounds in two
// bands, ties, and rounding at .x5.
import { describe, expect, it } from 'vitest';
import { adviceLines, adviseTeam, hireFor, missingSpecialty, poolCitable } from '../../src/domain/advice.js';
import { fteOf, summariseRound } from '../../src/domain/aggregate.js';
import { withholdBelow } from '../../src/domain/anonymity.js';
import { buildFrontier, type FrontierBand, type FrontierRow } from '../../src/domain/frontier.js';
import { describeChange, type HistoryPoint, lastChange } from '../../src/domain/mix-change.js';
import { describeSignal, recommendationFor } from '../../src/domain/recommend.js';
import { type PooledTailAnswer, poolTail } from '../../src/domain/tail-pool.js';
import type {
  Answers,
  PercentBucket,
  RosterEntry,
  RoundFigures,
  Specialty,
  TailMix,
} from '../../src/domain/types.js';
import { slackDay } from '../../src/services/when.js';

const ds = (n: number): RosterEntry[] =>
  Array.from({ length: n }, (_, i) => ({ userId: `D${i}`, role: 'data-scientist', specialty: null }));
const dsAnswers = (pairs: Array<[PercentBucket, PercentBucket]>): Answers[] =>
  pairs.map(([waitingPct, infraPct]) => ({
    role: 'data-scientist',
    waitingPct,
    infraPct,
    pathToProd: 'self-serve',
    blocker: null,
  }));

describe('capacity lost, in people', () => {
  it.each([
    // [answers (waiting, infra)], tooth on the roster, k → waiting FTE, infra FTE
    ['no respondents', [], 6, 5, null, null],
    [
      'k − 1 respondents',
      [
        [20, 10],
        [20, 10],
        [20, 10],
        [20, 10],
      ],
      6,
      5,
      null,
      null,
    ],
    [
      'exactly k respondents',
      [
        [20, 10],
        [20, 10],
        [20, 10],
        [30, 0],
        [10, 0],
      ],
      6,
      5,
      1.2,
      0.4,
    ],
    // mean waiting 70/3 = 23.33…% of 6 people = 1.4 (from the unrounded mean, not 23.3% × 6 = 1.398)
    [
      'an unrounded mean',
      [
        [20, 0],
        [20, 0],
        [30, 0],
      ],
      6,
      3,
      1.4,
      0,
    ],
    // 5% of 5 people = 0.25, and 15% of 5 people = 0.75: halves round away from zero
    [
      'rounding at .x5',
      [
        [5, 5],
        [5, 5],
        [5, 5],
        [5, 30],
        [5, 30],
      ],
      5,
      5,
      0.3,
      0.8,
    ],
  ] as const)('%s', (_, answers, tooth, k, waiting, infra) => {
    const f = summariseRound(
      ds(tooth),
      dsAnswers(answers as unknown as Array<[PercentBucket, PercentBucket]>),
      k,
    );
    expect([f.waitingFte, f.infraFte]).toEqual([waiting, infra]);
    if (waiting !== null)
      expect(f.waitingFteExact).toBeCloseTo(((f.meanWaitingPct as number) * tooth) / 100, 0);
  });

  it('counts everyone on the roster, not only those who answered', () => {
    // 5 of 10 answered, each waiting 50%: the estimate is 5 people's worth of time, not 2.5.
    const f = summariseRound(ds(10), dsAnswers(Array(5).fill([50, 0])), 5);
    expect(f.waitingFte).toBe(5);
  });

  it('is withheld again when k is raised at read time', () => {
    const f = summariseRound(ds(6), dsAnswers(Array(5).fill([20, 10])), 5);
    const later = withholdBelow(f, 6);
    expect([later.waitingFte, later.infraFte, later.waitingFteExact, later.infraFteExact]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('fteOf keeps exact bucket sums exact', () => {
    expect(fteOf([], 4)).toBeNull();
    expect(fteOf([20, 20, 30], 6)).toBe(1.4);
  });
});

const eng = (
  specialty: Specialty | null,
  rewritePct: PercentBucket,
  supportPct: PercentBucket,
  platformPct: PercentBucket = 0,
): PooledTailAnswer => ({
  specialty,
  rewritePct,
  supportPct,
  platformPct,
});
const many = (n: number, a: PooledTailAnswer) => Array.from({ length: n }, () => a);
const cells = (pool: ReturnType<typeof poolTail>) =>
  Object.fromEntries(
    pool.bySpecialty.map((c) => [c.specialty, [c.respondents, c.meanHandmaidLoad, c.withheld]]),
  );

describe('the tail pooled across the org', () => {
  it('has no figure with no respondents', () => {
    const pool = poolTail([], 7, 5);
    expect(pool).toMatchObject({ respondents: 0, meanHandmaidLoad: null, rewriteFte: null, withheld: false });
    expect(pool.bySpecialty.every((c) => c.respondents === 0 && !c.withheld)).toBe(true);
  });

  it('withholds everything at k − 1', () => {
    const pool = poolTail(many(4, eng('infra', 30, 20)), 6, 5);
    expect(pool).toMatchObject({
      respondents: 4,
      meanRewritePct: null,
      meanHandmaidLoad: null,
      withheld: true,
    });
    expect(cells(pool).infra).toEqual([4, null, true]);
  });

  it('shows the pool and a specialty at exactly k', () => {
    const pool = poolTail(many(5, eng('infra', 30, 20, 10)), 8, 5);
    expect(pool).toMatchObject({
      respondents: 5,
      meanRewritePct: 30,
      meanSupportPct: 20,
      meanPlatformPct: 10,
      meanHandmaidLoad: 50,
      // 30% of the 8 engineers on the pooled rosters
      rewriteFte: 2.4,
      withheld: false,
    });
    expect(cells(pool).infra).toEqual([5, 50, false]);
  });

  it('hides the next-smallest specialty when exactly one is withheld', () => {
    const pool = poolTail(
      [...many(6, eng('ml', 10, 10)), ...many(5, eng('data', 20, 10)), ...many(2, eng('app', 50, 20))],
      13,
      5,
    );
    expect(cells(pool)).toMatchObject({
      ml: [6, 20, false],
      data: [5, null, true],
      app: [2, null, true],
    });
    expect(pool.meanHandmaidLoad).toBe(round(((6 * 20 + 5 * 30 + 2 * 70) / 13) * 10) / 10);
  });

  it('breaks a tie for next-smallest by specialty order', () => {
    const pool = poolTail(
      [...many(6, eng('ml', 10, 10)), ...many(6, eng('infra', 20, 10)), ...many(1, eng(null, 0, 0))],
      13,
      5,
    );
    expect(cells(pool)).toMatchObject({
      ml: [6, null, true],
      infra: [6, 30, false],
      engineer: [1, null, true],
    });
  });

  it('keeps hiding while the hidden cells hold fewer than k between them', () => {
    // Two withheld cells of 2 and 2: together 4 < 5 could be worked out as a group, so one more goes.
    const pool = poolTail(
      [
        ...many(2, eng('ml', 10, 0)),
        ...many(2, eng('data', 10, 0)),
        ...many(5, eng('app', 0, 0)),
        ...many(7, eng('infra', 0, 0)),
      ],
      16,
      5,
    );
    expect(cells(pool)).toMatchObject({
      ml: [2, null, true],
      data: [2, null, true],
      infra: [7, 0, false],
      app: [5, null, true],
    });
  });

  it('rounds a .x5 pooled figure half away from zero', () => {
    // rewrite: (4 × 5 + 4 × 0) / 8 = 2.5 → 2.5; fte: 2.5% × 9 = 0.225 → 0.2; support 0.25 × 10…
    const pool = poolTail([...many(4, eng('ml', 5, 5)), ...many(4, eng('ml', 0, 0))], 9, 5);
    expect(pool.meanRewritePct).toBe(2.5);
    expect(pool.rewriteFte).toBe(0.2);
    const half = poolTail([...many(2, eng('ml', 5, 0)), ...many(2, eng('ml', 0, 0))], 5, 3);
    // 2.5% of 5 engineers = 0.125 → 0.1; mean 2.5 stays 2.5
    expect([half.meanRewritePct, half.rewriteFte]).toEqual([2.5, 0.1]);
    const up = poolTail([...many(3, eng('ml', 5, 0)), ...many(1, eng('ml', 0, 0))], 1, 3);
    // 3.75% → 3.8 (half away from zero at the second decimal)
    expect(up.meanRewritePct).toBe(3.8);
  });
});

function round(x: number): number {
  return Math.round(x);
}

const obs = (
  team: string,
  ratio: number,
  toothResponses: number,
  productive: number | null,
): FrontierRow => ({
  team,
  ratio,
  toothResponses,
  medianProductivePct: productive,
});

describe('the frontier from history', () => {
  it('counts a team once per band, as the median of its rounds there, and counts its rounds', () => {
    const bands = buildFrontier(
      [
        obs('A', 0.6, 5, 60),
        obs('A', 0.6, 5, 70),
        obs('A', 0.6, 5, 95),
        obs('B', 0.75, 6, 50),
        // C has rounds in two bands: one in 0.25-0.5, two in 0.5-1
        obs('C', 0.4, 5, 30),
        obs('C', 0.5, 5, 80),
        obs('C', 0.5, 5, 90),
        obs('D', 0.3, 5, 45),
      ],
      5,
    );
    const by = Object.fromEntries(bands.map((b) => [b.band, b]));
    // team figures: A 70, B 50, C 85 → median 70
    expect(by['0.5-1']).toMatchObject({
      teams: 3,
      observations: 6,
      medianProductivePct: 70,
      withheld: false,
    });
    // C 30 and D 45 → 37.5
    expect(by['0.25-0.5']).toMatchObject({
      teams: 2,
      observations: 2,
      medianProductivePct: 37.5,
      withheld: false,
    });
  });

  it('withholds a band of one team however many rounds it has, and the next-smallest band with it', () => {
    const bands = buildFrontier(
      [
        obs('A', 0.1, 5, 40),
        obs('A', 0.1, 5, 50),
        obs('A', 0.1, 5, 60),
        obs('B', 0.6, 5, 70),
        obs('C', 0.7, 6, 80),
        obs('D', 1, 9, 85),
        obs('E', 2, 9, 90),
      ],
      5,
    );
    expect(bands.map((b) => [b.band, b.withheld, b.medianProductivePct])).toEqual([
      ['under-0.25', true, null],
      ['0.25-0.5', false, null],
      ['0.5-1', true, null],
      ['1-plus', false, 87.5],
    ]);
  });

  it('has nothing from a round whose figures were withheld', () => {
    const bands = buildFrontier([obs('A', 0.6, 4, null), obs('B', 0.6, 5, 70)], 5);
    expect(bands[2]).toMatchObject({ teams: 1, observations: 1, withheld: true });
  });

  it('rounds a median of two team figures at .x5 away from zero', () => {
    const bands = buildFrontier([obs('A', 0.6, 5, 62.5), obs('B', 0.6, 5, 65), obs('A', 0.6, 5, 62.5)], 5);
    // (62.5 + 65) / 2 = 63.75 → 63.8
    expect(bands[2]?.medianProductivePct).toBe(63.8);
  });
});

const mix = (m: Partial<TailMix> = {}): TailMix => ({
  ml: 0,
  data: 0,
  infra: 0,
  app: 0,
  unspecified: 0,
  ...m,
});
const band = (
  b: FrontierBand['band'],
  productive: number | null,
  over: Partial<FrontierBand> = {},
): FrontierBand => ({
  band: b,
  label: { 'under-0.25': '< 0.25', '0.25-0.5': '0.25-0.5', '0.5-1': '0.5-1', '1-plus': '>= 1' }[b],
  teams: 2,
  observations: 7,
  respondents: 40,
  medianProductivePct: productive,
  withheld: productive === null,
  reason: null,
  ...over,
});
const team = (over: Partial<RoundFigures>) => ({
  failureMode: 'full-stack' as const,
  tooth: 8,
  tail: 3,
  ratio: 3 / 8,
  tailMix: mix({ app: 2, data: 1 }),
  k: 5,
  medianProductivePct: 47.5,
  tailResponses: 3,
  meanHandmaidLoad: null,
  ...over,
});

describe('the recommendation with evidence', () => {
  it('names the nearest shown band above at least 5 points better, and the headcount to reach it', () => {
    const hire = hireFor(team({}), [
      band('under-0.25', 30),
      band('0.25-0.5', 45),
      band('0.5-1', 90),
      band('1-plus', 95),
    ]);
    // ceil(0.5 × 8) − 3 = 1 more engineer; the tail has app and data but no infra
    expect(hire).toMatchObject({ engineers: 1, specialty: 'infra', teamProductivePct: 47.5 });
    expect(hire?.band.band).toBe('0.5-1');
    expect(adviceLines(adviseTeam(team({}), [band('0.5-1', 90)], null))).toEqual([
      'Add 1 more engineer (infra). Evidence: teams at 0.5-1 engineers per data scientist here: 90% median productive share, 2 teams, 7 rounds; this team 47.5%.',
    ]);
  });

  it('needs exactly 5 points: 52.5 against 47.5 qualifies, 52.4 does not', () => {
    expect(hireFor(team({}), [band('0.5-1', 52.5)])?.band.band).toBe('0.5-1');
    expect(hireFor(team({}), [band('0.5-1', 52.4)])).toBeNull();
  });

  it('skips withheld bands and bands not above the team’s own', () => {
    expect(hireFor(team({}), [band('0.5-1', null), band('1-plus', 80)])).toMatchObject({
      engineers: 5,
      band: { band: '1-plus' },
    });
    expect(hireFor(team({ ratio: 1.2, tail: 12, tooth: 10 }), [band('0.5-1', 99)])).toBeNull();
  });

  it('asks for at least one engineer, of the first specialty lacking, else infra or platform', () => {
    expect(hireFor(team({ tooth: 4, tail: 1, ratio: 0.25 }), [band('0.5-1', 90)])?.engineers).toBe(1);
    expect(hireFor(team({ tooth: 7, tail: 0, ratio: 0 }), [band('0.5-1', 90)])?.engineers).toBe(4);
    expect(missingSpecialty({ tailMix: mix({ infra: 1 }) })).toBe('data');
    expect(missingSpecialty({ tailMix: mix({ infra: 1, data: 1, ml: 1 }) })).toBe('app');
    expect(missingSpecialty({ tailMix: mix({ infra: 1, data: 1, ml: 1, app: 2 }) })).toBe(
      'infra or platform',
    );
  });

  it('says so when there is no evidence, and gives the rule', () => {
    const lines = adviceLines(adviseTeam(team({}), [band('0.5-1', 50)], null));
    expect(lines[0]).toMatch(/^No evidence yet for a headcount/);
  });

  it('gives handmaid no headcount: the pooled tail’s rewrite and support against its platform share', () => {
    const pool = poolTail(many(6, eng('ml', 30, 20, 10)), 9, 5);
    const advice = adviseTeam(team({ failureMode: 'handmaid' }), null, pool);
    expect(advice.hire).toBeNull();
    expect(adviceLines(advice)).toEqual([
      'Build a paved path rather than hire: across the org, engineers spend 50% of their time rewriting and supporting data scientists’ work against 10% building platform (6 engineers, each team’s latest round).',
    ]);
  });

  it('does not cite the pool beside a team figure when the rest of the org is below k', () => {
    const pool = poolTail(many(7, eng('ml', 30, 20)), 9, 5);
    // this team's 5 engineers are shown; the other 2 would be pool − team
    const shown = team({ failureMode: 'handmaid', tailResponses: 5, meanHandmaidLoad: 50 });
    expect(poolCitable(shown, pool)).toBe(false);
    expect(adviseTeam(shown, null, pool).pavedPath).toBeNull();
    expect(poolCitable({ ...shown, tailResponses: 7 }, pool)).toBe(true);
    expect(poolCitable({ ...shown, tailResponses: 2, meanHandmaidLoad: null }, pool)).toBe(true);
  });

  it('tells a team smaller than k that it can never show its own figures, and where its answers count', () => {
    expect(recommendationFor({ failureMode: 'insufficient-data', tooth: 3, k: 5 })).toMatch(
      /^Too small to show: the team has 3 data scientists, fewer than the 5 needed, so its own figures can never be shown.*pooled tail/,
    );
    expect(recommendationFor({ failureMode: 'insufficient-data', tooth: 5, k: 5 })).toMatch(
      /encourage the team/,
    );
  });
});

describe('signals in words', () => {
  const f = {
    meanWaitingPct: 17.5,
    meanInfraPct: 30,
    pathMix: { 'self-serve': 0, rewrite: 5, paired: 0, 'diy-infra': 0, 'not-shipped': 2, 'n/a': 0 },
  };
  it('shows the mean beside a median on a bucket edge, and counts for path shares, never a slug', () => {
    expect(
      describeSignal({ mode: 'handmaid', name: 'median_waiting_pct', value: 20, threshold: 20, over: 0 }, f),
    ).toBe('median waiting 20%, mean 17.5% (threshold 20%, +0)');
    expect(
      describeSignal({ mode: 'handmaid', name: 'rewrite_share', value: 100, threshold: 50, over: 50 }, f),
    ).toBe('5 of 5 shipped pieces were rewritten by engineers (100%; threshold 50%, +50); 2 not shipped');
    const diy = describeSignal(
      { mode: 'full-stack', name: 'diy_infra_share', value: 50, threshold: 50, over: 0 },
      { ...f, pathMix: { ...f.pathMix, rewrite: 1, 'diy-infra': 1, 'not-shipped': 0, 'n/a': 1 } },
    );
    expect(diy).toBe(
      '1 of 2 shipped pieces was shipped on infrastructure the data scientist built (50%; threshold 50%, +0); 1 had nothing to ship',
    );
    expect(diy).not.toContain('diy-infra');
  });
});

const point = (
  day: number,
  tooth: number,
  tail: number,
  m: Partial<TailMix>,
  productive: number | null,
): HistoryPoint => ({
  closedAt: new Date(Date.UTC(2026, 9, day)).toISOString(),
  figures: { tooth, tail, tailMix: mix(m), medianProductivePct: productive },
});

describe('what the last change did', () => {
  it('is nothing when the shape never changed', () => {
    expect(lastChange([point(1, 6, 2, { app: 2 }, 40), point(8, 6, 2, { app: 2 }, 45)])).toBeNull();
    expect(lastChange([])).toBeNull();
  });

  it('compares up to three shown rounds before with up to three after', () => {
    const change = lastChange([
      point(1, 6, 2, { app: 2 }, 10),
      point(8, 6, 2, { app: 2 }, 40),
      point(15, 6, 2, { app: 2 }, null),
      point(22, 6, 2, { app: 2 }, 50),
      point(29, 6, 2, { app: 2 }, 45),
      point(36, 6, 3, { app: 2, infra: 1 }, 70),
      point(43, 6, 3, { app: 2, infra: 1 }, 80),
      point(50, 6, 3, { app: 2, infra: 1 }, 75),
      point(57, 6, 3, { app: 2, infra: 1 }, 20),
    ]);
    // before: 45, 50, 40 (the withheld round skipped; 10 is a fourth); after: 70, 80, 75
    expect(change).toMatchObject({
      before: { rounds: 3, medianProductivePct: 45 },
      after: { rounds: 3, medianProductivePct: 75 },
      delta: 30,
    });
    expect(describeChange(change as NonNullable<typeof change>)).toBe(
      'Last change, 2026-11-05: 2 engineers : 6 data scientists → 3 engineers : 6 data scientists (tail +1 infra). Median productive share 45% over 3 rounds before, 75% over 3 rounds since (+30 points).',
    );
    // In Slack the day is a date token for the change's instant, read in the reader's own zone.
    const changedAt = (change as NonNullable<typeof change>).changedAt;
    expect(describeChange(change as NonNullable<typeof change>, slackDay)).toMatch(
      new RegExp(
        `^Last change, <!date\\^${Date.parse(changedAt) / 1000}\\^\\{date_short_pretty\\}\\|2026-11-05>: 2 engineers`,
      ),
    );
  });

  it('sees a swap with the same headcount, and stops "before" at the previous change', () => {
    const change = lastChange([
      point(1, 6, 2, { app: 2 }, 10),
      point(8, 6, 2, { infra: 1, app: 1 }, 40),
      point(15, 6, 2, { data: 1, app: 1 }, null),
    ]);
    expect(change).toMatchObject({
      before: { rounds: 1, medianProductivePct: 40 },
      after: { rounds: 0, medianProductivePct: null },
      delta: null,
    });
    expect(describeChange(change as NonNullable<typeof change>)).toContain('(tail +1 data, −1 infra)');
    expect(describeChange(change as NonNullable<typeof change>)).toContain('no shown round since');
  });

  it('sees a change of data scientists (the ratio) too', () => {
    expect(lastChange([point(1, 6, 2, { app: 2 }, 10), point(8, 5, 2, { app: 2 }, 40)])?.to.tooth).toBe(5);
  });
});
