import { describe, expect, it } from 'vitest';
import {
  handmaidLoad,
  mean,
  median,
  productivePct,
  round1,
  summariseRound,
} from '../../src/domain/aggregate.js';
import type {
  PathToProd,
  PercentBucket,
  RosterEntry,
  Specialty,
  TailAnswers,
  ToothAnswers,
} from '../../src/domain/types.js';

const ds = (
  waitingPct: PercentBucket,
  infraPct: PercentBucket,
  pathToProd: PathToProd = 'self-serve',
): ToothAnswers => ({
  role: 'data-scientist',
  waitingPct,
  infraPct,
  pathToProd,
  blocker: null,
});

const eng = (
  rewritePct: PercentBucket,
  supportPct: PercentBucket,
  platformPct: PercentBucket = 0,
): TailAnswers => ({
  role: 'engineer',
  rewritePct,
  supportPct,
  platformPct,
  blocker: null,
});

function roster(dataScientists: number, engineers: Array<Specialty | null> = []): RosterEntry[] {
  return [
    ...Array.from({ length: dataScientists }, (_, i) => ({
      userId: `UDS${i}`,
      role: 'data-scientist' as const,
      specialty: null,
    })),
    ...engineers.map((specialty, i) => ({ userId: `UENG${i}`, role: 'engineer' as const, specialty })),
  ];
}

const times = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

describe('round1', () => {
  it.each([
    [2.25, 2.3],
    [-2.25, -2.3],
    [0.05, 0.1],
    [-0.05, -0.1],
    [1.45, 1.5],
    [12.35, 12.4],
    [2.24, 2.2],
    [2.35, 2.4],
    [10.05, 10.1],
    [7.5, 7.5],
    [33.333333, 33.3],
    [66.666666, 66.7],
    [0, 0],
    [-0.04, 0],
    [100, 100],
    [-1.15, -1.2],
    // Differences whose binary value sits just under the half: 0.04999999999999999 and so on.
    [0.3 - 0.25, 0.1],
    [0.6 - 0.05, 0.6],
    [0.7 - 0.45, 0.3],
    [0.25 - 0.3, -0.1],
  ])('round1(%s) = %s', (input, expected) => {
    expect(round1(input)).toBe(expected);
  });

  it('never returns negative zero', () => {
    expect(Object.is(round1(-0.01), 0)).toBe(true);
  });
});

describe('median and mean', () => {
  it.each([
    [[], null],
    [[7], 7],
    [[30, 10, 20], 20],
    [[10, 20], 15],
    [[50, 0, 5, 10], 7.5],
    [[70, 70, 0, 0], 35],
  ])('median(%j) = %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it.each([
    [[], null],
    [[10, 20], 15],
    [[0, 5, 10], 5],
  ])('mean(%j) = %s', (values, expected) => {
    expect(mean(values)).toBe(expected);
  });
});

describe('per-respondent figures', () => {
  it('clamps productive share at 0 when waiting and infra exceed 100', () => {
    expect(productivePct(ds(70, 50))).toBe(0);
    expect(productivePct(ds(30, 20))).toBe(50);
  });

  it('caps handmaid load at 100', () => {
    expect(handmaidLoad(eng(70, 50))).toBe(100);
    expect(handmaidLoad(eng(20, 10))).toBe(30);
  });
});

describe('summariseRound', () => {
  it('counts the roster snapshot: E:D raw, ratio unrounded, tail mix by specialty', () => {
    const figures = summariseRound(roster(6, ['ml', 'infra', null]), [], 5);
    expect(figures.tooth).toBe(6);
    expect(figures.tail).toBe(3);
    expect(figures.ratio).toBe(0.5);
    expect(figures.tailMix).toEqual({ ml: 1, data: 0, infra: 1, app: 0, unspecified: 1 });
  });

  it('keeps the ratio unrounded', () => {
    expect(summariseRound(roster(3, ['ml']), [], 5).ratio).toBe(1 / 3);
  });

  it('has no ratio when the tooth is 0', () => {
    const figures = summariseRound(roster(0, ['app', 'app']), times(5, eng(0, 0)), 5);
    expect(figures.ratio).toBeNull();
    expect(figures.tailMix.app).toBe(2);
    expect(figures.failureMode).toBe('insufficient-data');
  });

  it('withholds every figure at k - 1 tooth responses', () => {
    const figures = summariseRound(
      roster(6, times(5, null)),
      [...times(4, ds(50, 50)), ...times(5, eng(50, 50))],
      5,
    );
    expect(figures.toothResponses).toBe(4);
    expect(figures.tailResponses).toBe(5);
    expect(figures).toMatchObject({
      medianWaitingPct: null,
      meanWaitingPct: null,
      medianInfraPct: null,
      meanInfraPct: null,
      medianProductivePct: null,
      pathMix: null,
      failureMode: 'insufficient-data',
      signals: [],
    });
    // The tail met k, so its own figures exist even though there is no verdict.
    expect(figures.meanHandmaidLoad).toBe(100);
  });

  it('computes figures at exactly k, with an even-count median', () => {
    const answers = [ds(0, 0), ds(5, 10), ds(10, 20), ds(20, 30), ds(30, 0), ds(50, 5)];
    const figures = summariseRound(roster(6), answers, 6);
    expect(figures.toothResponses).toBe(6);
    expect(figures.medianWaitingPct).toBe(15);
    expect(figures.meanWaitingPct).toBe(19.2);
    expect(figures.medianInfraPct).toBe(7.5);
    expect(figures.meanInfraPct).toBe(10.8);
    // productive: 100, 85, 70, 50, 70, 45 → sorted 45 50 70 70 85 100 → median 70
    expect(figures.medianProductivePct).toBe(70);
    expect(figures.pathMix).toEqual({
      'self-serve': 6,
      rewrite: 0,
      paired: 0,
      'diy-infra': 0,
      'not-shipped': 0,
      'n/a': 0,
    });
  });

  it('rounds means half away from zero', () => {
    // waiting 0, 5, 5, 5 → 3.75 → 3.8; infra 0, 0, 5, 0 → 1.25 → 1.3
    const figures = summariseRound(roster(4), [ds(0, 0), ds(5, 0), ds(5, 5), ds(5, 0)], 4);
    expect(figures.meanWaitingPct).toBe(3.8);
    expect(figures.meanInfraPct).toBe(1.3);
  });

  it('clamps productive share before taking the median', () => {
    const figures = summariseRound(roster(3), [ds(70, 50), ds(70, 70), ds(50, 70)], 3);
    expect(figures.medianProductivePct).toBe(0);
  });

  it('caps handmaid load at 100 per respondent before the mean', () => {
    const figures = summariseRound(
      roster(3, times(3, null)),
      [...times(3, ds(0, 0)), ...times(3, eng(70, 70))],
      3,
    );
    expect(figures.meanHandmaidLoad).toBe(100);
    expect(figures.meanRewritePct).toBe(70);
  });

  it('withholds tail figures below k and judges from tooth signals only', () => {
    const answers = [...times(5, ds(0, 0)), ...times(4, eng(70, 70, 0))];
    const figures = summariseRound(roster(5, times(4, 'infra')), answers, 5);
    expect(figures).toMatchObject({
      meanRewritePct: null,
      meanSupportPct: null,
      meanPlatformPct: null,
      meanHandmaidLoad: null,
      failureMode: 'healthy',
      signals: [],
    });
  });

  it('gives no path signals when nothing shipped', () => {
    const answers = [...times(3, ds(0, 0, 'not-shipped')), ...times(2, ds(0, 0, 'n/a'))];
    const figures = summariseRound(roster(5), answers, 5);
    expect(figures.failureMode).toBe('healthy');
    expect(figures.pathMix?.['not-shipped']).toBe(3);
  });

  it('computes path shares over shipped answers only', () => {
    // 2 rewrite of 4 shipped = 50% (the 3 not-shipped do not dilute it)
    const answers = [
      ds(0, 0, 'rewrite'),
      ds(0, 0, 'rewrite'),
      ds(0, 0, 'paired'),
      ds(0, 0, 'self-serve'),
      ...times(3, ds(0, 0, 'not-shipped')),
    ];
    const figures = summariseRound(roster(7), answers, 5);
    expect(figures.signals).toEqual([
      { mode: 'handmaid', name: 'rewrite_share', value: 50, threshold: 50, over: 0 },
    ]);
  });

  const fiveDs = (answer: ToothAnswers) => times(5, answer);
  it.each([
    [
      'median waiting exactly at 20',
      [...fiveDs(ds(20, 0))],
      'handmaid',
      { mode: 'handmaid', name: 'median_waiting_pct', value: 20, threshold: 20, over: 0 },
    ],
    [
      'mean handmaid load over 40',
      [...fiveDs(ds(0, 0)), ...times(5, eng(30, 20))],
      'handmaid',
      { mode: 'handmaid', name: 'mean_handmaid_load', value: 50, threshold: 40, over: 10 },
    ],
    [
      'rewrite at 60% of shipped',
      [...times(3, ds(0, 0, 'rewrite')), ...times(2, ds(0, 0, 'paired'))],
      'handmaid',
      { mode: 'handmaid', name: 'rewrite_share', value: 60, threshold: 50, over: 10 },
    ],
    [
      'median infra 30',
      [...fiveDs(ds(0, 30))],
      'full-stack',
      { mode: 'full-stack', name: 'median_infra_pct', value: 30, threshold: 25, over: 5 },
    ],
    [
      'diy-infra at 2 of 3 shipped',
      [...times(2, ds(0, 0, 'diy-infra')), ds(0, 0, 'self-serve'), ...times(2, ds(0, 0, 'not-shipped'))],
      'full-stack',
      { mode: 'full-stack', name: 'diy_infra_share', value: 66.7, threshold: 50, over: 16.7 },
    ],
  ])('fires one signal: %s', (_, answers, mode, signal) => {
    const figures = summariseRound(roster(5, times(5, null)), answers, 5);
    expect(figures.failureMode).toBe(mode);
    expect(figures.signals).toEqual([signal]);
  });

  it('does not fire just under each threshold', () => {
    const answers = [
      ...times(3, ds(10, 20, 'self-serve')),
      ds(30, 30, 'rewrite'),
      ds(30, 30, 'diy-infra'),
      ...times(5, eng(20, 10)),
    ];
    // median waiting 10, median infra 20, handmaid load 30, rewrite 20%, diy-infra 20%
    const figures = summariseRound(roster(5, times(5, null)), answers, 5);
    expect(figures.failureMode).toBe('healthy');
    expect(figures.signals).toEqual([]);
  });

  it("lists every signal, handmaid first, when it is 'both'", () => {
    const answers = [
      ds(30, 30, 'rewrite'),
      ds(30, 30, 'rewrite'),
      ds(30, 30, 'diy-infra'),
      ds(30, 30, 'diy-infra'),
      ds(30, 30, 'not-shipped'),
      ...times(5, eng(50, 20)),
    ];
    const figures = summariseRound(roster(5, times(5, 'ml')), answers, 5);
    expect(figures.failureMode).toBe('both');
    expect(figures.signals).toEqual([
      { mode: 'handmaid', name: 'median_waiting_pct', value: 30, threshold: 20, over: 10 },
      { mode: 'handmaid', name: 'mean_handmaid_load', value: 70, threshold: 40, over: 30 },
      { mode: 'handmaid', name: 'rewrite_share', value: 50, threshold: 50, over: 0 },
      { mode: 'full-stack', name: 'median_infra_pct', value: 30, threshold: 25, over: 5 },
      { mode: 'full-stack', name: 'diy_infra_share', value: 50, threshold: 50, over: 0 },
    ]);
  });

  it('uses the thresholds it is given', () => {
    const thresholds = {
      medianWaitingPct: 50,
      meanHandmaidLoad: 90,
      rewriteShare: 90,
      medianInfraPct: 5,
      diyInfraShare: 90,
    };
    const figures = summariseRound(roster(3), times(3, ds(30, 10)), 3, thresholds);
    expect(figures.failureMode).toBe('full-stack');
    expect(figures.signals).toEqual([
      { mode: 'full-stack', name: 'median_infra_pct', value: 10, threshold: 5, over: 5 },
    ]);
  });

  it('records k and never computes figures from nobody', () => {
    const figures = summariseRound(roster(2), [], 0);
    expect(figures.k).toBe(0);
    expect(figures.failureMode).toBe('insufficient-data');
    expect(figures.medianWaitingPct).toBeNull();
  });
});
