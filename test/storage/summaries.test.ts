// Stored round summaries are parsed once per stored text and shared, frozen; a summary written
// again with other figures (a close rolled back, then redone) is read as it now stands.
import { afterEach, describe, expect, it } from 'vitest';
import { summariseRound } from '../../src/domain/aggregate.js';
import type { Answers, RosterEntry } from '../../src/domain/types.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { type RoundSummary, SummaryRepository } from '../../src/storage/summaries.js';
import { migratedDatabase, seedTeam } from '../helpers/db.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const roster: RosterEntry[] = Array.from({ length: 5 }, (_, i) => ({
  userId: `U${i}`,
  role: 'data-scientist',
  specialty: null,
}));
const answered = (waitingPct: 10 | 30): Answers[] =>
  roster.map(() => ({
    role: 'data-scientist',
    waitingPct,
    infraPct: 10,
    pathToProd: 'rewrite',
    blocker: null,
  }));

function setUp() {
  const { db, cleanup } = migratedDatabase();
  cleanups.push(cleanup);
  const teamId = seedTeam(db, { name: 'Fraud', members: roster.map((e) => e.userId), createdBy: 'UADMIN' });
  const round = new RoundRepository(db).open({
    workspaceId: 'T0SANDBOX',
    teamId,
    scheduledFor: null,
    openedAt: '2027-03-01T10:00:00.000Z',
    closesAt: '2027-03-04T10:00:00.000Z',
    openedBy: 'UADMIN',
    roster: roster.map((e) => ({ ...e, promptAt: '2027-03-01T10:00:00.000Z' })),
  });
  const summary = (waitingPct: 10 | 30): RoundSummary => ({
    roundId: round.id,
    workspaceId: 'T0SANDBOX',
    teamId,
    teamName: 'Fraud',
    openedAt: round.openedAt,
    closedAt: '2027-03-04T10:00:00.000Z',
    figures: summariseRound(roster, answered(waitingPct), 5),
  });
  return { db, summaries: new SummaryRepository(db), teamId, roundId: round.id, summary };
}

describe('SummaryRepository', () => {
  it('shares one frozen figures object between reads of the same stored summary', () => {
    const { summaries, teamId, roundId, summary } = setUp();
    summaries.save(summary(30));
    const [latest] = summaries.recent(teamId, 1);
    expect(summaries.get(roundId)?.figures).toBe(latest?.figures);
    expect(latest?.figures).toEqual(summary(30).figures);
    expect(Object.isFrozen(latest?.figures)).toBe(true);
    expect(Object.isFrozen(latest?.figures.signals)).toBe(true);
  });

  it('reads a summary written again after a rolled-back close as it now stands', () => {
    const { db, summaries, roundId, summary } = setUp();
    expect(() =>
      db.transaction(() => {
        summaries.save(summary(30));
        expect(summaries.get(roundId)?.figures.medianWaitingPct).toBe(30);
        throw new Error('the close failed after its summary was read');
      })(),
    ).toThrow('the close failed');
    expect(summaries.get(roundId)).toBeUndefined();
    summaries.save(summary(10));
    expect(summaries.get(roundId)?.figures.medianWaitingPct).toBe(10);
  });
});
