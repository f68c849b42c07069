import type { RoleSpec } from '../domain/command.js';
import { desiredRoster, rosterChanges, type SyncedGroup, type UsergroupRef } from '../domain/roster-sync.js';
import { type Db, immediateTransaction } from '../storage/database.js';
import type { RosterSync, RosterSyncRepository } from '../storage/roster-syncs.js';
import type { Team, TeamRepository } from '../storage/teams.js';
import type { UserRepository } from '../storage/users.js';
import { AppError } from './errors.js';
import { type Clock, SlackCallError, type SlackPort } from './ports.js';

export class UsergroupNotFoundError extends AppError {
  readonly code = 'usergroup_not_found';
  constructor(what: string) {
    super(
      `There is no Slack user group ${what} (or it was disabled). Pick it from Slack's list as you type @, or check its handle in Slack's People → User groups.`,
    );
  }
}

export class UsergroupsUnavailableError extends AppError {
  readonly code = 'usergroups_unavailable';
  constructor(slackError: string) {
    super(
      slackError === 'plan_upgrade_required'
        ? 'This Slack workspace has no user groups (they come with Slack’s paid plans), so rosters cannot follow one. Use `/tooth-tail roster add` instead.'
        : slackError === 'missing_scope'
          ? 'tooth-tail may not read user groups yet: reinstall the app from its manifest, which asks for the usergroups:read scope.'
          : `Slack would not list the group’s members (${slackError}). Nothing was changed; try again in a minute.`,
    );
  }
}

/** What one reconciliation did to a team's roster. */
export interface RosterSyncResult {
  team: Team;
  /** How many people the team's synced groups hold together. */
  members: number;
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Keeps a team's roster equal to its Slack user groups. The roster of a team with at least one
 * synced group is exactly the people in those groups, each in the role of the group synced first
 * that holds them; people added by hand are taken off at the next reconciliation.
 *
 * Every reconciliation reads each group's full member list (usergroups.users.list) rather than
 * applying an event's delta, so events that arrive twice, late or out of order leave the same
 * roster. Membership rows are dated, so a change counts from the next round that opens: an open
 * round keeps the roster it was opened with.
 */
export class RosterSyncService {
  constructor(
    private readonly deps: {
      db: Db;
      teams: TeamRepository;
      syncs: RosterSyncRepository;
      users: UserRepository;
      slack: SlackPort;
      clock: Clock;
    },
  ) {}

  /** The group an escaped or typed mention names. Throws UsergroupNotFoundError. */
  async resolve(ref: UsergroupRef): Promise<{ id: string; handle: string }> {
    if (ref.id !== undefined) return { id: ref.id, handle: ref.handle ?? ref.id };
    const found = await this.slackCall(() => this.deps.slack.findUsergroupByHandle(ref.handle));
    if (!found) throw new UsergroupNotFoundError(`@${ref.handle}`);
    return found;
  }

  /**
   * Makes the team follow the group in this role and reconciles its roster now. The group is
   * read before anything is stored, so a group Slack does not know leaves nothing behind.
   */
  async sync(
    team: Team,
    group: { id: string; handle: string },
    role: RoleSpec,
    createdBy: string,
  ): Promise<RosterSyncResult> {
    await this.members({ usergroupId: group.id, handle: group.handle });
    this.deps.syncs.save({
      workspaceId: team.workspaceId,
      teamId: team.id,
      usergroupId: group.id,
      handle: group.handle,
      role: role.role,
      specialty: role.role === 'engineer' ? role.specialty : null,
      createdBy,
      now: this.deps.clock().toISOString(),
    });
    return this.reconcile(team);
  }

  /** Stops following the group; the roster stays as it is. Returns whether it was followed. */
  unsync(team: Team, usergroupId: string): boolean {
    return this.deps.syncs.delete(team.id, usergroupId);
  }

  syncsOf(team: Team): RosterSync[] {
    return this.deps.syncs.forTeam(team.id);
  }

  /** A group changed in Slack: reconciles every live team that follows it. */
  async groupChanged(workspaceId: string, usergroupId: string): Promise<RosterSyncResult[]> {
    const results: RosterSyncResult[] = [];
    const teamIds = new Set(this.deps.syncs.forGroup(workspaceId, usergroupId).map((s) => s.teamId));
    for (const teamId of teamIds) {
      const team = this.deps.teams.get(teamId);
      const live = team && this.deps.teams.find(workspaceId, team.name)?.id === team.id;
      if (team && live) results.push(await this.reconcile(team));
    }
    return results;
  }

  /**
   * Makes the team's roster equal to its synced groups. Reads every group first; if Slack
   * refuses one, nothing changes (a half-read set of groups would take people off wrongly).
   */
  async reconcile(team: Team): Promise<RosterSyncResult> {
    const syncs = this.deps.syncs.forTeam(team.id);
    const groups: SyncedGroup[] = [];
    for (const sync of syncs) {
      // A group can still list someone Slack has deactivated; DeparturesService took them off
      // every roster, and a reconciliation must not put them back.
      const userIds = (await this.members(sync)).filter(
        (userId) => this.deps.users.get(team.workspaceId, userId)?.deleted !== true,
      );
      groups.push({ ...sync, userIds });
    }
    const now = this.deps.clock().toISOString();
    return immediateTransaction(this.deps.db, (): RosterSyncResult => {
      const desired = desiredRoster(groups);
      const current = this.deps.teams.members(team.id);
      const changes = rosterChanges(current, desired);
      const known = new Set(current.map((m) => m.userId));
      for (const entry of changes.upsert)
        this.deps.teams.upsertMember({ workspaceId: team.workspaceId, teamId: team.id, ...entry, now });
      for (const userId of changes.remove) this.deps.teams.endMember(team.id, userId, now);
      for (const sync of syncs) this.deps.syncs.synced(sync.id, sync.handle, now);
      return {
        team,
        members: desired.length,
        added: changes.upsert.filter((e) => !known.has(e.userId)).map((e) => e.userId),
        changed: changes.upsert.filter((e) => known.has(e.userId)).map((e) => e.userId),
        removed: changes.remove,
      };
    });
  }

  private members(sync: { usergroupId: string; handle: string }): Promise<string[]> {
    return this.slackCall(() => this.deps.slack.usergroupMembers(sync.usergroupId), `@${sync.handle}`);
  }

  private async slackCall<T>(fn: () => Promise<T>, what = 'that group'): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof SlackCallError)) throw error;
      if (error.slackError === 'no_such_subteam') throw new UsergroupNotFoundError(what);
      throw new UsergroupsUnavailableError(error.slackError);
    }
  }
}
