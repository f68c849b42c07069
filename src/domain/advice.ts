// The recommendation with evidence (SPEC section 4): for full-stack, how many more engineers, of
// which specialty, and the band of this organisation's own frontier that supports it; for
// handmaid, the pooled tail's rewrite-and-support share against its platform share, and no
// headcount, because the lever there is a paved path, not more people.
import { round1 } from './aggregate.js';
import { type FrontierBand, RATIO_BANDS, ratioBand } from './frontier.js';
import { recommendationFor } from './recommend.js';
import type { TailPool } from './tail-pool.js';
import type { RoundFigures, Specialty } from './types.js';

/** A shown band must beat the team's productive share by at least this many points. */
export const EVIDENCE_MARGIN = 5;
/** The first specialty the tail lacks, in this order, is the one to hire. */
export const HIRE_ORDER: readonly Specialty[] = ['infra', 'data', 'ml', 'app'];

export interface Hire {
  engineers: number;
  specialty: Specialty | 'infra or platform';
  band: FrontierBand;
  teamProductivePct: number;
}

export interface PavedPathEvidence {
  respondents: number;
  meanHandmaidLoad: number;
  meanPlatformPct: number;
}

export interface Advice {
  /** The one-line rule for the verdict. */
  rule: string;
  /** full-stack or both: a qualifying band and the headcount to reach it, or null (no evidence). */
  hire: Hire | null;
  /** handmaid or both: the pooled tail's figures when shown, or null. */
  pavedPath: PavedPathEvidence | null;
  /** Which kinds of evidence the verdict asks for. */
  wantsHire: boolean;
  wantsPavedPath: boolean;
}

type TeamFigures = Pick<
  RoundFigures,
  | 'failureMode'
  | 'tooth'
  | 'tail'
  | 'ratio'
  | 'tailMix'
  | 'k'
  | 'medianProductivePct'
  | 'tailResponses'
  | 'meanHandmaidLoad'
>;

/**
 * Whether the pool may be cited beside this team's own tail figure. The digest shows both, with
 * their respondent counts, so the pool minus this team is the rest of the org's engineers: that
 * rest must be nobody or at least k people (SPEC section 5).
 */
export function poolCitable(f: TeamFigures, pool: TailPool): boolean {
  if (pool.withheld || pool.meanHandmaidLoad === null || pool.meanPlatformPct === null) return false;
  if (f.meanHandmaidLoad === null) return true;
  const rest = pool.respondents - f.tailResponses;
  return rest === 0 || rest >= Math.max(f.k, pool.k);
}

/** The specialty to hire: the first in HIRE_ORDER the tail has nobody in. */
export function missingSpecialty(f: Pick<RoundFigures, 'tailMix'>): Hire['specialty'] {
  return HIRE_ORDER.find((s) => f.tailMix[s] === 0) ?? 'infra or platform';
}

/**
 * The nearest shown band above the team's own whose median productive share is at least
 * EVIDENCE_MARGIN points above the team's, and n = max(1, ceil(lower edge × tooth) − tail).
 * Nearest, because it is the smallest change this organisation's own teams show working.
 */
export function hireFor(f: TeamFigures, bands: readonly FrontierBand[]): Hire | null {
  const own = ratioBand(f.ratio);
  if (own === null || f.medianProductivePct === null) return null;
  const ownFrom = RATIO_BANDS.find((b) => b.band === own)?.from ?? 0;
  const team = f.medianProductivePct;
  for (const edge of RATIO_BANDS) {
    if (edge.from <= ownFrom) continue;
    const band = bands.find((b) => b.band === edge.band);
    if (!band || band.withheld || band.medianProductivePct === null) continue;
    if (round1(band.medianProductivePct - team) < EVIDENCE_MARGIN) continue;
    return {
      engineers: Math.max(1, Math.ceil(edge.from * f.tooth) - f.tail),
      specialty: missingSpecialty(f),
      band,
      teamProductivePct: team,
    };
  }
  return null;
}

export function adviseTeam(
  f: TeamFigures,
  bands: readonly FrontierBand[] | null,
  pool: TailPool | null,
): Advice {
  const wantsHire = f.failureMode === 'full-stack' || f.failureMode === 'both';
  const wantsPavedPath = f.failureMode === 'handmaid' || f.failureMode === 'both';
  const shownPool = pool !== null && pool.respondents > 0 && poolCitable(f, pool);
  return {
    rule: recommendationFor(f),
    hire: wantsHire && bands !== null ? hireFor(f, bands) : null,
    pavedPath:
      wantsPavedPath && shownPool
        ? {
            respondents: pool.respondents,
            meanHandmaidLoad: pool.meanHandmaidLoad as number,
            meanPlatformPct: pool.meanPlatformPct as number,
          }
        : null,
    wantsHire,
    wantsPavedPath,
  };
}

const pct = (v: number): string => `${v}%`;
const engineers = (n: number) => `${n} more engineer${n === 1 ? '' : 's'}`;
const specialtyWords = (s: Hire['specialty']): string =>
  s === 'infra or platform' ? 'infra or platform' : `${s}`;

/**
 * The advice as plain lines: the rule, then the evidence or why there is none. E.g.
 * "Add 1 more engineer (infra): teams at 0.5-1 here: 90% median productive share, 2 teams,
 * 7 rounds; this team 47.5%."
 */
export function adviceLines(advice: Advice): string[] {
  const lines: string[] = [];
  if (advice.wantsHire) {
    const h = advice.hire;
    lines.push(
      h
        ? `Add ${engineers(h.engineers)} (${specialtyWords(h.specialty)}). Evidence: teams at ${h.band.label} engineers per data scientist here: ${pct(h.band.medianProductivePct as number)} median productive share, ${h.band.teams} teams, ${h.band.observations} rounds; this team ${pct(h.teamProductivePct)}.`
        : 'No evidence yet for a headcount: no shown ratio band above this team’s does at least 5 points better in this organisation. The rule of thumb: the tail is too thin or its mix is wrong; add or re-mix engineers (infra/platform).',
    );
  }
  if (advice.wantsPavedPath) {
    const p = advice.pavedPath;
    lines.push(
      p
        ? `Build a paved path rather than hire: across the org, engineers spend ${pct(p.meanHandmaidLoad)} of their time rewriting and supporting data scientists’ work against ${pct(p.meanPlatformPct)} building platform (${p.respondents} engineers, each team’s latest round).`
        : 'Build a paved path rather than hire. (The org’s pooled engineer figures cannot be shown here: too few engineers answered across the org, or beside this team’s own figure they would give away a group smaller than k.)',
    );
  }
  return lines;
}
