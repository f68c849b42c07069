import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/storage/database.js';
import { LeaseRepository } from '../../src/storage/leases.js';
import { migratedDatabase } from '../helpers/db.js';

const at = (seconds: number) => new Date(Date.UTC(2027, 0, 4, 10, 0, seconds)).toISOString();

let db: Db;
let other: Db;
let cleanup: () => void;
let mine: LeaseRepository;
let theirs: LeaseRepository;

beforeEach(() => {
  const migrated = migratedDatabase();
  ({ db, cleanup } = migrated);
  other = openDatabase(migrated.file);
  mine = new LeaseRepository(db);
  theirs = new LeaseRepository(other);
});
afterEach(() => {
  other.close();
  cleanup();
});

describe('LeaseRepository', () => {
  it('gives a free lease to the first who asks, and refuses it to others until it expires', () => {
    const first = mine.acquire('worker', 'A', at(0), at(15));
    expect(first).toMatchObject({
      held: true,
      previous: undefined,
      current: { holder: 'A', expiresAt: at(15) },
    });
    const refused = theirs.acquire('worker', 'B', at(14), at(29));
    expect(refused).toMatchObject({ held: false, current: { holder: 'A', expiresAt: at(15) } });
    expect(theirs.get('worker')).toMatchObject({ holder: 'A' });
  });

  it('renews for its holder, keeping when it was first taken', () => {
    mine.acquire('worker', 'A', at(0), at(15));
    const renewed = mine.acquire('worker', 'A', at(10), at(25));
    expect(renewed).toMatchObject({ held: true, previous: { holder: 'A', expiresAt: at(15) } });
    expect(renewed.current).toEqual({
      name: 'worker',
      holder: 'A',
      acquiredAt: at(0),
      renewedAt: at(10),
      expiresAt: at(25),
    });
  });

  it('lets another take it once it has expired, and says whose it was', () => {
    mine.acquire('worker', 'A', at(0), at(15));
    const taken = theirs.acquire('worker', 'B', at(15), at(30));
    expect(taken.held).toBe(true);
    expect(taken.previous).toMatchObject({ holder: 'A', expiresAt: at(15) });
    expect(taken.current).toMatchObject({ holder: 'B', acquiredAt: at(15), expiresAt: at(30) });
    // The old holder, back from a pause, finds it gone.
    expect(mine.acquire('worker', 'A', at(16), at(31))).toMatchObject({
      held: false,
      current: { holder: 'B' },
    });
  });

  it('released, it is free at once; only its holder can release it', () => {
    mine.acquire('worker', 'A', at(0), at(15));
    expect(theirs.release('worker', 'B', at(1))).toBe(false);
    expect(theirs.acquire('worker', 'B', at(2), at(17)).held).toBe(false);
    expect(mine.release('worker', 'A', at(3))).toBe(true);
    expect(theirs.acquire('worker', 'B', at(3), at(18))).toMatchObject({
      held: true,
      previous: { holder: 'A' },
    });
  });

  it('asked by two processes at the same instant, goes to exactly one', () => {
    const results = [
      mine.acquire('worker', 'A', at(0), at(15)),
      theirs.acquire('worker', 'B', at(0), at(15)),
    ];
    expect(results.map((r) => r.held)).toEqual([true, false]);
    expect(results[1]?.current.holder).toBe('A');
  });
});
