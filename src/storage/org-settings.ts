import { Repository } from './repository.js';

export interface OrgSettings {
  workspaceId: string;
  blockerThemes: boolean;
  changedBy: string | null;
  /** When blocker themes were last turned on or off. */
  changedAt: string | null;
  /** The end (ISO) of the last week whose blocker themes were handled. */
  lastBlockerWeek: string | null;
}

interface Row {
  workspace_id: string;
  blocker_themes: number;
  changed_by: string | null;
  changed_at: string | null;
  last_blocker_week: string | null;
}

const toSettings = (r: Row): OrgSettings => ({
  workspaceId: r.workspace_id,
  blockerThemes: r.blocker_themes === 1,
  changedBy: r.changed_by,
  changedAt: r.changed_at,
  lastBlockerWeek: r.last_blocker_week,
});

/** Switches an admin turns on per workspace; a workspace without a row has everything off. */
export class OrgSettingsRepository extends Repository {
  private readonly byWorkspace = this.db.prepare<[string], Row>(
    'SELECT * FROM org_settings WHERE workspace_id = ?',
  );
  private readonly withThemes = this.db.prepare<[], Row>(
    'SELECT * FROM org_settings WHERE blocker_themes = 1 ORDER BY workspace_id',
  );
  private readonly setThemes = this.db.prepare(
    `INSERT INTO org_settings (workspace_id, blocker_themes, changed_by, changed_at) VALUES (@workspaceId, @on, @by, @now)
     ON CONFLICT (workspace_id) DO UPDATE SET blocker_themes = excluded.blocker_themes,
       changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
  );
  private readonly markWeek = this.db.prepare(
    `UPDATE org_settings SET last_blocker_week = ?
     WHERE workspace_id = ? AND (last_blocker_week IS NULL OR last_blocker_week < ?)`,
  );

  get(workspaceId: string): OrgSettings {
    const row = this.byWorkspace.get(workspaceId);
    return row
      ? toSettings(row)
      : { workspaceId, blockerThemes: false, changedBy: null, changedAt: null, lastBlockerWeek: null };
  }

  withBlockerThemes(): OrgSettings[] {
    return this.withThemes.all().map(toSettings);
  }

  setBlockerThemes(workspaceId: string, on: boolean, by: string, now: string): void {
    this.setThemes.run({ workspaceId, on: on ? 1 : 0, by, now });
  }

  /** Records that the week ending at `weekEnd` was handled; false if it already was. */
  markBlockerWeek(workspaceId: string, weekEnd: string): boolean {
    return this.markWeek.run(weekEnd, workspaceId, weekEnd).changes > 0;
  }
}
