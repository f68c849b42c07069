import type { Role, Specialty } from '../domain/types.js';
import { Repository } from './repository.js';

/** A team's roster follows this Slack user group, each member in `role`. */
export interface RosterSync {
  id: number;
  workspaceId: string;
  teamId: number;
  usergroupId: string;
  handle: string;
  role: Role;
  specialty: Specialty | null;
  createdBy: string;
  createdAt: string;
  syncedAt: string;
}

interface RosterSyncRow {
  id: number;
  workspace_id: string;
  team_id: number;
  usergroup_id: string;
  handle: string;
  role: Role;
  specialty: Specialty | null;
  created_by: string;
  created_at: string;
  synced_at: string;
}

const toSync = (r: RosterSyncRow): RosterSync => ({
  id: r.id,
  workspaceId: r.workspace_id,
  teamId: r.team_id,
  usergroupId: r.usergroup_id,
  handle: r.handle,
  role: r.role,
  specialty: r.specialty,
  createdBy: r.created_by,
  createdAt: r.created_at,
  syncedAt: r.synced_at,
});

export class RosterSyncRepository extends Repository {
  private readonly upsert = this.db.prepare(
    `INSERT INTO roster_syncs (workspace_id, team_id, usergroup_id, handle, role, specialty, created_by, created_at, synced_at)
     VALUES (@workspaceId, @teamId, @usergroupId, @handle, @role, @specialty, @createdBy, @now, @now)
     ON CONFLICT (team_id, usergroup_id) DO UPDATE SET
       handle = excluded.handle, role = excluded.role, specialty = excluded.specialty, synced_at = excluded.synced_at`,
  );
  private readonly ofTeam = this.db.prepare<[number], RosterSyncRow>(
    'SELECT * FROM roster_syncs WHERE team_id = ? ORDER BY id',
  );
  private readonly ofGroup = this.db.prepare<[string, string], RosterSyncRow>(
    'SELECT * FROM roster_syncs WHERE workspace_id = ? AND usergroup_id = ? ORDER BY id',
  );
  private readonly remove = this.db.prepare(
    'DELETE FROM roster_syncs WHERE team_id = ? AND usergroup_id = ?',
  );
  private readonly removeTeam = this.db.prepare('DELETE FROM roster_syncs WHERE team_id = ?');
  private readonly touch = this.db.prepare('UPDATE roster_syncs SET synced_at = ?, handle = ? WHERE id = ?');

  /** Creates the sync, or changes its role; the first sync of a team and group keeps its place. */
  save(input: Omit<RosterSync, 'id' | 'createdAt' | 'syncedAt'> & { now: string }): void {
    this.upsert.run(input);
  }

  /** The team's syncs, oldest first: the order that settles a person in two groups. */
  forTeam(teamId: number): RosterSync[] {
    return this.ofTeam.all(teamId).map(toSync);
  }

  /** The syncs following one user group, on any team of the workspace. */
  forGroup(workspaceId: string, usergroupId: string): RosterSync[] {
    return this.ofGroup.all(workspaceId, usergroupId).map(toSync);
  }

  /** Stops following the group; returns whether the team was following it. */
  delete(teamId: number, usergroupId: string): boolean {
    return this.remove.run(teamId, usergroupId).changes > 0;
  }

  /** A removed team follows no group. */
  deleteAllOf(teamId: number): void {
    this.removeTeam.run(teamId);
  }

  synced(id: number, handle: string, now: string): void {
    this.touch.run(now, handle, id);
  }
}
