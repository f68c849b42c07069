import { type Db, immediateTransaction } from './database.js';

/**
 * Every table that holds a workspace's rows: each one with a workspace_id column, found in the
 * schema itself so a table added by a later migration is never forgotten.
 */
function workspaceTables(db: Db): string[] {
  return db
    .prepare(
      `SELECT m.name FROM sqlite_master m
       WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
         AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'workspace_id')
       ORDER BY m.name`,
    )
    .pluck()
    .all() as string[];
}

/** How many rows each table holds for the workspace. */
export function countWorkspaceRows(db: Db, workspaceId: string): Record<string, number> {
  return Object.fromEntries(
    workspaceTables(db).map((table) => [
      table,
      db.prepare(`SELECT count(*) FROM "${table}" WHERE workspace_id = ?`).pluck().get(workspaceId) as number,
    ]),
  );
}

/**
 * Deletes everything stored for the workspace, in one transaction; returns the rows deleted per
 * table. Foreign keys are checked at commit (defer_foreign_keys), when every row of the workspace
 * is gone, so the tables need no particular order.
 */
export function deleteWorkspaceData(db: Db, workspaceId: string): Record<string, number> {
  return immediateTransaction(db, () => {
    db.pragma('defer_foreign_keys = ON');
    return Object.fromEntries(
      workspaceTables(db).map((table) => [
        table,
        db.prepare(`DELETE FROM "${table}" WHERE workspace_id = ?`).run(workspaceId).changes,
      ]),
    );
  });
}
