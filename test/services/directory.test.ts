import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Directory } from '../../src/services/directory.js';
import { SlackCallError, type SlackPort } from '../../src/services/ports.js';
import type { Db } from '../../src/storage/database.js';
import { UserRepository } from '../../src/storage/users.js';
import { migratedDatabase } from '../helpers/db.js';
import { offlineSlack } from '../helpers/offline-slack.js';

const WS = 'T1';
const DAY = 24 * 60 * 60 * 1000;
let db: Db;
let cleanup: () => void;
let now: Date;
let calls: string[];

beforeEach(() => {
  ({ db, cleanup } = migratedDatabase());
  now = new Date('2027-03-15T10:00:00Z');
  calls = [];
});
afterEach(() => cleanup());

/** A Directory over the test database and this Slack (offlineSlack's, with these overrides). */
const directoryOver = (slack: Partial<SlackPort> = {}) =>
  new Directory({
    users: new UserRepository(db),
    clock: () => now,
    adminUserIds: [],
    slack: offlineSlack(slack),
  });

const directory = (tz = 'Asia/Kolkata', isAdmin = false) =>
  new Directory({
    users: new UserRepository(db),
    clock: () => now,
    adminUserIds: ['U0ENV'],
    slack: offlineSlack({
      userInfo: async (userId) => {
        calls.push(userId);
        return {
          userId,
          name: 'x',
          tz,
          isAdmin,
          isOwner: false,
          isBot: false,
          deleted: false,
          isExternal: false,
        };
      },
    }),
  });

describe('Directory', () => {
  it('reads a time zone from the cache for a week, then asks Slack again', async () => {
    const d = directory();
    expect(await d.timezone(WS, 'U1')).toBe('Asia/Kolkata');
    now = new Date(now.getTime() + 6 * DAY);
    expect(await d.timezone(WS, 'U1')).toBe('Asia/Kolkata');
    expect(calls).toEqual(['U1']);
    now = new Date(now.getTime() + 2 * DAY);
    expect(await directory('Europe/London').timezone(WS, 'U1')).toBe('Europe/London');
    expect(calls).toEqual(['U1', 'U1']);
  });

  it('re-checks admin flags after five minutes, and trusts ADMIN_USER_IDS without asking', async () => {
    expect(await directory('UTC', true).isAdmin(WS, 'U1')).toBe(true);
    now = new Date(now.getTime() + 6 * 60 * 1000);
    expect(await directory('UTC', false).isAdmin(WS, 'U1')).toBe(false);
    expect(calls).toEqual(['U1', 'U1']);
    expect(await directory().isAdmin(WS, 'U0ENV')).toBe(true);
    expect(calls).toEqual(['U1', 'U1']);
  });

  it('answers no time zone, rather than failing, for someone Slack does not know', async () => {
    const d = directoryOver();
    expect(await d.timezone(WS, 'U404')).toBeNull();
    expect(await d.isAdmin(WS, 'U404')).toBe(false);
  });

  describe('time zones of many people', () => {
    const people = (n: number) => Array.from({ length: n }, (_, i) => `U${String(i).padStart(3, '0')}`);
    const user = (userId: string, tz: string) => ({
      userId,
      name: userId.toLowerCase(),
      tz,
      isAdmin: false,
      isOwner: false,
      isBot: false,
      deleted: false,
      isExternal: false,
    });

    /** users.info answers Europe/Paris; users.list, when given, is what `listUsers` yields. */
    const directoryWith = (listUsers?: SlackPort['listUsers']) =>
      new Directory({
        users: new UserRepository(db),
        clock: () => now,
        adminUserIds: [],
        slack: offlineSlack({
          userInfo: async (userId) => {
            calls.push(userId);
            return user(userId, 'Europe/Paris');
          },
          ...(listUsers ? { listUsers } : {}),
        }),
      });

    /** users.list pages of `pageSize` over `ids`, everyone in Asia/Tokyo. */
    function listing(ids: string[], pageSize: number) {
      const pages: string[][] = [];
      const d = directoryWith(async function* () {
        for (let i = 0; i < ids.length; i += pageSize) {
          const page = ids.slice(i, i + pageSize);
          pages.push(page);
          yield page.map((id) => user(id, 'Asia/Tokyo'));
        }
      });
      return { d, pages };
    }

    it('walks users.list for more than ten uncached people, and stops once it has them all', async () => {
      const { d, pages } = listing(people(500), 200);
      const zones = await d.timezones(WS, people(300));
      expect(pages).toHaveLength(2);
      expect(calls).toEqual([]);
      expect([...zones.values()].every((tz) => tz === 'Asia/Tokyo')).toBe(true);
      expect(zones.size).toBe(300);
      // Cached now: asking again reads nothing from Slack.
      await d.timezones(WS, people(300));
      expect(pages).toHaveLength(2);
    });

    it('asks users.info for up to ten, and for anyone users.list does not list', async () => {
      const few = listing(people(50), 200);
      await few.d.timezones(WS, people(10));
      expect(few.pages).toHaveLength(0);
      expect(calls).toHaveLength(10);
      calls = [];
      const gone = listing(people(40), 200);
      const zones = await gone.d.timezones(WS, [...people(40).slice(20), 'U999']);
      expect(gone.pages).toHaveLength(1);
      expect(calls).toEqual(['U999']);
      expect(zones.get('U999')).toBe('Europe/Paris');
    });

    it('looks each one up when users.list fails', async () => {
      // biome-ignore lint/correctness/useYield: a users.list that fails before its first page
      const d = directoryWith(async function* () {
        throw new Error('users.list is down');
      });
      const zones = await d.timezones(WS, people(12));
      expect(calls).toHaveLength(12);
      expect(zones.get('U011')).toBe('Europe/Paris');
    });
  });
});

const HOUR = 60 * 60 * 1000;
/** An active person in Asia/Tokyo, as Slack describes them. */
const account = (userId: string) => ({
  userId,
  name: userId.toLowerCase(),
  tz: 'Asia/Tokyo',
  isAdmin: false,
  isOwner: false,
  isBot: false,
  deleted: false,
  isExternal: false,
});

describe('Directory.accounts when users.list fails', () => {
  const ids = Array.from({ length: 12 }, (_, i) => `U${String(i).padStart(3, '0')}`);
  it('answers from the cache, asks users.info only for the never-seen, and does not walk again within the minute', async () => {
    let walks = 0;
    const users = new UserRepository(db);
    for (const id of ids.slice(0, 11)) users.save(WS, { ...account(id), fetchedAt: now.toISOString() });
    now = new Date(now.getTime() + 2 * HOUR);
    const d = directoryOver({
      userInfo: async (userId) => {
        calls.push(userId);
        return account(userId);
      },
      // biome-ignore lint/correctness/useYield: a users.list that fails before its first page
      listUsers: async function* () {
        walks += 1;
        throw new Error('users.list is down');
      },
    });
    const read = await d.accounts(WS, ids, HOUR);
    expect(walks).toBe(1);
    expect(calls).toEqual(['U011']);
    expect(read.get('U000')?.fetchedAt).toBe('2027-03-15T10:00:00.000Z');
    expect(read.size).toBe(12);

    await d.accounts(WS, ids, HOUR);
    expect(walks).toBe(1);
    now = new Date(now.getTime() + 61 * 1000);
    await d.accounts(WS, ids, HOUR);
    expect(walks).toBe(2);
  });
});

describe('Directory.accounts when users.info fails', () => {
  it('asks nobody else after the first failure and answers from the cache; someone Slack does not know is undefined', async () => {
    const users = new UserRepository(db);
    const known = { ...account('U002'), fetchedAt: now.toISOString() };
    users.save(WS, known);
    now = new Date(now.getTime() + 2 * HOUR);
    const d = directoryOver({
      userInfo: async (userId) => {
        calls.push(userId);
        if (userId === 'U000') throw new SlackCallError('user_not_found', true);
        throw new SlackCallError('slack_webapi_request_error', false);
      },
    });
    const read = await d.accounts(WS, ['U000', 'U001', 'U002', 'U003'], HOUR);
    expect(calls).toEqual(['U000', 'U001']);
    expect([...read]).toEqual([
      ['U000', undefined],
      ['U001', undefined],
      ['U002', known],
      ['U003', undefined],
    ]);
  });
});
