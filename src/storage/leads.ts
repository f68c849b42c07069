import { Repository } from './repository.js';

/** Who leads which team. Leads are not members: the roster is who is surveyed. */
export class LeadRepository extends Repository {
  private readonly ofTeam = this.db.prepare<[number], { user_id: string }>(
    'SELECT user_id FROM team_leads WHERE team_id = ? ORDER BY added_at, user_id',
  );
  private readonly ofUser = this.db.prepare<[string, string], { team_id: number }>(
    `SELECT l.team_id FROM team_leads l JOIN teams t ON t.id = l.team_id
     WHERE l.workspace_id = ? AND l.user_id = ? AND t.removed_at IS NULL ORDER BY t.name_key`,
  );
  private readonly insert = this.db.prepare(
    `INSERT INTO team_leads (team_id, workspace_id, user_id, added_by, added_at)
     VALUES (@teamId, @workspaceId, @userId, @addedBy, @now) ON CONFLICT DO NOTHING`,
  );
  private readonly remove = this.db.prepare('DELETE FROM team_leads WHERE team_id = ? AND user_id = ?');
  private readonly removeEverywhere = this.db.prepare(
    'DELETE FROM team_leads WHERE workspace_id = ? AND user_id = ?',
  );

  leadsOf(teamId: number): string[] {
    return this.ofTeam.all(teamId).map((r) => r.user_id);
  }

  /** Ids of the live teams the person leads, by name. */
  teamIdsLedBy(workspaceId: string, userId: string): number[] {
    return this.ofUser.all(workspaceId, userId).map((r) => r.team_id);
  }

  /** Returns whether the person was not a lead before. */
  add(input: { teamId: number; workspaceId: string; userId: string; addedBy: string; now: string }): boolean {
    return this.insert.run(input).changes > 0;
  }

  /** Returns whether the person was a lead. */
  delete(teamId: number, userId: string): boolean {
    return this.remove.run(teamId, userId).changes > 0;
  }

  /** Ends every lead the person holds in the workspace; returns how many. */
  deleteAllOf(workspaceId: string, userId: string): number {
    return this.removeEverywhere.run(workspaceId, userId).changes;
  }
}

export type RatioVisibility = 'everyone' | 'leads';

/** Per-workspace choices an admin makes. */
export class SettingsRepository extends Repository {
  private readonly ratio = this.db.prepare<[string], { ratio_visibility: RatioVisibility }>(
    'SELECT ratio_visibility FROM workspace_settings WHERE workspace_id = ?',
  );
  private readonly setRatio = this.db.prepare(
    `INSERT INTO workspace_settings (workspace_id, ratio_visibility) VALUES (?, ?)
     ON CONFLICT (workspace_id) DO UPDATE SET ratio_visibility = excluded.ratio_visibility`,
  );

  ratioVisibility(workspaceId: string): RatioVisibility {
    return this.ratio.get(workspaceId)?.ratio_visibility ?? 'everyone';
  }

  setRatioVisibility(workspaceId: string, visibility: RatioVisibility): void {
    this.setRatio.run(workspaceId, visibility);
  }
}
