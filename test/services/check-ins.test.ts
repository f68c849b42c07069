// CheckIns.submit queues the check-in DM's "Thanks, recorded" in the outbox with the answer. When
// the person submits again before that edit was sent (chat.update is Tier 3, so edits can wait),
// only the latest edit of that message is sent: the DM is never edited twice with the same thanks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/domain/types.js';
import { CheckIns } from '../../src/services/check-ins.js';
import { blockKitMessages } from '../../src/slack/views/messages.js';
import type { Db } from '../../src/storage/database.js';
import { type Delivery, OutboxRepository } from '../../src/storage/outbox.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { given } from '../helpers/check-in.js';
import { migratedDatabase, seedTeam, statementsPreparedBy } from '../helpers/db.js';
import { offlineSlack } from '../helpers/offline-slack.js';
import { offlineServices } from '../helpers/services.js';

let now = new Date('2026-03-02T10:00:00.000Z');
const clock = () => now;
const tick = () => {
  now = new Date(now.getTime() + 1000);
};

const ANSWERS: Answers = {
  role: 'data-scientist',
  waitingPct: 20,
  infraPct: 10,
  pathToProd: 'paired',
  blocker: null,
};

describe('CheckIns.submit: the DM thanks queued with the answer', () => {
  let db: Db;
  let cleanup: () => void;
  let checkIns: CheckIns;
  let outbox: OutboxRepository;
  let roundId: number;

  beforeEach(async () => {
    ({ db, cleanup } = migratedDatabase());
    const services = offlineServices(db, { clock, slack: offlineSlack(), anonymityThreshold: 3 });
    const team = new TeamRepository(db).get(
      seedTeam(db, { name: 'Vision', members: ['UD1', 'UD2'], createdBy: 'U1' }),
    );
    if (!team) throw new Error('the seeded team is missing');
    roundId = (await services.roundService.open(team, { openedBy: 'U1' })).id;
    outbox = new OutboxRepository(db);
    checkIns = new CheckIns({
      db,
      teams: new TeamRepository(db),
      rounds: new RoundRepository(db),
      outbox,
      messages: blockKitMessages,
      clock,
    });
  });
  afterEach(() => cleanup());

  const edits = () =>
    db
      .prepare(
        "SELECT user_id, channel, status, error, json_extract(payload, '$.updateTs') AS ts FROM deliveries WHERE kind = 'update' ORDER BY id",
      )
      .all();

  it('a second submission before the first thanks was sent replaces it: one edit of the DM is left to send', () => {
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    const first = db.prepare("SELECT id FROM deliveries WHERE kind = 'update'").get() as { id: number };
    tick();
    checkIns.submit(roundId, 'UD1', given({ ...ANSWERS, waitingPct: 30 }), { channel: 'UD1', ts: '100.1' });
    expect(edits()).toEqual([
      { user_id: 'UD1', channel: 'UD1', status: 'pending', error: null, ts: '100.1' },
    ]);
    // The waiting edit took the new one's content, in place: the same row, changed now.
    const row = db.prepare("SELECT id, updated_at, payload FROM deliveries WHERE kind = 'update'").get() as {
      id: number;
      updated_at: string;
      payload: string;
    };
    expect(row.id).toBe(first.id);
    expect(row.updated_at).toBe(now.toISOString());
    expect(JSON.parse(row.payload)).toMatchObject({
      text: expect.stringMatching(/Thanks, recorded/),
      updateTs: '100.1',
    });
  });

  it('a thanks already being sent, or sent, is left alone, and the new one is still sent', () => {
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    // The round's prompts are due too: the sender claims them all, the thanks among them.
    const claimed = outbox.claimDue(now.toISOString(), 100).find((d) => d.kind === 'update');
    if (!claimed) throw new Error('the thanks was not due');
    tick();
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    expect(edits().map((e) => (e as { status: string }).status)).toEqual(['sending', 'pending']);
    outbox.markSent(claimed.id, 'UD1', '100.1', now.toISOString());
    tick();
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    expect(edits().map((e) => (e as { status: string }).status)).toEqual(['sent', 'pending']);
  });

  it('a thanks waits while an edit of its DM is being sent, is not due meanwhile, and goes when that one is done', () => {
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    checkIns.submit(roundId, 'UD2', given(ANSWERS), { channel: 'UD2', ts: '100.1' });
    const claimedUpdates = () => outbox.claimDue(now.toISOString(), 100).filter((d) => d.kind === 'update');
    const [first, other] = claimedUpdates();
    if (!first || !other) throw new Error('the thanks were not due');
    tick();
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    checkIns.submit(roundId, 'UD2', given(ANSWERS), { channel: 'UD2', ts: '200.2' });
    // UD1's new thanks waits for the edit in flight; UD2's is of another message and goes.
    expect(claimedUpdates().map((d) => [d.channel, d.payload.updateTs])).toEqual([['UD2', '200.2']]);
    expect(outbox.nextDueAt()).toBeNull();
    // Meanwhile a third submission changes the waiting one, in place.
    tick();
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    expect(edits().filter((e) => (e as { user_id: string }).user_id === 'UD1')).toHaveLength(2);
    // Slack refused the edit in flight for a while: it is put back, to be tried later.
    outbox.retryLater(
      first.id,
      'ratelimited',
      new Date(now.getTime() + 60_000).toISOString(),
      now.toISOString(),
    );
    const [next] = claimedUpdates();
    expect(next && [next.channel, next.id > first.id]).toEqual(['UD1', true]);
    expect(outbox.superseded(next as Delivery)).toBe(false);
    // The one put back is older than an edit being sent, or sent: it is not to be sent after it.
    const putBack = { ...first, status: 'pending' as const };
    expect(outbox.superseded(putBack)).toBe(true);
    outbox.markSent((next as Delivery).id, 'UD1', '100.1', now.toISOString());
    expect(outbox.superseded(putBack)).toBe(true);
    // An edit of another message, or a later edit that failed, supersedes nothing.
    expect(outbox.superseded(other)).toBe(false);
  });

  it('a later edit that failed or was skipped does not supersede an earlier one', () => {
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    const [first] = outbox.claimDue(now.toISOString(), 100).filter((d) => d.kind === 'update');
    if (!first) throw new Error('the thanks was not due');
    tick();
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    const later = db.prepare("SELECT id FROM deliveries WHERE kind = 'update' AND id > ?").get(first.id) as {
      id: number;
    };
    outbox.markFailed(later.id, 'message_not_found', now.toISOString());
    expect(outbox.superseded(first)).toBe(false);
    outbox.markSkipped(later.id, 'superseded', now.toISOString());
    expect(outbox.superseded(first)).toBe(false);
  });

  it("another message's thanks (a reminder's DM), or another person's, is not replaced", () => {
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    tick();
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '200.2' });
    tick();
    checkIns.submit(roundId, 'UD2', given(ANSWERS), { channel: 'UD2', ts: '100.1' });
    expect(edits().map((e) => (e as { status: string }).status)).toEqual(['pending', 'pending', 'pending']);
  });

  it("finds the waiting edit among only the edits waiting to be sent, however many of the person's DM edits were sent", () => {
    for (let i = 0; i < 25; i++) {
      checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
      const [sending] = outbox.claimDue(now.toISOString(), 100).filter((d) => d.kind === 'update');
      if (!sending) throw new Error('the thanks was not due');
      outbox.markSent(sending.id, 'UD1', '100.1', now.toISOString());
      tick();
    }
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    tick();
    checkIns.submit(roundId, 'UD1', given({ ...ANSWERS, waitingPct: 30 }), { channel: 'UD1', ts: '100.1' });
    const statuses = edits().map((e) => (e as { status: string }).status);
    expect(statuses).toEqual([...Array(25).fill('sent'), 'pending']);
    // The lookup reads the index of waiting edits (migration 010), not every delivery of the
    // person's round, each of whose payloads it would take apart as JSON.
    const lookup = statementsPreparedBy(db, () => new OutboxRepository(db)).find((sql) =>
      /^\s*UPDATE deliveries SET payload = @payload/.test(sql),
    );
    if (!lookup) throw new Error("replacePendingEdit's statement was not found");
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${lookup}`)
      .all({ payload: null, now: null, roundId: null, userId: null, channel: null, ts: null }) as Array<{
      detail: string;
    }>;
    expect(plan.map((p) => p.detail)).toContainEqual(
      'SEARCH deliveries USING INDEX deliveries_pending_edits (round_id=? AND user_id=?)',
    );
  });

  it('a refused submission replaces nothing', () => {
    checkIns.submit(roundId, 'UD1', given(ANSWERS), { channel: 'UD1', ts: '100.1' });
    tick();
    expect(() =>
      checkIns.submit(
        roundId,
        'UD1',
        given({ role: 'engineer', rewritePct: 10, supportPct: 10, platformPct: 10, blocker: null }),
        { channel: 'UD1', ts: '100.1' },
      ),
    ).toThrow(/different role/);
    expect(edits().map((e) => (e as { status: string }).status)).toEqual(['pending']);
  });
});
