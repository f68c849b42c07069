import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckIns } from '../../src/services/check-ins.js';
import { type CheckInSubmission, CheckInSubmissions } from '../../src/slack/check-in-submissions.js';
import { blockKitMessages } from '../../src/slack/views/messages.js';
import { type Db, openDatabase } from '../../src/storage/database.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { migratedDatabase, seedTeam } from '../helpers/db.js';
import { offlineSlack } from '../helpers/offline-slack.js';
import { offlineServices } from '../helpers/services.js';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const clock = () => NOW;
const WS = 'T0SANDBOX';

/** The modal's state as Slack sends it: block_id → action_id "value" → the picked option. */
const picked = (answers: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(answers).map(([block, value]) => [
      block,
      { value: { type: 'static_select', selected_option: { value } } },
    ]),
  );
const DS = picked({ waiting_pct: '20', infra_pct: '10', path_to_prod: 'paired' });

describe('CheckInSubmissions: the check-in modal answers, a turn of submissions in one transaction', () => {
  let db: Db;
  let file: string;
  let cleanup: () => void;
  let roundId: number;
  let queued: number;
  let submissions: CheckInSubmissions;

  beforeEach(async () => {
    ({ db, file, cleanup } = migratedDatabase());
    const services = offlineServices(db, { clock, slack: offlineSlack(), anonymityThreshold: 3 });
    const team = new TeamRepository(db).get(
      seedTeam(db, { name: 'Vision', members: ['UD1', 'UD2'], createdBy: 'U1' }),
    );
    if (!team) throw new Error('the seeded team is missing');
    roundId = (await services.roundService.open(team, { openedBy: 'U1' })).id;
    queued = 0;
    const checkIns = CheckIns.on(db, blockKitMessages, clock);
    submissions = new CheckInSubmissions({
      db,
      checkIns,
      onQueued: () => {
        queued += 1;
      },
    });
  });

  afterEach(() => cleanup());

  /** A submission as the listener hands it over: the modal's metadata and values as Slack sent them. */
  const submission = (
    over: { userId?: string; values?: unknown; dm?: { channel: string; ts: string } | null } = {},
  ): CheckInSubmission => {
    const dm = over.dm === undefined ? { channel: 'D0UD1', ts: '1700000000.000100' } : over.dm;
    return {
      userId: over.userId ?? 'UD1',
      metadata: JSON.stringify({ roundId, channel: dm?.channel ?? null, ts: dm?.ts ?? null }),
      values: over.values ?? DS,
    };
  };
  const answerOf = (userId: string) => new RoundRepository(db).response(roundId, userId)?.answers;
  const thanksRows = () =>
    db.prepare("SELECT user_id, channel, created_at FROM deliveries WHERE kind = 'update'").all();
  const responses = () =>
    (db.prepare('SELECT count(*) AS n FROM responses WHERE round_id = ?').get(roundId) as { n: number }).n;

  it("records at the app's clock, queues the DM's thanks in the same transaction and wakes the sender once", async () => {
    expect(await submissions.record(submission())).toEqual({ ok: true, thanksQueued: true });
    expect(answerOf('UD1')).toMatchObject({ waitingPct: 20, infraPct: 10 });
    expect(thanksRows()).toEqual([{ user_id: 'UD1', channel: 'D0UD1', created_at: NOW.toISOString() }]);
    expect(queued).toBe(1);
    expect(submissions.transactions).toBe(1);
  });

  it('queues no thanks and wakes no sender without the DM it came from', async () => {
    expect(await submissions.record(submission({ dm: null }))).toEqual({ ok: true, thanksQueued: false });
    expect(answerOf('UD1')).toBeDefined();
    expect(thanksRows()).toEqual([]);
    expect(queued).toBe(0);
  });

  it('answers what cannot be recorded beside its field, and writes nothing', async () => {
    const missing = await submissions.record(submission({ values: picked({ waiting_pct: '20' }) }));
    expect(missing).toEqual({
      ok: false,
      errors: { infra_pct: 'Pick one.', path_to_prod: expect.any(String) },
    });
    const outsider = await submissions.record(submission({ userId: 'U0STRANGER' }));
    expect(outsider).toEqual({
      ok: false,
      errors: {
        waiting_pct: expect.stringMatching(/not asked in this check-in/),
        rewrite_pct: expect.any(String),
      },
    });
    const noSuchRound = await submissions.record({
      ...submission(),
      metadata: JSON.stringify({ roundId: roundId + 100, channel: 'D0UD1', ts: '1700000000.000100' }),
    });
    expect(noSuchRound).toEqual({
      ok: false,
      errors: {
        waiting_pct: expect.stringMatching(/not asked in this check-in/),
        rewrite_pct: expect.any(String),
      },
    });
    const engineerAnswers = await submissions.record(
      submission({ values: picked({ rewrite_pct: '20', support_pct: '10', platform_pct: '30' }) }),
    );
    expect(engineerAnswers.ok).toBe(false);
    expect(answerOf('UD1')).toBeUndefined();
    expect(thanksRows()).toEqual([]);
    expect(queued).toBe(0);
  });

  it('reads the metadata and answers the listener handed over, and refuses what Slack would not send', async () => {
    const good = submission();
    const unreadable: CheckInSubmission[] = [
      { ...good, metadata: 'not json' },
      { ...good, metadata: JSON.stringify({ roundId: 'one', channel: null, ts: null }) },
      { ...good, metadata: JSON.stringify({ roundId: -1, channel: null, ts: null }) },
      { ...good, values: 'not an object' },
      { ...good, values: null },
      { ...good, values: { waiting_pct: 'twenty' } },
      { ...good, values: { waiting_pct: { value: { selected_option: { value: 20 } } } } },
    ];
    for (const bad of unreadable) {
      expect(await submissions.record(bad), JSON.stringify(bad)).toEqual({
        ok: false,
        unreadable: true,
        errors: { waiting_pct: expect.stringMatching(/could not be read/), rewrite_pct: expect.any(String) },
      });
    }
    expect(answerOf('UD1')).toBeUndefined();
    expect(thanksRows()).toEqual([]);
    // The same submission, readable, is recorded.
    expect(await submissions.record(good)).toEqual({ ok: true, thanksQueued: true });
  });

  it('refuses a closed round with the reason', async () => {
    db.prepare('UPDATE rounds SET closed_at = ? WHERE id = ?').run(NOW.toISOString(), roundId);
    expect(await submissions.record(submission())).toEqual({
      ok: false,
      errors: { waiting_pct: expect.stringMatching(/closed/i), rewrite_pct: expect.any(String) },
    });
    expect(answerOf('UD1')).toBeUndefined();
  });

  it('records twenty-three submissions of one turn in one transaction: twenty-one stored once each, two refused', async () => {
    const people = Array.from({ length: 20 }, (_, i) => `UX${i}`);
    db.prepare(
      `INSERT INTO round_roster (round_id, workspace_id, user_id, role, specialty, prompt_at)
       SELECT ?, ?, value, 'data-scientist', NULL, ? FROM json_each(?)`,
    ).run(roundId, WS, NOW.toISOString(), JSON.stringify(people));
    const outcomes = await Promise.all([
      ...people.map((userId) => submissions.record(submission({ userId, dm: null }))),
      submissions.record(submission({ userId: 'U0STRANGER' })),
      submissions.record(submission({ userId: 'UD2', values: picked({ waiting_pct: '20' }) })),
      submissions.record(submission({ userId: 'UD1' })),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([...people.map(() => true), false, false, true]);
    expect(submissions.transactions).toBe(1);
    expect(responses()).toBe(21);
    expect(answerOf('UD2')).toBeUndefined();
    expect(thanksRows()).toEqual([{ user_id: 'UD1', channel: 'D0UD1', created_at: NOW.toISOString() }]);
    expect(queued).toBe(1);
    // The next turn's are the next transaction.
    await submissions.record(submission({ userId: 'UD2', dm: null }));
    expect(submissions.transactions).toBe(2);
  });

  it('rolls back only the submission whose write failed, and rejects it with the error', async () => {
    db.exec(`CREATE TRIGGER refuse_ud2 BEFORE INSERT ON responses WHEN NEW.user_id = 'UD2'
             BEGIN SELECT RAISE(ABORT, 'the disk said no'); END`);
    const [first, failed] = await Promise.allSettled([
      submissions.record(submission()),
      submissions.record(submission({ userId: 'UD2', dm: { channel: 'D0UD2', ts: '1700000000.000200' } })),
    ]);
    expect(first).toEqual({ status: 'fulfilled', value: { ok: true, thanksQueued: true } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'the disk said no' } });
    expect(submissions.transactions).toBe(1);
    expect(answerOf('UD1')).toBeDefined();
    // Its thanks, queued before the answer in its savepoint, went with it.
    expect(thanksRows()).toEqual([{ user_id: 'UD1', channel: 'D0UD1', created_at: NOW.toISOString() }]);
  });

  it('answers none of a turn before its commit, and records none of it when the commit cannot be made', async () => {
    // Another process holds the write lock for longer than this connection waits.
    const other = openDatabase(file);
    db.pragma('busy_timeout = 50');
    other.exec('BEGIN IMMEDIATE');
    const outcomes = await Promise.allSettled([
      submissions.record(submission()),
      submissions.record(submission({ userId: 'UD2', dm: null })),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(outcomes.map((o) => (o as PromiseRejectedResult).reason.code)).toEqual([
      'SQLITE_BUSY',
      'SQLITE_BUSY',
    ]);
    other.exec('COMMIT');
    other.close();
    expect(responses()).toBe(0);
    expect(thanksRows()).toEqual([]);
    expect(queued).toBe(0);
    // Once the lock is free, the same submission is recorded.
    expect(await submissions.record(submission())).toEqual({ ok: true, thanksQueued: true });
    expect(responses()).toBe(1);
  });

  it('settles once the submissions it took are written', async () => {
    const pending = submissions.record(submission());
    let recorded = false;
    void pending.then(() => {
      recorded = true;
    });
    await submissions.settled();
    expect(answerOf('UD1')).toBeDefined();
    await pending;
    expect(recorded).toBe(true);
    // With nothing taken, it settles at once.
    await submissions.settled();
  });
});
