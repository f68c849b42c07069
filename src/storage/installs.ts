import { Repository } from './repository.js';

/** Whether each workspace still has the app installed, as far as the app knows. */
export class InstallRepository extends Repository {
  private readonly markGone = this.db.prepare(
    `INSERT INTO workspace_installs (workspace_id, uninstalled_at, reason) VALUES (?, ?, ?)
     ON CONFLICT (workspace_id) DO UPDATE SET uninstalled_at = excluded.uninstalled_at, reason = excluded.reason
     WHERE workspace_installs.uninstalled_at IS NULL`,
  );
  private readonly markBack = this.db.prepare(
    'UPDATE workspace_installs SET uninstalled_at = NULL, reason = NULL WHERE workspace_id = ? AND uninstalled_at IS NOT NULL',
  );
  private readonly gone = this.db.prepare<[], { workspace_id: string }>(
    'SELECT workspace_id FROM workspace_installs WHERE uninstalled_at IS NOT NULL',
  );

  /** Records the uninstall; false when it was recorded already (so it is acted on and logged once). */
  markUninstalled(workspaceId: string, reason: string, now: string): boolean {
    return this.markGone.run(workspaceId, now, reason).changes > 0;
  }

  /** Records a reinstall; false when the workspace was not marked uninstalled. */
  markReinstalled(workspaceId: string): boolean {
    return this.markBack.run(workspaceId).changes > 0;
  }

  uninstalledWorkspaces(): string[] {
    return this.gone.all().map((r) => r.workspace_id);
  }
}
