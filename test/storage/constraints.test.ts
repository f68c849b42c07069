import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/storage/database.js';
import { OutboxRepository } from '../../src/storage/outbox.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { migratedDatabase, statementsPreparedBy } from '../helpers/db.js';

const WS = 'T1';
const NOW = '2027-01-04T10:00:00.000Z';
let db: Db;
let cleanup: () => void;
let teams: TeamRepository;
let rounds: RoundRepository;

beforeEach(() => {
  ({ db, cleanup } = migratedDatabase());
  teams = new TeamRepository(db);
  rounds = new RoundRepository(db);
});
afterEach(() => cleanup());

const addTeam = (name: string, workspaceId = WS) =>
  teams.add({ workspaceId, name, channelId: null, timezone: 'UTC', createdBy: 'U0', now: NOW });

const openRound = (teamId: number) =>
  rounds.open({
    workspaceId: WS,
    teamId,
    scheduledFor: null,
    openedAt: NOW,
    closesAt: '2027-01-07T10:00:00.000Z',
    openedBy: 'U0',
    roster: [
      { userId: 'U1', role: 'data-scientist', specialty: null, promptAt: NOW },
      { userId: 'U2', role: 'engineer', specialty: 'ml', promptAt: NOW },
    ],
  });

const tooth = {
  role: 'data-scientist' as const,
  waitingPct: 20 as const,
  infraPct: 10 as const,
  pathToProd: 'rewrite' as const,
  blocker: null,
};

describe('database constraints', () => {
  it('keeps one response per round and member, whatever is written', () => {
    const team = addTeam('Fraud');
    const round = openRound(team.id);
    rounds.saveResponse({ workspaceId: WS, roundId: round.id, userId: 'U1', answers: tooth, now: NOW });
    rounds.saveResponse({
      workspaceId: WS,
      roundId: round.id,
      userId: 'U1',
      answers: { ...tooth, waitingPct: 50 },
      now: NOW,
    });
    expect(rounds.responses(round.id)).toHaveLength(1);
    expect(rounds.response(round.id, 'U1')?.answers).toMatchObject({ waitingPct: 50 });
    expect(() =>
      db
        .prepare(
          `INSERT INTO responses (workspace_id, round_id, user_id, role, waiting_pct, infra_pct, path_to_prod, submitted_at, updated_at)
           VALUES ('T1', ?, 'U1', 'data-scientist', 0, 0, 'n/a', 'x', 'x')`,
        )
        .run(round.id),
    ).toThrow(/UNIQUE/);
  });

  it('allows one open round per team', () => {
    const team = addTeam('Fraud');
    openRound(team.id);
    expect(() => openRound(team.id)).toThrow(/UNIQUE/);
    const other = addTeam('Search');
    expect(() => openRound(other.id)).not.toThrow();
  });

  it('refuses answers from someone the round did not ask, and values outside the buckets', () => {
    const team = addTeam('Fraud');
    const round = openRound(team.id);
    expect(() =>
      rounds.saveResponse({ workspaceId: WS, roundId: round.id, userId: 'U9', answers: tooth, now: NOW }),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      rounds.saveResponse({
        workspaceId: WS,
        roundId: round.id,
        userId: 'U1',
        answers: { ...tooth, waitingPct: 15 as never },
        now: NOW,
      }),
    ).toThrow(/CHECK/);
    expect(rounds.responses(round.id)).toHaveLength(0);
  });

  it('keeps team names unique per workspace regardless of case, but reusable after removal', () => {
    const team = addTeam('Fraud ML');
    expect(() => addTeam('fraud ml')).toThrow(/UNIQUE/);
    expect(() => addTeam('Fraud ML', 'T2')).not.toThrow();
    teams.remove(team.id, NOW);
    expect(() => addTeam('Fraud ML')).not.toThrow();
  });

  it('queues a delivery once per dedupe key', () => {
    const outbox = new OutboxRepository(db);
    const item = {
      workspaceId: WS,
      kind: 'digest' as const,
      dedupeKey: 'digest:1',
      channel: 'C1',
      payload: { text: 'hi' },
      notBefore: NOW,
    };
    expect(outbox.enqueue([item, item], NOW)).toBe(1);
    expect(outbox.enqueue([item], NOW)).toBe(0);
    expect(outbox.statusCounts().pending).toBe(1);
  });

  it('dates memberships, so a role change keeps the old row', () => {
    const team = addTeam('Fraud');
    const base = { workspaceId: WS, teamId: team.id, userId: 'U1', now: NOW };
    expect(teams.upsertMember({ ...base, role: 'engineer', specialty: 'infra' })).toBe('added');
    expect(teams.upsertMember({ ...base, role: 'engineer', specialty: 'infra' })).toBe('unchanged');
    expect(teams.upsertMember({ ...base, role: 'engineer', specialty: 'app' })).toBe('changed');
    expect(teams.members(team.id)).toEqual([expect.objectContaining({ userId: 'U1', specialty: 'app' })]);
    expect(db.prepare('SELECT count(*) AS n FROM members WHERE user_id = ?').get('U1')).toEqual({ n: 2 });
    expect(() => teams.upsertMember({ ...base, role: 'data-scientist', specialty: 'ml' })).toThrow(/CHECK/);
  });

  it('refuses every value outside the answer buckets and the delivery states, and takes every one inside', () => {
    const team = addTeam('Fraud');
    const round = openRound(team.id);
    const insert = (column: string, value: unknown) => () =>
      db
        .prepare(
          `INSERT INTO responses (workspace_id, round_id, user_id, role, waiting_pct, infra_pct, path_to_prod, submitted_at, updated_at)
           VALUES ('T1', @roundId, 'U1', 'data-scientist', 0, 0, 'n/a', 'x', 'x')
           ON CONFLICT (round_id, user_id) DO UPDATE SET ${column} = @value`,
        )
        .run({ roundId: round.id, value });
    for (const column of ['waiting_pct', 'infra_pct']) {
      for (const value of [0, 5, 10, 20, 30, 50, 70]) expect(insert(column, value)).not.toThrow();
      for (const value of [-5, 1, 15, 40, 71, 100, 'most']) expect(insert(column, value)).toThrow(/CHECK/);
    }
    for (const value of ['self-serve', 'rewrite', 'paired', 'diy-infra', 'not-shipped', 'n/a'])
      expect(insert('path_to_prod', value)).not.toThrow();
    for (const value of ['shipped', 'N/A', '']) expect(insert('path_to_prod', value)).toThrow(/CHECK/);
    expect(insert('role', 'manager')).toThrow(/CHECK/);
    // An engineer's answers, in their own columns only.
    const engineer = (value: unknown) => () =>
      db
        .prepare(
          `INSERT INTO responses (workspace_id, round_id, user_id, role, rewrite_pct, support_pct, platform_pct, submitted_at, updated_at)
           VALUES ('T1', ?, 'U2', 'engineer', ?, ?, ?, 'x', 'x')
           ON CONFLICT (round_id, user_id) DO UPDATE SET rewrite_pct = excluded.rewrite_pct`,
        )
        .run(round.id, value, value, value);
    for (const value of [0, 5, 10, 20, 30, 50, 70]) expect(engineer(value)).not.toThrow();
    for (const value of [3, 25, 80]) expect(engineer(value)).toThrow(/CHECK/);

    const outbox = new OutboxRepository(db);
    const queue = (kind: string) => () =>
      outbox.enqueue(
        [
          {
            workspaceId: WS,
            kind: kind as 'digest',
            dedupeKey: kind,
            channel: 'C1',
            payload: { text: 'x' },
            notBefore: NOW,
          },
        ],
        NOW,
      );
    for (const kind of ['prompt', 'reminder', 'digest', 'file', 'update']) expect(queue(kind)).not.toThrow();
    expect(queue('poll')).toThrow(/CHECK/);
    const setStatus = (status: string) => () =>
      db.prepare("UPDATE deliveries SET status = ? WHERE dedupe_key = 'digest'").run(status);
    for (const status of ['pending', 'sending', 'sent', 'failed', 'skipped'])
      expect(setStatus(status)).not.toThrow();
    expect(setStatus('lost')).toThrow(/CHECK/);
  });

  it('writes a response or a delivery without building a temporary index on each run', () => {
    // SQLite checks an IN (...) list of more than two values through a temporary index built each
    // time the statement runs (migration 009): the writes made on every check-in and every send
    // stay free of them.
    const prepared = statementsPreparedBy(db, () => {
      new RoundRepository(db);
      new OutboxRepository(db);
    });
    // Each row written by itself: an insert, or an update of one row by its id. (An update of many
    // rows that its WHERE finds by a column it changes lists them in a temporary table first,
    // which is no IN list's doing, and those run once at start or when a workspace goes.)
    const writes = prepared.filter(
      (sql) =>
        /^\s*INSERT INTO (responses|deliveries)\b/.test(sql) ||
        /^\s*UPDATE (responses|deliveries)\b[\s\S]*WHERE id = /.test(sql),
    );
    expect(writes.length).toBeGreaterThanOrEqual(7);
    for (const sql of writes) {
      const parameters = (sql.match(/\?/g) ?? []).map(() => null);
      const names = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1], null]));
      const statement = db.prepare(`EXPLAIN ${sql}`);
      const program = (
        Object.keys(names).length > 0 ? statement.all(names) : statement.all(...parameters)
      ) as Array<{ opcode: string }>;
      expect({ sql, ephemeral: program.filter((op) => op.opcode === 'OpenEphemeral').length }).toEqual({
        sql,
        ephemeral: 0,
      });
    }
  });
});
