import type { Answers } from '../domain/types.js';
import { type Db, immediateTransaction } from '../storage/database.js';
import { OutboxRepository } from '../storage/outbox.js';
import { type Round, RoundRepository } from '../storage/rounds.js';
import { type Team, TeamRepository } from '../storage/teams.js';
import { InvalidInputError, NotInRoundError, RoundClosedError } from './errors.js';
import type { MessageBuilder } from './messages.js';
import type { Clock } from './ports.js';

/** A member's check-in in one open round: the round, its team, and the role it asked them in. */
export interface CheckIn {
  round: Round;
  team: Team;
  role: Answers['role'];
}

export interface CheckInsDeps {
  db: Db;
  teams: TeamRepository;
  rounds: RoundRepository;
  outbox: OutboxRepository;
  messages: MessageBuilder;
  clock: Clock;
}

/**
 * What one member's check-in reads and writes, over one database connection and nothing else:
 * submissions are recorded with it on the app's connection (slack/check-in-submissions.ts), and
 * the check-in thread (slack/check-in-thread.ts) reads what the modal shows on a connection of
 * its own.
 */
export class CheckIns {
  constructor(private readonly deps: CheckInsDeps) {}

  /** CheckIns over its own repositories on `db`. */
  static on(db: Db, messages: MessageBuilder, clock: Clock): CheckIns {
    return new CheckIns({
      db,
      teams: new TeamRepository(db),
      rounds: new RoundRepository(db),
      outbox: new OutboxRepository(db),
      messages,
      clock,
    });
  }

  /** What a member may answer in a round: the round and their role in its roster snapshot. */
  checkInFor(roundId: number, userId: string): CheckIn {
    const asked = this.deps.rounds.roundAsking(roundId, userId);
    if (!asked) throw new NotInRoundError();
    const { round, role } = asked;
    if (round.closedAt !== null) throw new RoundClosedError();
    return { round, team: this.deps.teams.get(round.teamId) as Team, role };
  }

  /**
   * What the check-in modal shows this person (whose check-in checkInFor read): the round's team,
   * their role, the other teams the answers count for, and what they answered before.
   */
  modal(
    checkIn: CheckIn,
    userId: string,
  ): { team: Team; role: Answers['role']; alsoFor: string[]; previous: Answers | undefined } {
    return {
      team: checkIn.team,
      role: checkIn.role,
      alsoFor: this.covered(checkIn, userId)
        .teams.slice(1)
        .map((t) => t.name),
      previous: this.deps.rounds.response(checkIn.round.id, userId)?.answers,
    };
  }

  /**
   * The open rounds one check-in of this person answers (every open round that asked them in the
   * same role), and their teams: the round's own team first.
   */
  covered({ round, team, role }: CheckIn, userId: string): { rounds: Round[]; teams: Team[] } {
    const rounds = this.deps.rounds.openRoundsAsking(round.workspaceId, userId, role);
    const others = rounds.filter((r) => r.id !== round.id).map((r) => this.deps.teams.get(r.teamId) as Team);
    return { rounds, teams: [team, ...others] };
  }

  /**
   * Records (or replaces) a member's answers, in this round and in every other open round that
   * asked them in the same role: one check-in a week, however many teams they are on. The answers
   * are made for the member's role in the round (`answersFor`, which may refuse them instead),
   * read in the same transaction, so the check-in a modal submission records is read once. When
   * the check-in DM they answered from is known, its change to "Thanks, recorded" is queued in the
   * same transaction: the sender edits the DM a moment later, off the submission's request path.
   * Throws NotInRoundError, RoundClosedError, or InvalidInputError when the answers are for the
   * other role. Returns every team the answers were recorded for, or the refusal.
   */
  submit<Refusal extends { ok: false }>(
    roundId: number,
    userId: string,
    answersFor: (role: Answers['role']) => { ok: true; answers: Answers } | Refusal,
    dm: { channel: string; ts: string } | null = null,
  ): ({ ok: true } & { round: Round; team: Team; teams: Team[] }) | Refusal {
    return immediateTransaction(this.deps.db, () => {
      const checkIn = this.checkInFor(roundId, userId);
      const { round, team } = checkIn;
      const made = answersFor(checkIn.role);
      if (!made.ok) return made;
      const { answers } = made;
      if (answers.role !== checkIn.role)
        throw new InvalidInputError('These answers are for a different role than yours.');
      const { rounds: asking, teams } = this.covered(checkIn, userId);
      const now = this.deps.clock().toISOString();
      for (const open of asking) {
        this.deps.rounds.saveResponse({
          workspaceId: round.workspaceId,
          roundId: open.id,
          userId,
          answers,
          now,
        });
      }
      if (dm) {
        const thanks = this.deps.messages.thanks({
          teamName: team.name,
          teamNames: teams.map((t) => t.name),
          roundId,
          closesAt: round.closesAt,
        });
        // Only the latest edit of the DM matters: one still waiting (chat.update is Tier 3, about 50
        // a minute, so edits can queue) is given this one's content, and the DM is edited once.
        const message = { roundId, userId, channel: dm.channel, ts: dm.ts };
        if (!this.deps.outbox.replacePendingEdit(message, thanks, now))
          this.deps.outbox.enqueue(
            [
              {
                workspaceId: round.workspaceId,
                kind: 'update',
                // One edit per submission that found none waiting: an edit of the answers after the
                // DM showed its thanks shows it again.
                dedupeKey: `thanks:${roundId}:${userId}:${dm.ts}:${now}`,
                channel: dm.channel,
                payload: { ...thanks, updateTs: dm.ts },
                roundId,
                userId,
                notBefore: now,
              },
            ],
            now,
          );
      }
      return { ok: true as const, round, team, teams };
    });
  }
}
