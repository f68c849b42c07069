// Fills a migrated database with an organisation through the real repositories: teams, rosters,
// rounds with their roster snapshots, raw answers, and the summaries summariseRound computes.
import { summariseRound } from '../../src/domain/aggregate.js';
import type { Answers, PercentBucket, RosterEntry, Specialty } from '../../src/domain/types.js';
import type { Db } from '../../src/storage/database.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { type RoundSummary, SummaryRepository } from '../../src/storage/summaries.js';
import { type Team, TeamRepository } from '../../src/storage/teams.js';

export interface FixtureRound {
  roster: RosterEntry[];
  answers: Array<{ userId: string; answers: Answers }>;
  /** The k the round was summarised with when it closed. */
  k: number;
}

export interface FixtureTeam {
  name: string;
  /** Oldest first; the last round's roster is the team's current roster. */
  rounds: FixtureRound[];
  /** A round left open after the closed ones, asking the current roster. */
  openRound?: boolean;
}

export interface SeededTeam {
  team: Team;
  summaries: RoundSummary[];
  openRoundId: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const FIXTURE_START = Date.parse('2025-01-06T10:00:00.000Z');

export const tooth = (userId: string): RosterEntry => ({ userId, role: 'data-scientist', specialty: null });
export const tail = (userId: string, specialty: Specialty | null = null): RosterEntry => ({
  userId,
  role: 'engineer',
  specialty,
});
export const dsAnswer = (
  waitingPct: PercentBucket,
  infraPct: PercentBucket,
  pathToProd: Extract<Answers, { role: 'data-scientist' }>['pathToProd'] = 'self-serve',
  blocker: string | null = null,
): Answers => ({ role: 'data-scientist', waitingPct, infraPct, pathToProd, blocker });
export const engAnswer = (
  rewritePct: PercentBucket,
  supportPct: PercentBucket,
  platformPct: PercentBucket = 0,
): Answers => ({ role: 'engineer', rewritePct, supportPct, platformPct, blocker: null });

/** Rounds open weekly from FIXTURE_START and close two days later, in the order given. */
export function seedOrg(db: Db, workspaceId: string, teams: FixtureTeam[]): SeededTeam[] {
  const teamRepo = new TeamRepository(db);
  const rounds = new RoundRepository(db);
  const summaries = new SummaryRepository(db);
  let week = 0;
  return db.transaction(() =>
    teams.map((spec) => {
      const at = (offset: number) => new Date(FIXTURE_START + week * 7 * DAY_MS + offset).toISOString();
      const team = teamRepo.add({
        workspaceId,
        name: spec.name,
        channelId: null,
        timezone: 'UTC',
        createdBy: 'UADMIN',
        now: at(0),
      });
      const current = spec.rounds.at(-1)?.roster ?? [];
      for (const entry of current) {
        teamRepo.upsertMember({ workspaceId, teamId: team.id, ...entry, now: at(0) });
      }
      const saved: RoundSummary[] = [];
      for (const [i, r] of spec.rounds.entries()) {
        const openedAt = at(i * 7 * DAY_MS);
        const closedAt = at(i * 7 * DAY_MS + 2 * DAY_MS);
        const round = rounds.open({
          workspaceId,
          teamId: team.id,
          scheduledFor: null,
          openedAt,
          closesAt: closedAt,
          openedBy: 'UADMIN',
          roster: r.roster.map((entry) => ({ ...entry, promptAt: openedAt })),
        });
        for (const a of r.answers) {
          rounds.saveResponse({
            workspaceId,
            roundId: round.id,
            userId: a.userId,
            answers: a.answers,
            now: openedAt,
          });
        }
        rounds.close(round.id, closedAt);
        const summary: RoundSummary = {
          roundId: round.id,
          workspaceId,
          teamId: team.id,
          teamName: team.name,
          openedAt,
          closedAt,
          figures: summariseRound(
            r.roster,
            r.answers.map((a) => a.answers),
            r.k,
          ),
        };
        summaries.save(summary);
        saved.push(summary);
      }
      let openRoundId: number | null = null;
      if (spec.openRound) {
        const openedAt = at(spec.rounds.length * 7 * DAY_MS);
        openRoundId = rounds.open({
          workspaceId,
          teamId: team.id,
          scheduledFor: null,
          openedAt,
          closesAt: at(spec.rounds.length * 7 * DAY_MS + 3 * DAY_MS),
          openedBy: 'UADMIN',
          roster: current.map((entry) => ({ ...entry, promptAt: openedAt })),
        }).id;
      }
      week += 1;
      return { team, summaries: saved, openRoundId };
    }),
  )();
}
