import { type Db, immediateTransaction } from '../storage/database.js';
import { LeadRepository } from '../storage/leads.js';
import type { OutboxRepository } from '../storage/outbox.js';
import type { RoundRepository } from '../storage/rounds.js';
import type { TeamRepository } from '../storage/teams.js';
import type { SlackUser, UserRepository } from '../storage/users.js';
import type { Clock } from './ports.js';

export interface DepartureLogger {
  info(message: string): void;
}

/**
 * People who leave (SPEC section 7). When Slack says an account is deactivated (user_change with
 * `deleted`, or an account read when a round opens or reminds, or users.info after a refused DM),
 * the person is taken off every roster from then on: not asked, not reminded, not counted in later
 * rounds, and no longer a lead; they also leave the roster of any open round they have not
 * answered, so its headcount and response rate stay true. Closed rounds, and rounds they answered,
 * keep them.
 *
 * Reactivation does not put anyone back (on a roster or as a lead): Slack reactivates accounts for many reasons (a returning
 * contractor, a mistaken deactivation) and the app cannot know which team and role are right now,
 * so an admin re-adds the person with `roster add`, which is accepted again once Slack says the
 * account is active.
 */
export class DepartureService {
  constructor(
    private readonly deps: {
      db: Db;
      teams: TeamRepository;
      rounds: RoundRepository;
      outbox: OutboxRepository;
      users: UserRepository;
      clock: Clock;
      logger: DepartureLogger;
    },
  ) {
    this.leads = new LeadRepository(deps.db);
  }

  private readonly leads: LeadRepository;

  /** user_change: remembers what Slack said, and acts on a deactivation. */
  userChanged(workspaceId: string, user: Omit<SlackUser, 'fetchedAt'>): void {
    this.deps.users.save(workspaceId, { ...user, fetchedAt: this.deps.clock().toISOString() });
    if (user.deleted) this.departed(workspaceId, user.userId, 'user_change');
  }

  /** Takes a deactivated person off every roster; returns on how many teams they were. */
  departed(workspaceId: string, userId: string, source: string): number {
    const now = this.deps.clock().toISOString();
    const { teams, rounds, skipped, leads } = immediateTransaction(this.deps.db, () => ({
      teams: this.deps.teams.endMemberships(workspaceId, userId, now),
      rounds: this.deps.rounds.dropFromOpenRounds(workspaceId, userId),
      skipped: this.deps.outbox.skipPendingCheckIns(workspaceId, userId, 'user_deactivated', now),
      // A lead who left approves no join requests and is not named as the one to ask.
      leads: this.leads.deleteAllOf(workspaceId, userId),
    }));
    if (teams + rounds + skipped + leads > 0) {
      this.deps.logger.info(
        `${userId} is deactivated in Slack (${source}): left ${teams} team(s), ${rounds} open round(s) and ${leads} lead(s), ${skipped} pending check-in(s) skipped`,
      );
    }
    return teams;
  }
}
