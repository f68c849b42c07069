// Shared by the reliability suite: what "nothing was written" means, and how a hostile request is built.
import type { Db } from '../../src/storage/database.js';

export const FORM = 'application/x-www-form-urlencoded';

/** Every row of every table (but the worker lease), so "nothing was written" compares contents, not just counts. */
export function snapshot(db: Db): Record<string, unknown[]> {
  const tables = db
    // The worker lease is renewed every few seconds whatever requests come: bookkeeping of which
    // process runs the background work, not data a request could have written.
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'leases' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((table) => [table, db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all()]),
  );
}

/** The row count of each table. */
export function rowCounts(db: Db): Record<string, number> {
  return Object.fromEntries(Object.entries(snapshot(db)).map(([table, rows]) => [table, rows.length]));
}

/** A slash command as Slack posts it (FACTS.md, "Payload shapes"), for requests built by hand. */
export function commandBody(fields: Record<string, string>): string {
  return new URLSearchParams({
    token: 'sandboxVerificationToken',
    team_id: 'T0SANDBOX',
    team_domain: 'sandbox',
    channel_id: 'C0LEADS',
    channel_name: 'ml-leads',
    user_name: 'someone',
    command: '/tooth-tail',
    api_app_id: 'A0SANDBOX',
    is_enterprise_install: 'false',
    trigger_id: '1.2.3',
    ...fields,
  }).toString();
}

/** An interaction: a form with one field, `payload`, holding JSON (or whatever a test puts there). */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  }).toString();
}

/**
 * What leaks when an exception reaches a person: a stack frame, a file path, an error class name.
 * Inputs that could echo these back are kept out of the generators, so a match is always the app's.
 */
export const INTERNALS =
  /^\s+at \S|\.[cm]?[jt]s:\d+|node_modules|\b(?:Type|Reference|Range|Syntax|Sqlite|Zod)Error\b|\bError:|SQLITE_/m;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
