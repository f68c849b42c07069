import { summariseRound } from '../domain/aggregate.js';
import type { DueAction } from '../domain/due.js';
import { memberPromptAt } from '../domain/schedule.js';
import { type Db, immediateTransaction } from '../storage/database.js';
import type { NewDelivery, OutboxRepository } from '../storage/outbox.js';
import type { RosterSnapshotEntry, Round, RoundRepository } from '../storage/rounds.js';
import type { SubscriptionRepository } from '../storage/subscriptions.js';
import type { RoundSummary, SummaryRepository } from '../storage/summaries.js';
import type { Team, TeamRepository } from '../storage/teams.js';
import type { SlackUser } from '../storage/users.js';
import type { DepartureService } from './departures.js';
import type { Directory } from './directory.js';
import { EmptyRosterError, InvalidInputError, NoOpenRoundError, RoundOpenError } from './errors.js';
import type { InsightService } from './insight.js';
import type { MessageBuilder } from './messages.js';
import type { OrgDigestService } from './org-digests.js';
import type { Clock } from './ports.js';
import type { TeamReport } from './report-types.js';
import type { ReportService } from './reports.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * How old an account may be when a round opens or reminds: an hour. user_change takes a
 * deactivated person off at once; this read is the net for an event the app missed (it was down,
 * or Slack stopped retrying), so it bounds how long a missed deactivation goes unnoticed before
 * someone is asked. A team's round opens about weekly and reminds twice, so nearly every open and
 * reminder reads Slack; opens and reminders within the hour (teams on the same schedule, a
 * `survey now` after a scheduled open) share one read, which for a large workspace is a users.list
 * walk at Tier 2 (20+ calls a minute).
 */
const ACCOUNT_MAX_AGE_MS = 60 * 60 * 1000;

export interface RoundsDeps {
  db: Db;
  teams: TeamRepository;
  rounds: RoundRepository;
  summaries: SummaryRepository;
  subscriptions: SubscriptionRepository;
  outbox: OutboxRepository;
  directory: Directory;
  insight: InsightService;
  reports: ReportService;
  messages: MessageBuilder;
  clock: Clock;
  anonymityThreshold: number;
  /** Called after deliveries were queued, so the sender need not wait for its next poll. */
  onQueued?: () => void;
  /** The org digest of `all` subscriptions, queued with a close when the close completes a cycle. */
  orgDigests?: Pick<OrgDigestService, 'queueDue'>;
  /**
   * Takes whoever Slack says is deactivated off every roster before a round asks or counts them.
   * main.ts always wires it; service-level tests with no Slack leave it out.
   */
  departures?: Pick<DepartureService, 'departed'>;
}

const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/**
 * The life of a round: open with a roster snapshot, remind, close with a summary. Answers are
 * recorded by CheckIns (check-ins.ts), through CheckInSubmissions (slack/check-in-submissions.ts).
 */
export class RoundService {
  constructor(private readonly deps: RoundsDeps) {}

  /**
   * Opens a round for the team and queues each member's check-in DM. First its members' accounts
   * are read (checkAccounts), so anyone deactivated while the app missed the event is neither asked
   * nor counted; a team left with nobody is an empty roster. A scheduled round asks each member at
   * the scheduled wall-clock time in their own zone (from the same read); a manual one asks
   * everyone now. Throws EmptyRosterError, or RoundOpenError when the team already has a round open.
   */
  async open(team: Team, input: { openedBy: string; scheduledFor?: Date; closesAt?: Date }): Promise<Round> {
    const now = this.deps.clock();
    if (this.deps.teams.members(team.id).length === 0) throw new EmptyRosterError(team.name);
    const already = this.deps.rounds.openRoundOf(team.id);
    if (already) throw new RoundOpenError(team.name, already.closesAt);

    const accounts = await this.checkAccounts(
      team.workspaceId,
      this.deps.teams.members(team.id).map((m) => m.userId),
      'at round open',
    );
    const members = this.deps.teams.members(team.id);
    if (members.length === 0) throw new EmptyRosterError(team.name);
    const opensAt = input.scheduledFor ?? now;
    const closesAt = input.closesAt ?? new Date(opensAt.getTime() + team.openDays * DAY_MS);
    const roster: RosterSnapshotEntry[] = [];
    for (const member of members) {
      const zone = accounts.get(member.userId)?.tz ?? null;
      const promptAt = input.scheduledFor
        ? memberPromptAt(input.scheduledFor, team.timezone, zone, closesAt)
        : now;
      roster.push({
        userId: member.userId,
        role: member.role,
        specialty: member.specialty,
        promptAt: new Date(Math.max(promptAt.getTime(), now.getTime())).toISOString(),
      });
    }

    try {
      const round = immediateTransaction(this.deps.db, () => {
        // A person already asked in another team's open round, in the same role, gets no second
        // DM this week: that check-in covers this round too (SPEC section 3). Decided inside the
        // transaction, so two rounds opening at once cannot both skip the same person.
        const snapshot = roster.map((entry) => ({
          ...entry,
          coveredBy:
            this.deps.rounds.askingRoundOf(team.workspaceId, entry.userId, entry.role, team.id) ?? null,
        }));
        const round = this.deps.rounds.open({
          workspaceId: team.workspaceId,
          teamId: team.id,
          scheduledFor: input.scheduledFor?.toISOString() ?? null,
          openedAt: now.toISOString(),
          closesAt: closesAt.toISOString(),
          openedBy: input.openedBy,
          roster: snapshot,
        });
        for (const entry of snapshot) {
          const given =
            entry.coveredBy === null ? undefined : this.deps.rounds.response(entry.coveredBy, entry.userId);
          // Already answered this week for the other team: the same answer counts here too.
          if (given)
            this.deps.rounds.saveResponse({
              workspaceId: team.workspaceId,
              roundId: round.id,
              userId: entry.userId,
              answers: given.answers,
              now: now.toISOString(),
            });
        }
        const checkIn = this.deps.messages.checkIn({
          teamName: team.name,
          roundId: round.id,
          closesAt: round.closesAt,
          reminder: 0,
        });
        this.deps.outbox.enqueue(
          snapshot
            .filter((entry) => entry.coveredBy === null)
            .map(
              (entry): NewDelivery => ({
                workspaceId: team.workspaceId,
                kind: 'prompt',
                dedupeKey: `prompt:${round.id}:${entry.userId}`,
                channel: entry.userId,
                payload: checkIn,
                roundId: round.id,
                userId: entry.userId,
                notBefore: entry.promptAt,
              }),
            ),
          now.toISOString(),
        );
        return round;
      });
      this.deps.onQueued?.();
      return round;
    } catch (error) {
      if (isUniqueViolation(error)) {
        const open = this.deps.rounds.openRoundOf(team.id);
        throw new RoundOpenError(team.name, open?.closesAt ?? '');
      }
      throw error;
    }
  }

  /**
   * Closes the round: computes and stores its summary and queues digests for `each-round`
   * subscriptions, all in one transaction. Closing a closed round returns its stored summary.
   * A team subscription gets this round's digest; an `all` one gets the org digest only when it
   * is due (OrgDigestService: at most one a day), never one per team close.
   */
  close(roundId: number): RoundSummary {
    const now = this.deps.clock().toISOString();
    const summary = immediateTransaction(this.deps.db, () => {
      const round = this.deps.rounds.get(roundId);
      if (!round) throw new InvalidInputError(`There is no round ${roundId}.`);
      const existing = this.deps.summaries.get(roundId);
      if (round.closedAt !== null && existing) return { summary: existing, fresh: false };
      const team = this.deps.teams.get(round.teamId) as Team;
      const figures = summariseRound(
        this.deps.rounds.roster(roundId),
        this.deps.rounds.responses(roundId).map((r) => r.answers),
        team.anonymityThreshold ?? this.deps.anonymityThreshold,
      );
      this.deps.rounds.close(roundId, now);
      const summary: RoundSummary = {
        roundId,
        workspaceId: round.workspaceId,
        teamId: team.id,
        teamName: team.name,
        openedAt: round.openedAt,
        closedAt: now,
        figures,
      };
      this.deps.summaries.save(summary);
      this.deps.outbox.enqueue(this.digestsOfRound(team, summary), now);
      this.deps.orgDigests?.queueDue(round.workspaceId);
      return { summary, fresh: true };
    });
    if (summary.fresh) this.deps.onQueued?.();
    return summary.summary;
  }

  /**
   * What a team's `each-round` subscriptions get when its round closes: the team digest and its
   * trend chart, each its own outbox row, so a chart that fails never holds back the digest.
   */
  private digestsOfRound(team: Team, summary: RoundSummary): NewDelivery[] {
    const subscriptions = this.deps.subscriptions
      .eachRoundFor(summary.workspaceId, team.id)
      .filter((sub) => sub.teamId !== null);
    if (subscriptions.length === 0) return [];
    const report = this.deps.reports.reportFor(team, summary.roundId) as TeamReport;
    const digest = this.deps.messages.teamDigest(this.deps.reports.detailed(team, report));
    const chart = this.deps.reports.trendChart(team);
    return subscriptions.flatMap((sub): NewDelivery[] => {
      const base = {
        workspaceId: summary.workspaceId,
        channel: sub.channelId,
        roundId: summary.roundId,
        notBefore: summary.closedAt,
      };
      return [
        { ...base, kind: 'digest', dedupeKey: `digest:round:${summary.roundId}:${sub.id}`, payload: digest },
        {
          ...base,
          kind: 'file',
          dedupeKey: `chart:round:${summary.roundId}:${sub.id}`,
          payload: { text: `${team.name} chart`, chart },
        },
      ];
    });
  }

  /** Closes the team's open round now. Throws NoOpenRoundError. */
  closeTeamRound(team: Team): RoundSummary {
    const round = this.deps.rounds.openRoundOf(team.id);
    if (!round) throw new NoOpenRoundError(team.name);
    return this.close(round.id);
  }

  /**
   * Before a scheduler tick's opens and reminders: one account read per workspace over everyone
   * they will ask, taking the deactivated off every roster. An early-stopping users.list walk for
   * one team may not reach the next team's members; reading them all at once means teams opening
   * in the same minute share one walk, and each open and reminder after it finds its people fresh.
   */
  async checkAccountsFor(actions: readonly DueAction[]): Promise<void> {
    const people = new Map<string, Set<string>>();
    const add = (workspaceId: string, userIds: readonly string[]) => {
      const set = people.get(workspaceId) ?? new Set<string>();
      for (const userId of userIds) set.add(userId);
      people.set(workspaceId, set);
    };
    for (const action of actions) {
      if (action.kind === 'open-round') {
        const team = this.deps.teams.get(action.teamId);
        if (team)
          add(
            team.workspaceId,
            this.deps.teams.members(team.id).map((m) => m.userId),
          );
      } else if (action.kind === 'remind') {
        const round = this.deps.rounds.get(action.roundId);
        if (round && round.closedAt === null) add(round.workspaceId, this.unanswered(round.id));
      }
    }
    for (const [workspaceId, userIds] of people)
      await this.checkAccounts(workspaceId, [...userIds], "before this minute's rounds");
  }

  /**
   * Queues reminder `n` (remind) after reading the accounts of those it would remind, so that
   * someone deactivated since the round opened, with the event missed, is not reminded and leaves
   * the round's headcount. The scheduler reminds through this.
   */
  async remindChecked(roundId: number, n: number): Promise<number> {
    const round = this.deps.rounds.get(roundId);
    if (round && round.closedAt === null)
      await this.checkAccounts(round.workspaceId, this.unanswered(roundId), 'at reminder');
    return this.remind(roundId, n);
  }

  /**
   * Reads these people's accounts no older than ACCOUNT_MAX_AGE_MS in one bulk read
   * (Directory.accounts: users.list pages or a few users.info) and takes whoever Slack says is
   * deactivated off every roster (DepartureService.departed). Never fails for Slack: when it cannot
   * be reached, the cached accounts answer and the round goes ahead.
   */
  private async checkAccounts(
    workspaceId: string,
    userIds: readonly string[],
    when: string,
  ): Promise<Map<string, SlackUser | undefined>> {
    const accounts = await this.deps.directory.accounts(workspaceId, userIds, ACCOUNT_MAX_AGE_MS);
    for (const [userId, account] of accounts)
      if (account?.deleted)
        this.deps.departures?.departed(workspaceId, userId, `users.list/users.info ${when}`);
    return accounts;
  }

  /** Who in the round's roster has not answered yet. */
  private unanswered(roundId: number): string[] {
    const answered = new Set(this.deps.rounds.responses(roundId).map((r) => r.userId));
    return this.deps.rounds
      .roster(roundId)
      .map((entry) => entry.userId)
      .filter((userId) => !answered.has(userId));
  }

  /** Queues reminder `n` to everyone in the round who has not answered; at most once per n. */
  remind(roundId: number, n: number): number {
    const now = this.deps.clock().toISOString();
    const queued = immediateTransaction(this.deps.db, () => {
      const round = this.deps.rounds.get(roundId);
      if (!round || round.closedAt !== null) return 0;
      if (!this.deps.rounds.markReminder(roundId, n)) return 0;
      const team = this.deps.teams.get(round.teamId) as Team;
      const answered = new Set(this.deps.rounds.responses(roundId).map((r) => r.userId));
      const payload = this.deps.messages.checkIn({
        teamName: team.name,
        roundId,
        closesAt: round.closesAt,
        reminder: n,
      });
      // Someone whose check-in comes from another team's round is reminded by that round while it
      // is open; once it has closed, this round reminds them itself.
      const coveredElsewhere = (coveredBy: number | null | undefined): boolean =>
        coveredBy != null && this.deps.rounds.get(coveredBy)?.closedAt === null;
      return this.deps.outbox.enqueue(
        this.deps.rounds
          .roster(roundId)
          .filter((entry) => !answered.has(entry.userId) && !coveredElsewhere(entry.coveredBy))
          .map((entry) => ({
            workspaceId: round.workspaceId,
            kind: 'reminder' as const,
            dedupeKey: `reminder:${roundId}:${n}:${entry.userId}`,
            channel: entry.userId,
            payload,
            roundId,
            userId: entry.userId,
            notBefore: now,
          })),
        now,
      );
    });
    if (queued > 0) this.deps.onQueued?.();
    return queued;
  }
}
