// Replies that depend on nothing but the database (or on nothing at all, as `help`) are kept
// while the database is unchanged: the same ask is not worked out again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { help } from '../../../src/slack/commands/help.js';
import { type Db, dataVersion } from '../../../src/storage/database.js';
import { migratedDatabase } from '../../helpers/db.js';
import { offlineSlack } from '../../helpers/offline-slack.js';
import { offlineServices } from '../../helpers/services.js';

const NOW = new Date('2027-01-04T10:00:00Z');
const as = (userId: string) => ({ workspaceId: 'T1', userId, channelId: 'C1', channelName: 'general' });

let db: Db;
let cleanup: () => void;
beforeEach(() => {
  ({ db, cleanup } = migratedDatabase());
});
afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

const runner = (keep: boolean) =>
  offlineServices(db, {
    clock: () => NOW,
    slack: offlineSlack(),
    anonymityThreshold: 5,
    ...(keep ? { dataVersion: dataVersion(db).current } : {}),
  }).commands;

describe('`help`', () => {
  it('is worked out once for everyone while nothing changes', async () => {
    const worked = vi.spyOn(help, 'run');
    const commands = runner(true);
    const first = await commands.run(as('U1'), 'help');
    expect(first.text).toMatch(/\/tooth-tail summary/);
    expect(await commands.run(as('U1'), 'help')).toBe(first);
    expect(await commands.run(as('U2'), 'help')).toBe(first);
    expect(worked).toHaveBeenCalledTimes(1);
  });

  it('is worked out each time when the runner cannot tell whether the database changed', async () => {
    const worked = vi.spyOn(help, 'run');
    const commands = runner(false);
    await commands.run(as('U1'), 'help');
    await commands.run(as('U1'), 'help');
    expect(worked).toHaveBeenCalledTimes(2);
  });
});
