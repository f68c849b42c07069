import { immediateTransaction } from './database.js';
import { Repository } from './repository.js';

/** `update` edits a message already sent (chat.update) instead of posting a new one. */
export type DeliveryKind = 'prompt' | 'reminder' | 'digest' | 'file' | 'update';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

import type { FrontierBand } from '../domain/frontier.js';
import type { RoundFigures } from '../domain/types.js';

/** A chart to render and upload when the delivery is sent: the figures are already k-protected. */
export type ChartRequest =
  | {
      kind: 'team-trend';
      teamName: string;
      points: Array<{ roundId: number; closedAt: string; figures: RoundFigures }>;
    }
  | {
      kind: 'frontier';
      bands: FrontierBand[];
      /**
       * The scatter's points: team rounds in shown bands, each already shown in its own digest.
       * Absent in rows queued before the frontier became a scatter; those draw the bands alone.
       */
      observations?: Array<{ ratio: number; medianProductivePct: number; closedAt: string }>;
      windowWeeks?: number;
    };

/** A message as the Web API takes it; a `file` delivery carries a chart instead of blocks. */
export interface MessagePayload {
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  chart?: ChartRequest;
  /** For an `update` delivery: the ts of the message in `channel` that this text replaces. */
  updateTs?: string;
}

export interface Delivery {
  id: number;
  workspaceId: string;
  kind: DeliveryKind;
  dedupeKey: string;
  /** A channel id, or a user id for a DM. */
  channel: string;
  payload: MessagePayload;
  roundId: number | null;
  userId: string | null;
  notBefore: string;
  status: DeliveryStatus;
  attempts: number;
  messageChannel: string | null;
  messageTs: string | null;
  error: string | null;
}

interface DeliveryRow {
  id: number;
  workspace_id: string;
  kind: DeliveryKind;
  dedupe_key: string;
  channel: string;
  payload: string;
  round_id: number | null;
  user_id: string | null;
  not_before: string;
  status: DeliveryStatus;
  attempts: number;
  message_channel: string | null;
  message_ts: string | null;
  error: string | null;
}

const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  workspaceId: r.workspace_id,
  kind: r.kind,
  dedupeKey: r.dedupe_key,
  channel: r.channel,
  payload: JSON.parse(r.payload) as MessagePayload,
  roundId: r.round_id,
  userId: r.user_id,
  notBefore: r.not_before,
  status: r.status,
  attempts: r.attempts,
  messageChannel: r.message_channel,
  messageTs: r.message_ts,
  error: r.error,
});

export interface NewDelivery {
  workspaceId: string;
  kind: DeliveryKind;
  /** Same key, same message: enqueueing twice is a no-op, so retries and restarts never double-post. */
  dedupeKey: string;
  channel: string;
  payload: MessagePayload;
  roundId?: number | null;
  userId?: string | null;
  notBefore: string;
}

/**
 * An edit (`d`, an `update` row) whose message has another edit being sent: it waits until that
 * one is done, so edits of one message reach Slack one at a time and in order, and while it waits
 * later edits change it in place (replacePendingEdit) instead of queueing more calls.
 */
const EDIT_IN_FLIGHT = `d.kind = 'update' AND EXISTS (
  SELECT 1 FROM deliveries s
  WHERE s.status = 'sending' AND s.kind = 'update' AND s.id <> d.id AND s.channel = d.channel
    AND json_extract(s.payload, '$.updateTs') = json_extract(d.payload, '$.updateTs'))`;

export class OutboxRepository extends Repository {
  private readonly insert = this.db.prepare(
    `INSERT INTO deliveries (workspace_id, kind, dedupe_key, channel, payload, round_id, user_id, not_before,
       created_at, updated_at)
     VALUES (@workspaceId, @kind, @dedupeKey, @channel, @payload, @roundId, @userId, @notBefore, @now, @now)
     ON CONFLICT (workspace_id, dedupe_key) DO NOTHING`,
  );
  private readonly due = this.db.prepare<[string, number], DeliveryRow>(
    `SELECT * FROM deliveries d WHERE status = 'pending' AND not_before <= ? AND NOT (${EDIT_IN_FLIGHT})
     ORDER BY not_before, id LIMIT ?`,
  );
  private readonly claim = this.db.prepare(
    `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'pending'`,
  );
  private readonly finish = this.db.prepare(
    `UPDATE deliveries SET status = @status, message_channel = @messageChannel, message_ts = @messageTs,
       error = @error, updated_at = @now WHERE id = @id`,
  );
  private readonly unclaimRow = this.db.prepare(
    `UPDATE deliveries SET status = 'pending', attempts = max(attempts - 1, 0), updated_at = ?
     WHERE id = ? AND status = 'sending'`,
  );
  private readonly again = this.db.prepare(
    `UPDATE deliveries SET status = 'pending', not_before = @notBefore, error = @error, updated_at = @now
     WHERE id = @id`,
  );
  private readonly requeueSending = this.db.prepare(
    `UPDATE deliveries SET status = 'pending', updated_at = ? WHERE status = 'sending'`,
  );
  private readonly byKey = this.db.prepare<[string, string], DeliveryRow>(
    'SELECT * FROM deliveries WHERE workspace_id = ? AND dedupe_key = ?',
  );
  private readonly ofRoundUser = this.db.prepare<[number, string], DeliveryRow>(
    `SELECT * FROM deliveries WHERE round_id = ? AND user_id = ? AND status = 'sent' AND kind IN ('prompt', 'reminder')
     ORDER BY id`,
  );
  private readonly counts = this.db.prepare<[], { status: DeliveryStatus; n: number }>(
    'SELECT status, count(*) AS n FROM deliveries GROUP BY status',
  );
  // The first in the index's order that may be claimed (not min(), which would read every row
  // pending to leave out the edits that wait).
  private readonly nextDue = this.db.prepare<[], { not_before: string }>(
    `SELECT not_before FROM deliveries d WHERE status = 'pending' AND NOT (${EDIT_IN_FLIGHT})
     ORDER BY not_before LIMIT 1`,
  );
  private readonly newerEdit = this.db.prepare<
    [{ id: number; roundId: number | null; userId: string | null; channel: string; ts: string }],
    { one: number }
  >(
    `SELECT 1 AS one FROM deliveries
     WHERE round_id IS @roundId AND user_id IS @userId AND kind = 'update' AND channel = @channel
       AND json_extract(payload, '$.updateTs') = @ts AND id > @id AND status IN ('pending', 'sending', 'sent')
     LIMIT 1`,
  );

  /** Queues deliveries; those whose dedupe key exists already are left alone. Returns how many were new. */
  enqueue(items: NewDelivery[], now: string): number {
    return immediateTransaction(this.db, () => {
      let added = 0;
      for (const item of items) {
        added += this.insert.run({
          ...item,
          payload: JSON.stringify(item.payload),
          roundId: item.roundId ?? null,
          userId: item.userId ?? null,
          now,
        }).changes;
      }
      return added;
    });
  }

  /**
   * Claims up to `limit` due rows (pending → sending) and returns them. The claim reads, then
   * writes, in a transaction that takes the write lock up front, so another process writing in
   * between makes it wait rather than fail. With nothing due it takes no lock at all, so an idle
   * sender's poll never waits on another process.
   */
  claimDue(now: string, limit: number): Delivery[] {
    const next = this.nextDueAt();
    if (next === null || next > now) return [];
    return immediateTransaction(this.db, () => {
      const rows = this.due.all(now, limit);
      for (const row of rows) this.claim.run(now, row.id);
      return rows.map((r) => ({ ...toDelivery(r), status: 'sending' as const, attempts: r.attempts + 1 }));
    });
  }

  markSent(id: number, messageChannel: string, messageTs: string, now: string): void {
    this.finish.run({ id, status: 'sent', messageChannel, messageTs, error: null, now });
  }

  markFailed(id: number, error: string, now: string): void {
    this.finish.run({ id, status: 'failed', messageChannel: null, messageTs: null, error, now });
  }

  /** A transient failure: the row waits until `notBefore`, then is claimed again; `error` says why. */
  retryLater(id: number, error: string, notBefore: string, now: string): void {
    this.again.run({ id, error, notBefore, now });
  }

  markSkipped(id: number, reason: string, now: string): void {
    this.finish.run({ id, status: 'skipped', messageChannel: null, messageTs: null, error: reason, now });
  }

  private readonly skipWorkspace = this.db.prepare(
    `UPDATE deliveries SET status = 'skipped', error = ?, updated_at = ? WHERE workspace_id = ? AND status = 'pending'`,
  );
  private readonly skipPerson = this.db.prepare(
    `UPDATE deliveries SET status = 'skipped', error = ?, updated_at = ?
     WHERE workspace_id = ? AND user_id = ? AND status = 'pending' AND kind IN ('prompt', 'reminder')`,
  );

  private readonly replaceEdit = this.db.prepare(
    `UPDATE deliveries SET payload = @payload, updated_at = @now
     WHERE id = (
       SELECT id FROM deliveries
       WHERE round_id = @roundId AND user_id = @userId AND kind = 'update' AND status = 'pending'
         AND channel = @channel AND json_extract(payload, '$.updateTs') = @ts
       ORDER BY id DESC LIMIT 1)`,
  );

  /**
   * Gives the edit of one message (`channel`, `ts`) for this round and person that is still waiting
   * to be sent the content `payload` instead, in place: a later edit of a message supersedes one
   * not yet sent, so the message is edited once, with the latest. Changed in place rather than
   * deleted and queued again, which wrote four of the table's b-trees twice for every re-submission.
   * Returns false when no edit of that message is waiting (none was queued, or it is being sent or
   * was sent): the new one is then queued as a delivery of its own. The waiting edit is found
   * through an index of waiting edits alone (migration 010), not among the edits already sent.
   */
  replacePendingEdit(
    message: { roundId: number; userId: string; channel: string; ts: string },
    payload: MessagePayload,
    now: string,
  ): boolean {
    return (
      this.replaceEdit.run({ ...message, payload: JSON.stringify({ ...payload, updateTs: message.ts }), now })
        .changes > 0
    );
  }

  /** Every pending delivery of a workspace is skipped with `reason`; returns how many. */
  skipPendingOfWorkspace(workspaceId: string, reason: string, now: string): number {
    return this.skipWorkspace.run(reason, now, workspaceId).changes;
  }

  /** A person's pending check-ins and reminders are skipped with `reason`; returns how many. */
  skipPendingCheckIns(workspaceId: string, userId: string, reason: string, now: string): number {
    return this.skipPerson.run(reason, now, workspaceId, userId).changes;
  }

  /** Hands a claimed row back untouched (nothing reached Slack), for the next pass to claim. */
  unclaim(id: number, now: string): void {
    this.unclaimRow.run(now, id);
  }

  /**
   * After a crash, rows left `sending` may or may not have reached Slack. Sending them again
   * risks one duplicate per row in flight (at most the sender's concurrency) and loses nobody.
   */
  recoverInFlight(now: string): number {
    return this.requeueSending.run(now).changes;
  }

  find(workspaceId: string, dedupeKey: string): Delivery | undefined {
    const row = this.byKey.get(workspaceId, dedupeKey);
    return row && toDelivery(row);
  }

  /** The check-in DMs a member received for a round (the prompt, then any reminders). */
  sentToMember(roundId: number, userId: string): Delivery[] {
    return this.ofRoundUser.all(roundId, userId).map(toDelivery);
  }

  statusCounts(): Record<DeliveryStatus, number> {
    const result: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
    for (const row of this.counts.all()) result[row.status] = row.n;
    return result;
  }

  /**
   * Whether a later edit of this edit's message is queued, being sent or sent: this one, an older
   * content (put back after Slack refused it for a while), must not be sent after it.
   */
  superseded(edit: Delivery): boolean {
    const ts = edit.payload.updateTs;
    if (edit.kind !== 'update' || ts === undefined) return false;
    return (
      this.newerEdit.get({
        id: edit.id,
        roundId: edit.roundId,
        userId: edit.userId,
        channel: edit.channel,
        ts,
      }) !== undefined
    );
  }

  /** When the next delivery that may be claimed is due; null when none is. */
  nextDueAt(): string | null {
    return this.nextDue.get()?.not_before ?? null;
  }
}
