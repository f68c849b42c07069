// The tail, pooled across the org (SPEC section 4): engineers are two to four per team, below k
// in almost every team, so their answers only become figures when pooled across teams.
import { fteOf, handmaidLoad, mean, round1 } from './aggregate.js';
import { suppressForSubtraction } from './frontier.js';
import type { PercentBucket, Specialty, TailAnswers } from './types.js';

/** Per-specialty cells, in this order; `engineer` is an engineer with no specialty. */
export const POOL_SPECIALTIES = ['ml', 'data', 'infra', 'app', 'engineer'] as const;
export type PoolSpecialty = (typeof POOL_SPECIALTIES)[number];

/** One engineer's answer in a pooled round, with the specialty the roster snapshot gave them. */
export interface PooledTailAnswer {
  specialty: Specialty | null;
  rewritePct: PercentBucket;
  supportPct: PercentBucket;
  platformPct: PercentBucket;
}

export interface SpecialtyCell {
  specialty: PoolSpecialty;
  respondents: number;
  /** Null when the cell is empty or withheld. */
  meanHandmaidLoad: number | null;
  withheld: boolean;
}

export interface TailPool {
  k: number;
  respondents: number;
  /** The engineers on the pooled rounds' rosters, answering or not. */
  tailHeadcount: number;
  /** Every figure below is null when the pool has fewer than k respondents (or none). */
  meanRewritePct: number | null;
  meanSupportPct: number | null;
  meanPlatformPct: number | null;
  meanHandmaidLoad: number | null;
  /** Pooled mean rewrite × tail headcount / 100: engineers' worth of time spent rewriting. */
  rewriteFte: number | null;
  withheld: boolean;
  bySpecialty: SpecialtyCell[];
}

const asAnswer = (a: PooledTailAnswer): TailAnswers => ({ role: 'engineer', ...a, blocker: null });
const specialtyOf = (a: PooledTailAnswer): PoolSpecialty => a.specialty ?? 'engineer';
const meanOf = (values: readonly number[]): number | null => {
  const m = mean(values);
  return m === null ? null : round1(m);
};

/**
 * Pools the engineers' answers of each team's latest closed round. The pool is shown when it has
 * at least k respondents. A specialty is shown when it has at least k; because the pool's mean
 * and every cell's respondent count are shown, a withheld cell could be worked out as the pool
 * minus the shown cells, so further cells are hidden, smallest first, until the hidden cells
 * together hold at least k people (SPEC section 5; when exactly one is withheld that is the
 * next-smallest, as the spec says).
 */
export function poolTail(answers: readonly PooledTailAnswer[], tailHeadcount: number, k: number): TailPool {
  const minimum = Math.max(1, k);
  const respondents = answers.length;
  const shown = respondents >= minimum;
  const cells = POOL_SPECIALTIES.map((specialty) => {
    const inCell = answers.filter((a) => specialtyOf(a) === specialty);
    return { specialty, count: inCell.length, answers: inCell };
  });
  const hidden = shown ? suppressForSubtraction(cells, minimum, true) : cells.map((cell) => cell.count > 0);
  const loads = (list: readonly PooledTailAnswer[]) => list.map((a) => handmaidLoad(asAnswer(a)));
  const rewriteFte = shown
    ? fteOf(
        answers.map((a) => a.rewritePct),
        tailHeadcount,
      )
    : null;
  return {
    k,
    respondents,
    tailHeadcount,
    meanRewritePct: shown ? meanOf(answers.map((a) => a.rewritePct)) : null,
    meanSupportPct: shown ? meanOf(answers.map((a) => a.supportPct)) : null,
    meanPlatformPct: shown ? meanOf(answers.map((a) => a.platformPct)) : null,
    meanHandmaidLoad: shown ? meanOf(loads(answers)) : null,
    rewriteFte: rewriteFte === null ? null : round1(rewriteFte),
    withheld: respondents > 0 && !shown,
    bySpecialty: cells.map((cell, i) => ({
      specialty: cell.specialty,
      respondents: cell.count,
      meanHandmaidLoad: hidden[i] || cell.count === 0 ? null : meanOf(loads(cell.answers)),
      withheld: hidden[i] === true,
    })),
  };
}
