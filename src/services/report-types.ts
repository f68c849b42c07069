// What the report services hand to whoever words them (slack/views, through MessageBuilder).
// These shapes sit below ReportService, InsightService and the MessageBuilder port, which all
// use them, so none of those modules imports another to name them.
import type { Band, FrontierBand } from '../domain/frontier.js';
import type { RoundSummary } from '../storage/summaries.js';
import type { Team } from '../storage/teams.js';

/** A team's latest closed round beside the one before it, for trends. */
export interface TeamReport {
  teamName: string;
  /** The round's number within its team, counting from 1. */
  roundNumber?: number;
  summary: RoundSummary;
  previous: RoundSummary | null;
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
  /** All four ratio bands, in order, from each team's latest round. */
  frontier: FrontierBand[];
  withheld: WithheldCell[];
  /** Different people on the live rosters, each counted once however many teams they are on. */
  people?: { people: number; onSeveralTeams: number };
}
