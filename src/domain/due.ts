// "What is due at this instant?" (SPEC section 7). The scheduler's one-minute tick loads the
// state below from SQLite, asks this planner, and acts on the answer; after acting it records
// what it did (round opened with its scheduled instant, reminders sent, period digested), so the
// same question on the next tick returns nothing for it. That is how downtime is caught up on the
// first tick after start and how nothing happens twice.
import {
  closesAt,
  DEFAULT_REMINDER_FRACTIONS,
  type DigestCadence,
  digestPeriodEnd,
  digestPeriodStart,
  isValidTimeZone,
  latestOccurrence,
  parseCron,
  reminderTimes,
} from './schedule.js';

const DAY_MS = 86_400_000;

export interface ScheduleState {
  teamId: number;
  cron: string;
  timezone: string;
  openDays: number;
  /** When the schedule was created or last changed; occurrences before it never open. */
  since: Date;
  /** The scheduled instant of the latest round opened by this schedule. */
  lastScheduledOpen: Date | null;
  hasOpenRound: boolean;
}

export interface OpenRoundState {
  roundId: number;
  teamId: number;
  openedAt: Date;
  closesAt: Date;
  remindersSent: number;
}

export interface DigestState {
  subscriptionId: number;
  cadence: DigestCadence;
  timezone: string;
  /** When the channel subscribed. */
  since: Date;
  lastPeriodEnd: Date | null;
}

export interface DueState {
  schedules: ScheduleState[];
  openRounds: OpenRoundState[];
  digests: DigestState[];
}

export type DueAction =
  | { kind: 'open-round'; teamId: number; scheduledFor: Date; closesAt: Date }
  /** `reminder` is 1-based: the latest reminder due, so downtime yields one DM, not a burst. */
  | { kind: 'remind'; roundId: number; reminder: number }
  | { kind: 'close-round'; roundId: number }
  | { kind: 'digest'; subscriptionId: number; periodStart: Date; periodEnd: Date };

export interface DueOptions {
  /** Fractions of a round's window at which reminders fall due; default 50% and 90%. */
  reminderFractions?: readonly number[];
}

/**
 * Everything due at `now`, in a fixed order: rounds to close, rounds to open, reminders, digests,
 * each sorted by id. Closes come first so a team whose round has just ended can open its next one
 * in the same plan.
 *
 * A schedule whose stored cron or zone no longer parses is skipped rather than stopping every
 * other team's tick; the `schedule` command validates both before storing them.
 */
export function whatIsDue(now: Date, state: DueState, options: DueOptions = {}): DueAction[] {
  const fractions = options.reminderFractions ?? DEFAULT_REMINDER_FRACTIONS;
  const ending = state.openRounds.filter((round) => now.getTime() >= round.closesAt.getTime());
  const endingIds = new Set(ending.map((round) => round.roundId));
  const running = state.openRounds.filter((round) => !endingIds.has(round.roundId));

  const closes: DueAction[] = byId(ending, (r) => r.roundId).map((r) => ({
    kind: 'close-round',
    roundId: r.roundId,
  }));
  const opens = byId(state.schedules, (s) => s.teamId).flatMap((s) => dueOpen(now, s, ending, running));
  const reminds = byId(running, (r) => r.roundId).flatMap((r) => dueReminder(now, r, fractions));
  const digests = byId(state.digests, (d) => d.subscriptionId).flatMap((d) => dueDigest(now, d));
  return [...closes, ...opens, ...reminds, ...digests];
}

/**
 * The latest occurrence not yet opened, if the team is free and the occurrence is still inside
 * its grace window (now < occurrence + openDays). Older misses are skipped, never replayed.
 */
function dueOpen(
  now: Date,
  schedule: ScheduleState,
  ending: readonly OpenRoundState[],
  running: readonly OpenRoundState[],
): DueAction[] {
  const isTeam = (round: OpenRoundState) => round.teamId === schedule.teamId;
  // hasOpenRound is trusted unless this plan closes every open round the team has.
  const busy = running.some(isTeam) || (schedule.hasOpenRound && !ending.some(isTeam));
  if (busy || !isValidTimeZone(schedule.timezone)) return [];
  const parsed = parseCron(schedule.cron);
  if (!parsed.ok) return [];
  const graceStart = now.getTime() - schedule.openDays * DAY_MS;
  const notBefore = Math.max(
    schedule.since.getTime(),
    schedule.lastScheduledOpen?.getTime() ?? -Infinity,
    graceStart,
  );
  const scheduledFor = latestOccurrence(parsed.cron, schedule.timezone, now, new Date(notBefore));
  if (scheduledFor === null) return [];
  return [
    {
      kind: 'open-round',
      teamId: schedule.teamId,
      scheduledFor,
      closesAt: closesAt(scheduledFor, schedule.openDays),
    },
  ];
}

function dueReminder(now: Date, round: OpenRoundState, fractions: readonly number[]): DueAction[] {
  const due = reminderTimes(round.openedAt, round.closesAt, fractions).filter(
    (at) => at.getTime() <= now.getTime(),
  ).length;
  return due > round.remindersSent ? [{ kind: 'remind', roundId: round.roundId, reminder: due }] : [];
}

/** One digest for the latest finished period not yet sent; missed older periods are not replayed. */
function dueDigest(now: Date, digest: DigestState): DueAction[] {
  if (!isValidTimeZone(digest.timezone)) return [];
  const periodEnd = digestPeriodEnd(digest.cadence, digest.timezone, now);
  const sentUpTo = Math.max(digest.since.getTime(), digest.lastPeriodEnd?.getTime() ?? -Infinity);
  if (periodEnd.getTime() <= sentUpTo) return [];
  return [
    {
      kind: 'digest',
      subscriptionId: digest.subscriptionId,
      periodStart: digestPeriodStart(digest.cadence, digest.timezone, periodEnd),
      periodEnd,
    },
  ];
}

function byId<T>(items: readonly T[], id: (item: T) => number): T[] {
  return [...items].sort((a, b) => id(a) - id(b));
}
