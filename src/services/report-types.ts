// What the report services hand to whoever words them (slack/views, through MessageBuilder).
// These shapes sit below ReportService, InsightService and the MessageBuilder port, which all
// use them, so none of those modules imports another to name them.
import type { Advice } from '../domain/advice.js';
import type { Band, FrontierBand } from '../domain/frontier.js';
import type { ChangeEffect } from '../domain/mix-change.js';
import type { TailPool } from '../domain/tail-pool.js';
import type { RoundSummary } from '../storage/summaries.js';
import type { Team } from '../storage/teams.js';

/** A team's latest closed round beside the one before it, for trends. */
export interface TeamReport {
  teamName: string;
  /** The round's number within its team, counting from 1. */
  roundNumber?: number;
  summary: RoundSummary;
  previous: RoundSummary | null;
  /** What the team's last change of ratio or tail mix did; absent where a view does not show it. */
  change?: ChangeEffect | null;
  /** The recommendation with its evidence; absent where a view shows only the one-line rule. */
  advice?: Advice | null;
}

/** One point of the frontier chart: a team round whose figures its own digest already shows. */
export interface FrontierObservation {
  ratio: number;
  medianProductivePct: number;
  closedAt: string;
}

/** The frontier from history: four bands, and the observations in the bands that are shown. */
export interface FrontierFromHistory {
  windowWeeks: number;
  bands: FrontierBand[];
  /** Only observations in shown bands, so the chart cannot give a withheld band away. */
  observations: FrontierObservation[];
}

/** Capacity lost across the org, in people: the sum over teams whose tooth figures are shown. */
export interface OrgCapacity {
  /** Teams whose latest round's tooth figures are shown: the teams the sums cover. */
  teams: number;
  /** Null when no team's figures are shown. */
  waitingFte: number | null;
  infraFte: number | null;
}

/** One live team and its latest closed round (with the previous one, for trends), or null. */
export interface OrgTeamRow {
  team: Team;
  report: TeamReport | null;
}

/** A figure the org report does not show, and why a reader sees '–' in its place. */
export type WithheldCell =
  | { kind: 'tooth' | 'tail'; teamName: string; roundId: number }
  | { kind: 'band'; band: Band };

export interface OrgReport {
  workspaceId: string;
  /** The org's anonymity threshold, which the frontier applies to its bands. */
  k: number;
  generatedAt: string;
  /** Live teams by name. */
  teams: OrgTeamRow[];
  /** All four ratio bands, in order: the frontier from history (the last `frontierWindowWeeks`). */
  frontier: FrontierBand[];
  frontierWindowWeeks: number;
  /** The frontier chart's points: observations in shown bands only. */
  frontierObservations: FrontierObservation[];
  capacity: OrgCapacity;
  /** The engineers of each team's latest round, pooled. */
  tailPool: TailPool;
  withheld: WithheldCell[];
  /** Different people on the live rosters, each counted once however many teams they are on. */
  people?: { people: number; onSeveralTeams: number };
}
