import type { CadenceSlip, RoleSpec, Scope } from '../domain/command.js';
import type { Cadence } from '../domain/types.js';
import type { Subscription, SubscriptionRepository } from '../storage/subscriptions.js';
import type { Member, Team, TeamRepository } from '../storage/teams.js';
import { TeamExistsError, TeamNotFoundError } from './errors.js';
import type { Clock } from './ports.js';

export interface TeamHeadcount {
  team: Team;
  tooth: number;
  tail: number;
}

export interface RosterChange {
  added: string[];
  changed: string[];
  unchanged: string[];
}

/** Teams, rosters and subscriptions: the organisation as the app knows it. */
export class OrgService {
  constructor(
    private readonly deps: {
      teams: TeamRepository;
      subscriptions: SubscriptionRepository;
      clock: Clock;
      defaultTimezone: string;
    },
  ) {}

  private now(): string {
    return this.deps.clock().toISOString();
  }

  /** Throws TeamNotFoundError naming the teams that do exist. */
  team(workspaceId: string, name: string): Team {
    const team = this.deps.teams.find(workspaceId, name);
    if (!team)
      throw new TeamNotFoundError(
        name,
        this.deps.teams.list(workspaceId).map((t) => t.name),
      );
    return team;
  }

  /**
   * The team a `subscribe` names. When no team has the whole name but one has the name without
   * its last word (`subscribe Recommendations sometimes`), that team is the one meant and
   * `unknownCadence` is the word, a cadence typed wrong; a team whose name really ends in the word
   * is found first. Throws TeamNotFoundError, for the whole name, when neither reading is a team.
   */
  subscribedTeam(
    workspaceId: string,
    name: string,
    slip: CadenceSlip | null,
  ): { team: Team; unknownCadence: string | null } {
    const team = this.deps.teams.find(workspaceId, name);
    if (team) return { team, unknownCadence: null };
    const shorter = slip ? this.deps.teams.find(workspaceId, slip.team) : undefined;
    if (slip && shorter) return { team: shorter, unknownCadence: slip.word };
    return { team: this.team(workspaceId, name), unknownCadence: null };
  }

  /**
   * For reading history: the live team of that name, else the removed one (marked by its
   * `removedAt`). Throws TeamNotFoundError naming the live teams.
   */
  teamWithHistory(workspaceId: string, name: string): Team {
    return this.deps.teams.findWithHistory(workspaceId, name) ?? this.team(workspaceId, name);
  }

  teams(workspaceId: string): Team[] {
    return this.deps.teams.list(workspaceId);
  }

  teamsOf(workspaceId: string, userId: string): Team[] {
    return this.deps.teams.listForUser(workspaceId, userId);
  }

  /** What the app stores about a person's place in the org: each current team, role and since when. */
  membershipsOf(workspaceId: string, userId: string) {
    return this.deps.teams.membershipsOf(workspaceId, userId);
  }

  members(teamId: number): Member[] {
    return this.deps.teams.members(teamId);
  }

  headcounts(workspaceId: string): TeamHeadcount[] {
    return this.teams(workspaceId).map((team) => {
      const members = this.deps.teams.members(team.id);
      return {
        team,
        tooth: members.filter((m) => m.role === 'data-scientist').length,
        tail: members.filter((m) => m.role === 'engineer').length,
      };
    });
  }

  addTeam(input: {
    workspaceId: string;
    name: string;
    channelId: string | null;
    timezone: string | null;
    createdBy: string;
  }): Team {
    if (this.deps.teams.find(input.workspaceId, input.name)) throw new TeamExistsError(input.name);
    return this.deps.teams.add({
      ...input,
      timezone: input.timezone ?? this.deps.defaultTimezone,
      now: this.now(),
    });
  }

  removeTeam(workspaceId: string, name: string): Team {
    const team = this.team(workspaceId, name);
    this.deps.teams.remove(team.id, this.now());
    return team;
  }

  setSchedule(team: Team, cron: string, timezone: string, openDays: number): void {
    this.deps.teams.schedule(team.id, cron, timezone, openDays, this.now());
  }

  addMembers(team: Team, userIds: string[], role: RoleSpec): RosterChange {
    const change: RosterChange = { added: [], changed: [], unchanged: [] };
    for (const userId of userIds) {
      const result = this.deps.teams.upsertMember({
        workspaceId: team.workspaceId,
        teamId: team.id,
        userId,
        role: role.role,
        specialty: role.role === 'engineer' ? role.specialty : null,
        now: this.now(),
      });
      change[result].push(userId);
    }
    return change;
  }

  /** Returns who was removed and who was not on the team. */
  removeMembers(team: Team, userIds: string[]): { removed: string[]; absent: string[] } {
    const removed: string[] = [];
    const absent: string[] = [];
    for (const userId of userIds) {
      (this.deps.teams.endMember(team.id, userId, this.now()) ? removed : absent).push(userId);
    }
    return { removed, absent };
  }

  subscribe(input: {
    workspaceId: string;
    channelId: string;
    scope: Scope;
    cadence: Cadence;
    createdBy: string;
  }): { subscription: Subscription; created: boolean; team: Team | null } {
    const team = input.scope.kind === 'team' ? this.team(input.workspaceId, input.scope.team) : null;
    const result = this.deps.subscriptions.subscribe({
      workspaceId: input.workspaceId,
      channelId: input.channelId,
      teamId: team?.id ?? null,
      cadence: input.cadence,
      createdBy: input.createdBy,
      now: this.now(),
    });
    return { ...result, team };
  }

  unsubscribe(workspaceId: string, channelId: string, scope: Scope): { removed: boolean; team: Team | null } {
    const team = scope.kind === 'team' ? this.team(workspaceId, scope.team) : null;
    return { removed: this.deps.subscriptions.unsubscribe(workspaceId, channelId, team?.id ?? null), team };
  }

  subscriptions(workspaceId: string): Array<{ subscription: Subscription; teamName: string | null }> {
    return this.deps.subscriptions.list(workspaceId).map((subscription) => ({
      subscription,
      teamName:
        subscription.teamId === null
          ? null
          : (this.deps.teams.get(subscription.teamId)?.name ?? '(removed team)'),
    }));
  }
}
