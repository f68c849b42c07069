import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Directory } from '../../src/services/directory.js';
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
    const d = new Directory({
      users: new UserRepository(db),
      clock: () => now,
      adminUserIds: [],
      slack: offlineSlack(),
    });
    expect(await d.timezone(WS, 'U404')).toBeNull();
    expect(await d.isAdmin(WS, 'U404')).toBe(false);
  });
});
