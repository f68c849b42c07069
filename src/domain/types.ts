// The product's vocabulary (SPEC sections 2-4). Pure types and constants: nothing here knows
// about Slack or SQLite.

/** Percent answers are chosen from these buckets and stored as integers (SPEC section 3). */
export const PERCENT_BUCKETS = [0, 5, 10, 20, 30, 50, 70] as const;
export type PercentBucket = (typeof PERCENT_BUCKETS)[number];

export const ROLES = ['data-scientist', 'engineer'] as const;
/** `data-scientist` is the tooth; `engineer` is the tail. */
export type Role = (typeof ROLES)[number];

export const SPECIALTIES = ['ml', 'data', 'infra', 'app'] as const;
export type Specialty = (typeof SPECIALTIES)[number];

export const PATHS_TO_PROD = ['self-serve', 'rewrite', 'paired', 'diy-infra', 'not-shipped', 'n/a'] as const;
export type PathToProd = (typeof PATHS_TO_PROD)[number];
/** Answers that count as "shipped" for the path signals (SPEC section 4). */
export const SHIPPED_PATHS: readonly PathToProd[] = ['self-serve', 'rewrite', 'paired', 'diy-infra'];

export const BLOCKER_MAX_LENGTH = 500;

export interface ToothAnswers {
  role: 'data-scientist';
  waitingPct: PercentBucket;
  infraPct: PercentBucket;
  pathToProd: PathToProd;
  blocker: string | null;
}

export interface TailAnswers {
  role: 'engineer';
  rewritePct: PercentBucket;
  supportPct: PercentBucket;
  platformPct: PercentBucket;
  blocker: string | null;
}

export type Answers = ToothAnswers | TailAnswers;

/** One member as the roster snapshot saw them when a round opened. */
export interface RosterEntry {
  userId: string;
  role: Role;
  specialty: Specialty | null;
}

export const FAILURE_MODES = ['handmaid', 'full-stack', 'both', 'healthy', 'insufficient-data'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export type SignalName =
  | 'median_waiting_pct'
  | 'mean_handmaid_load'
  | 'rewrite_share'
  | 'median_infra_pct'
  | 'diy_infra_share';

/** A threshold that fired, and by how much it was exceeded (value - threshold, >= 0). */
export interface Signal {
  mode: 'handmaid' | 'full-stack';
  name: SignalName;
  value: number;
  threshold: number;
  over: number;
}

export interface Thresholds {
  /** handmaid when tooth median waiting_pct >= this */
  medianWaitingPct: number;
  /** handmaid when tail mean (rewrite + support, capped at 100) >= this */
  meanHandmaidLoad: number;
  /** handmaid when `rewrite` share of shipped path answers >= this (percent) */
  rewriteShare: number;
  /** full-stack when tooth median infra_pct >= this */
  medianInfraPct: number;
  /** full-stack when `diy-infra` share of shipped path answers >= this (percent) */
  diyInfraShare: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  medianWaitingPct: 20,
  meanHandmaidLoad: 40,
  rewriteShare: 50,
  medianInfraPct: 25,
  diyInfraShare: 50,
};

export type TailMix = Record<Specialty | 'unspecified', number>;
export type PathMix = Record<PathToProd, number>;

/**
 * The team-level aggregate of one round (SPEC section 4), computed when the round closes and
 * stored. Every figure is already rounded (half away from zero, one decimal). A figure is
 * `null` when it does not exist or is withheld by the anonymity rule (SPEC section 5).
 */
export interface RoundFigures {
  tooth: number;
  tail: number;
  /** tail / tooth; null when tooth is 0. Unrounded; presentation rounds it. */
  ratio: number | null;
  tailMix: TailMix;
  toothResponses: number;
  tailResponses: number;
  /** The k this summary was computed with. */
  k: number;
  medianWaitingPct: number | null;
  meanWaitingPct: number | null;
  medianInfraPct: number | null;
  meanInfraPct: number | null;
  medianProductivePct: number | null;
  /**
   * Capacity lost, in people (SPEC section 4): mean waiting (or infra) x tooth / 100, from the
   * unrounded mean, then rounded. Null when tooth figures are withheld, and in summaries stored
   * before this figure existed (they kept no unrounded mean to compute it from).
   */
  waitingFte: number | null;
  infraFte: number | null;
  /** The same, unrounded: the org figure sums these and rounds once. Never shown as such. */
  waitingFteExact: number | null;
  infraFteExact: number | null;
  /** Counts per path answer; null when tooth figures are withheld. */
  pathMix: PathMix | null;
  meanRewritePct: number | null;
  meanSupportPct: number | null;
  meanPlatformPct: number | null;
  meanHandmaidLoad: number | null;
  failureMode: FailureMode;
  signals: Signal[];
}

export const CADENCES = ['weekly', 'monthly', 'each-round'] as const;
export type Cadence = (typeof CADENCES)[number];
