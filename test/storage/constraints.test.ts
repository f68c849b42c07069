import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/storage/database.js';
import { OutboxRepository } from '../../src/storage/outbox.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { migratedDatabase } from '../helpers/db.js';

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
});
