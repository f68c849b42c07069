import type { RoundRepository } from '../storage/rounds.js';
import type { Clock } from './ports.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The retention rule (RETENTION_DAYS): a round's raw answers are deleted once the round closed
 * more than that many days ago. The age runs from the close, not from when an answer was given, so
 * an open round never loses an answer before its summary exists; the summary stays for history.
 */
export class RetentionService {
  constructor(private readonly deps: { rounds: RoundRepository; clock: Clock; retentionDays: number }) {}

  /** Rounds that closed before this instant have had their answers kept long enough. */
  cutoff(): Date {
    return new Date(this.deps.clock().getTime() - this.deps.retentionDays * DAY_MS);
  }

  /** Deletes what is older than the limit; returns how many answers went. Idempotent. */
  purge(): number {
    return this.deps.rounds.deleteResponsesClosedBefore(this.cutoff().toISOString());
  }
}
