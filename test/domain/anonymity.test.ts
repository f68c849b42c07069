import { describe, expect, it } from 'vitest';
import { summariseRound } from '../../src/domain/aggregate.js';
import { withholdBelow } from '../../src/domain/anonymity.js';
import type { Answers, RosterEntry } from '../../src/domain/types.js';

const roster = (tooth: number, tail: number): RosterEntry[] => [
  ...Array.from({ length: tooth }, (_, i) => ({
    userId: `D${i}`,
    role: 'data-scientist' as const,
    specialty: null,
  })),
  ...Array.from({ length: tail }, (_, i) => ({
    userId: `E${i}`,
    role: 'engineer' as const,
    specialty: 'ml' as const,
  })),
];
const tooth = (n: number, waitingPct: 0 | 30): Answers[] =>
  Array.from({ length: n }, () => ({
    role: 'data-scientist',
    waitingPct,
    infraPct: 0,
    pathToProd: 'n/a',
    blocker: null,
  }));
const tail = (n: number): Answers[] =>
  Array.from({ length: n }, () => ({
    role: 'engineer',
    rewritePct: 50,
    supportPct: 20,
    platformPct: 0,
    blocker: null,
  }));

describe('withholdBelow', () => {
  it('changes nothing when k is not raised, and never reveals what was stored withheld', () => {
    const figures = summariseRound(roster(4, 4), [...tooth(4, 0), ...tail(4)], 5);
    expect(withholdBelow(figures, 5)).toBe(figures);
    expect(withholdBelow(figures, 3)).toBe(figures);
    expect(withholdBelow(figures, 3).medianProductivePct).toBeNull();
  });

  it('withholds the tooth, the tail and the verdict of a round stored under a smaller k', () => {
    const figures = summariseRound(roster(4, 4), [...tooth(4, 30), ...tail(4)], 3);
    expect(figures.failureMode).toBe('handmaid');
    expect(withholdBelow(figures, 5)).toMatchObject({
      k: 5,
      medianWaitingPct: null,
      medianProductivePct: null,
      pathMix: null,
      meanHandmaidLoad: null,
      failureMode: 'insufficient-data',
      signals: [],
      toothResponses: 4,
      tooth: 4,
    });
  });

  it('withholds only the tail and recomputes the verdict without its signal', () => {
    // Healthy data scientists; only the engineers' handmaid load (70) fires.
    const figures = summariseRound(roster(6, 4), [...tooth(6, 0), ...tail(4)], 4);
    expect(figures.failureMode).toBe('handmaid');
    expect(figures.signals.map((s) => s.name)).toEqual(['mean_handmaid_load']);
    const stricter = withholdBelow(figures, 5);
    expect(stricter).toMatchObject({
      meanHandmaidLoad: null,
      meanRewritePct: null,
      failureMode: 'healthy',
      signals: [],
    });
    expect(stricter.medianProductivePct).toBe(100);
  });
});
