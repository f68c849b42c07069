import type { Db } from './database.js';

/**
 * Every table that holds a workspace's data, children before parents (foreign keys are on). A
 * table added by a later migration that carries workspace_id belongs here too.
 */
const TABLES = [
  'responses',
  'round_roster',
  'deliveries',
  'round_summaries',
  'rounds',
  'subscriptions',
  'members',
  'teams',
  'users',
  'workspace_installs',
] as const;

/** How many rows each table holds for the workspace. */
export function countWorkspaceRows(db: Db, workspaceId: string): Record<string, number> {
  return Object.fromEntries(
    TABLES.map((table) => [
      table,
      (
        db.prepare(`SELECT count(*) AS n FROM ${table} WHERE workspace_id = ?`).get(workspaceId) as {
          n: number;
        }
      ).n,
    ]),
  );
}

/** Deletes everything stored for the workspace, in one transaction; returns the rows deleted per table. */
export function deleteWorkspaceData(db: Db, workspaceId: string): Record<string, number> {
  return db.transaction(() =>
    Object.fromEntries(
      TABLES.map((table) => [
        table,
        db.prepare(`DELETE FROM ${table} WHERE workspace_id = ?`).run(workspaceId).changes,
      ]),
    ),
  )();
}
