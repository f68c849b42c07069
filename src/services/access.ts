import type { RoleSpec } from '../domain/command.js';
import { type Db, immediateTransaction } from '../storage/database.js';
import { type JoinRequest, JoinRequestRepository } from '../storage/join-requests.js';
import { LeadRepository, type RatioVisibility, SettingsRepository } from '../storage/leads.js';
import type { Team, TeamRepository } from '../storage/teams.js';
import type { Directory } from './directory.js';
import { NotAllowedError } from './errors.js';
import type { Clock } from './ports.js';

export type JoinOutcome =
  | { kind: 'member'; already: boolean }
  | { kind: 'pending'; request: JoinRequest; approvers: string[]; created: boolean }
  | { kind: 'no-approvers' };

export type Decision =
  | { kind: 'decided'; request: JoinRequest; team: Team }
  | { kind: 'already'; request: JoinRequest; team: Team | undefined }
  | { kind: 'removed'; request: JoinRequest; team: Team | undefined };

/**
 * Who may do what (SPEC section 2): admins do everything; a team's leads manage its roster,
 * schedule and subscriptions and decide who joins it; everyone else answers, reads team-level
 * figures and leaves. Leads are their own relation, apart from the roster, so a lead is surveyed
 * and counted only if they are also a member.
 */
export class AccessService {
  constructor(
    private readonly deps: {
      db: Db;
      teams: TeamRepository;
      leads: LeadRepository;
      joinRequests: JoinRequestRepository;
      settings: SettingsRepository;
      directory: Directory;
      clock: Clock;
    },
  ) {}

  /** The service over its own repositories on `db`. */
  static on(input: { db: Db; teams: TeamRepository; directory: Directory; clock: Clock }): AccessService {
    return new AccessService({
      ...input,
      leads: new LeadRepository(input.db),
      joinRequests: new JoinRequestRepository(input.db),
      settings: new SettingsRepository(input.db),
    });
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }

  isAdmin(workspaceId: string, userId: string): Promise<boolean> {
    return this.deps.directory.isAdmin(workspaceId, userId);
  }

  leadsOf(team: Team): string[] {
    return this.deps.leads.leadsOf(team.id);
  }

  isLead(team: Team, userId: string): boolean {
    return this.leadsOf(team).includes(userId);
  }

  teamsLedBy(workspaceId: string, userId: string): Team[] {
    return this.deps.leads
      .teamIdsLedBy(workspaceId, userId)
      .map((id) => this.deps.teams.get(id))
      .filter((t): t is Team => t !== undefined);
  }

  leadsAnyTeam(workspaceId: string, userId: string): boolean {
    return this.deps.leads.teamIdsLedBy(workspaceId, userId).length > 0;
  }

  /** An admin, or one of the team's leads. */
  async mayManage(team: Team, userId: string): Promise<boolean> {
    return this.isLead(team, userId) || (await this.isAdmin(team.workspaceId, userId));
  }

  addLeads(team: Team, userIds: string[], addedBy: string): { added: string[]; already: string[] } {
    const added: string[] = [];
    const already: string[] = [];
    for (const userId of userIds) {
      const fresh = this.deps.leads.add({
        teamId: team.id,
        workspaceId: team.workspaceId,
        userId,
        addedBy,
        now: this.now(),
      });
      (fresh ? added : already).push(userId);
    }
    return { added, already };
  }

  removeLeads(team: Team, userIds: string[]): { removed: string[]; absent: string[] } {
    const removed: string[] = [];
    const absent: string[] = [];
    for (const userId of userIds) (this.deps.leads.delete(team.id, userId) ? removed : absent).push(userId);
    return { removed, absent };
  }

  ratioVisibility(workspaceId: string): RatioVisibility {
    return this.deps.settings.ratioVisibility(workspaceId);
  }

  setRatioVisibility(workspaceId: string, visibility: RatioVisibility): void {
    this.deps.settings.setRatioVisibility(workspaceId, visibility);
  }

  /**
   * Who decides a team's join requests: its leads, or the admins named in ADMIN_USER_IDS when it
   * has none (workspace admins cannot be listed without users.list, so they are not asked).
   */
  approvers(team: Team): string[] {
    const leads = this.leadsOf(team);
    return leads.length > 0 ? leads : [...this.deps.directory.namedAdmins()];
  }

  /**
   * `join`: a lead or an admin of the team joins at once (they could add themselves anyway);
   * anyone else asks, and the team's approvers decide. A second `join` while one is pending
   * returns that one.
   */
  async requestJoin(
    team: Team,
    userId: string,
    role: RoleSpec,
    mayAddThemselves: boolean,
  ): Promise<JoinOutcome> {
    const specialty = role.role === 'engineer' ? role.specialty : null;
    const current = this.deps.teams.member(team.id, userId);
    if (current && current.role === role.role && current.specialty === specialty) {
      return { kind: 'member', already: true };
    }
    if (mayAddThemselves) {
      this.putOnRoster(team, userId, { role: role.role, specialty }, this.now());
      return { kind: 'member', already: false };
    }
    const approvers = this.approvers(team).filter((id) => id !== userId);
    if (approvers.length === 0) return { kind: 'no-approvers' };
    const existing = this.deps.joinRequests.pending(team.id, userId);
    if (existing) return { kind: 'pending', request: existing, approvers, created: false };
    const request = this.deps.joinRequests.add({
      workspaceId: team.workspaceId,
      teamId: team.id,
      userId,
      role: role.role,
      specialty,
      now: this.now(),
    });
    return { kind: 'pending', request, approvers, created: true };
  }

  /**
   * A lead's or an admin's click on Approve or Decline. Exactly one click decides: a second one,
   * or another approver's, finds it decided. Approving puts the person on the roster in the role
   * they asked for, in the same transaction. Throws NotAllowedError for anyone else.
   */
  async decide(requestId: number, deciderId: string, approve: boolean): Promise<Decision> {
    const request = this.deps.joinRequests.get(requestId);
    if (!request) throw new NotAllowedError('That join request no longer exists.');
    const team = this.deps.teams.get(request.teamId);
    const live = team && this.deps.teams.find(team.workspaceId, team.name)?.id === team.id ? team : undefined;
    if (request.status !== 'pending') return { kind: 'already', request, team };
    if (!live) return { kind: 'removed', request, team };
    if (!(await this.mayManage(live, deciderId))) {
      const leads = this.leadsOf(live);
      throw new NotAllowedError(
        leads.length > 0
          ? `Only ${live.name}'s leads (${leads.map((l) => `<@${l}>`).join(', ')}) or a tooth-tail admin can decide who joins it.`
          : `Only a tooth-tail admin can decide who joins ${live.name}.`,
      );
    }
    const decided = immediateTransaction(this.deps.db, () => {
      const now = this.now();
      if (!this.deps.joinRequests.decide(request.id, approve ? 'approved' : 'declined', deciderId, now))
        return false;
      if (approve) this.putOnRoster(live, request.userId, request, now);
      return true;
    });
    const after = this.deps.joinRequests.get(request.id) as JoinRequest;
    return decided
      ? { kind: 'decided', request: after, team: live }
      : { kind: 'already', request: after, team: live };
  }

  private putOnRoster(team: Team, userId: string, role: RoleSpec, now: string): void {
    this.deps.teams.upsertMember({
      workspaceId: team.workspaceId,
      teamId: team.id,
      userId,
      role: role.role,
      specialty: role.role === 'engineer' ? role.specialty : null,
      now,
    });
  }
}
