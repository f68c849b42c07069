// Nothing in the background may end the process (issue 15): the sender's passes, the scheduler's
// tick, chart rendering and event handling each meet SQLITE_BUSY (the database locked by another
// process past the busy timeout) and a plain thrown error. Each logs the fault once, with what it
// was doing, tries again on its next pass, and the work is finished exactly once.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chartRenderer } from '../../src/charts/renderer.js';
import { RoundService } from '../../src/services/rounds.js';
import { HomeService } from '../../src/slack/home.js';
import { Database } from '../../src/storage/database.js';
import { OutboxRepository } from '../../src/storage/outbox.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { eventually } from '../helpers/child-app.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const MEMBERS = Array.from({ length: 12 }, (_, i) => `U0B${String(i).padStart(2, '0')}`);
const busy = () => new Database.SqliteError('database is locked', 'SQLITE_BUSY');

/** Fails the first calls of a method, each with the error given, then lets it work. */
function failFirst<T extends object>(target: T, method: keyof T & string, errors: Array<() => Error>): void {
  const original = (target as Record<string, (...args: unknown[]) => unknown>)[method] as (
    ...args: unknown[]
  ) => unknown;
  let calls = 0;
  vi.spyOn(target as Record<string, (...args: unknown[]) => unknown>, method).mockImplementation(function (
    this: unknown,
    ...args: unknown[]
  ) {
    const fail = errors[calls++];
    if (fail) throw fail();
    return original.apply(this, args);
  });
}

let h: Harness | undefined;
let logged: string[];
let unhandled: unknown[];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  logged = [];
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    logged.push(parts.map(String).join(' '));
  });
});
afterEach(async () => {
  await h?.stop();
  h = undefined;
  vi.restoreAllMocks();
  process.off('unhandledRejection', onUnhandled);
});

async function withTeam(options: Parameters<typeof startHarness>[0]['options'] = {}) {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...MEMBERS.map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
    ],
    channels: [{ id: 'C0LEADS', name: 'ml-leads' }],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    options,
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud ${MEMBERS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
  return h;
}

const lines = (pattern: RegExp) => logged.filter((line) => pattern.test(line));
const statuses = (h: Harness) =>
  h.app.db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as Array<{
    status: string;
    n: number;
  }>;

describe('background work under database faults', () => {
  it('the sender: claims that fail end the pass, an outcome that cannot be written is written next pass; everyone gets one DM', async () => {
    const h = await withTeam();
    failFirst(OutboxRepository.prototype, 'claimDue', [busy, () => new Error('disk went away')]);
    failFirst(OutboxRepository.prototype, 'markSent', [busy]);
    expect((await h.run(ADMIN, 'survey now Fraud')).text).toMatch(/^Opened a check-in/);
    // The poll would retry within 5 s; kicking is the same call, sooner.
    for (let pass = 0; pass < 4; pass++) await h.settle();
    for (const id of MEMBERS) expect(h.sandbox.dm(id)).toHaveLength(1);
    expect(statuses(h)).toEqual([{ status: 'sent', n: MEMBERS.length }]);
    // Two failed claims in a row are one fault: logged once, with its first cause.
    expect(lines(/claiming due deliveries failed/)).toEqual([
      expect.stringMatching(
        /claiming due deliveries failed \(SQLITE_BUSY\): database is locked; the sender tries again at its next pass/,
      ),
    ]);
    expect(lines(/recording deliveries failed/)).toEqual([
      expect.stringMatching(
        /recording deliveries failed \(SQLITE_BUSY\): database is locked; delivery \d+ is recorded at the next pass/,
      ),
    ]);
    expect(unhandled).toEqual([]);
  });

  it('the sender: a failure before sending hands the delivery back, and it goes out on a later pass', async () => {
    const h = await withTeam();
    // Queue the check-ins with the sender held back, so the fault meets the sender's own read.
    const held = vi.spyOn(OutboxRepository.prototype, 'claimDue').mockReturnValue([]);
    await h.run(ADMIN, 'survey now Fraud');
    held.mockRestore();
    failFirst(RoundRepository.prototype, 'get', [busy]);
    for (let pass = 0; pass < 3; pass++) await h.settle();
    for (const id of MEMBERS) expect(h.sandbox.dm(id)).toHaveLength(1);
    expect(statuses(h)).toEqual([{ status: 'sent', n: MEMBERS.length }]);
    expect(lines(/checking deliveries before sending failed \(SQLITE_BUSY\)/)).toHaveLength(1);
    expect(unhandled).toEqual([]);
  });

  it('the scheduler: a tick, and an action, that fail are logged and done at the next tick', async () => {
    let now = Date.parse('2027-01-04T09:00:00.000Z'); // a Monday; teams open at 10:00 by default
    const h = await withTeam({ scheduler: true, clock: () => new Date(now) });
    now = Date.parse('2027-01-04T10:00:30.000Z');
    failFirst(RoundRepository.prototype, 'listOpen', [busy]);
    failFirst(RoundService.prototype, 'open', [() => new Error('users.info said no')]);
    const roundCount = () => h.app.db.prepare('SELECT count(*) FROM rounds').pluck().get() as number;
    h.app.scheduler.poke();
    await eventually(() => lines(/the scheduler tick failed/).length > 0, 5000, 'the failed tick in the log');
    expect(lines(/the scheduler tick failed/)).toEqual([
      expect.stringMatching(
        /the scheduler tick failed \(SQLITE_BUSY\): database is locked; the next minute’s tick tries again/,
      ),
    ]);
    expect(roundCount()).toBe(0);
    await eventually(
      () => {
        h.app.scheduler.poke(); // what the next minute's tick does
        return lines(/the scheduler's opening team \d+'s round/).length > 0;
      },
      5000,
      'the failed open in the log',
    );
    expect(lines(/the scheduler's opening/)).toEqual([
      expect.stringMatching(
        /the scheduler's opening team \d+'s round for 2027-01-04T10:00:00.000Z failed \(Error\): users.info said no; the next minute’s tick tries again/,
      ),
    ]);
    await eventually(
      () => {
        h.app.scheduler.poke();
        return roundCount() === 1;
      },
      5000,
      'the round to open',
    );
    await h.settle();
    for (const id of MEMBERS) expect(h.sandbox.dm(id)).toHaveLength(1);
    // Later ticks find nothing left to do.
    h.app.scheduler.poke();
    await h.settle();
    expect(roundCount()).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it('chart rendering: a chart that fails to render is tried again a minute later and uploaded', async () => {
    let now = Date.parse('2027-01-04T09:00:00.000Z');
    let renders = 0;
    const h = await withTeam({
      clock: () => new Date(now),
      charts: {
        render: async (request) => {
          renders += 1;
          if (renders === 1) throw new Error('the font did not load');
          return chartRenderer.render(request);
        },
      },
    });
    await h.run(ADMIN, 'subscribe <#C0LEADS> Fraud each-round');
    await h.run(ADMIN, 'survey now Fraud');
    await h.run(ADMIN, 'survey close Fraud');
    await h.settle();
    expect(h.sandbox.messages('C0LEADS').filter((m) => m.text.startsWith('Fraud:'))).toHaveLength(1);
    expect(h.sandbox.files).toHaveLength(0);
    expect(
      lines(
        /chart for delivery \d+ failed to render \(attempt 1 of 3\): the font did not load; trying again in a minute/,
      ),
    ).toHaveLength(1);
    now += 60_000;
    await h.settle();
    expect(h.sandbox.files).toHaveLength(1);
    expect(renders).toBe(2);
    expect(unhandled).toEqual([]);
  });

  it('event handling: an event whose listener fails is logged with what it was, and the next one is served', async () => {
    const h = await withTeam();
    failFirst(HomeService.prototype, 'view', [busy]);
    expect((await h.sandbox.openHome(MEMBERS[0] as string)).status).toBe(200);
    await eventually(
      () => lines(/handling the app_home_opened event failed/).length > 0,
      5000,
      'the failure in the log',
    );
    expect(lines(/handling the app_home_opened event failed/)).toEqual([
      expect.stringMatching(/handling the app_home_opened event failed \(SQLITE_BUSY\): database is locked/),
    ]);
    expect(h.sandbox.homeView(MEMBERS[0] as string)).toBeUndefined();
    await h.sandbox.openHome(MEMBERS[0] as string);
    await eventually(() => h.sandbox.homeView(MEMBERS[0] as string), 5000, 'the Home tab');
    expect(unhandled).toEqual([]);
  });
});
