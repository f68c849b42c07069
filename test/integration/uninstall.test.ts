// Uninstall and reinstall (issue 11, item 3): app_uninstalled / tokens_revoked, or a dead bot token
// met on a call, stop every send and schedule of the workspace; a reinstall resumes; an admin can
// delete the workspace's data.
import { afterEach, describe, expect, it } from 'vitest';
import { runDeleteWorkspace } from '../../src/cli/delete-workspace.js';
import { EXIT } from '../../src/cli/run.js';
import { startApp } from '../../src/main.js';
import { BOT_TOKEN, type Harness, SIGNING_SECRET, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const EARLY = ['U0DS1', 'U0DS2'];
const LATE = ['U0DS3', 'U0DS4'];
const WS = 'T0SANDBOX';
/** Monday 7 December 2026, 10:05 UTC: a round scheduled for 10:00 UTC is due. */
const MONDAY = Date.parse('2026-12-07T10:05:00Z');
const HOUR = 60 * 60 * 1000;

let h: Harness;
let now = MONDAY;
afterEach(async () => {
  await h?.stop();
});

/** A team asked at 10:00 in each member's zone: those in Los Angeles are asked eight hours later. */
async function start(): Promise<Harness> {
  now = MONDAY - 24 * HOUR;
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...EARLY.map((id, i) => ({ id, name: `early${i + 1}`, tz: 'UTC' })),
      ...LATE.map((id, i) => ({ id, name: `late${i + 1}`, tz: 'America/Los_Angeles' })),
    ],
    channels: [{ id: 'C0LEADS', name: 'ml-leads' }],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    clock: () => new Date(now),
    options: { charts: null },
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(
    ADMIN,
    `roster add Fraud ${[...EARLY, ...LATE].map((id) => `<@${id}>`).join(' ')} as data-scientist`,
  );
  await h.run(ADMIN, 'subscribe <#C0LEADS|ml-leads> Fraud each-round');
  return h;
}

const rows = () =>
  h.app.db.prepare('SELECT kind, user_id, status, error FROM deliveries ORDER BY id').all() as Array<{
    kind: string;
    user_id: string | null;
    status: string;
    error: string | null;
  }>;
const openRounds = () =>
  (h.app.db.prepare('SELECT count(*) AS n FROM rounds WHERE closed_at IS NULL').get() as { n: number }).n;
const posts = () => h.sandbox.calls.filter((c) => c.method === 'chat.postMessage').length;

describe('uninstall', () => {
  it('stops every send and schedule at once when Slack says so, and a reinstall resumes them', async () => {
    await start();
    now = MONDAY;
    await h.app.scheduler.tick();
    await h.settle();
    expect(
      rows()
        .filter((r) => r.status === 'pending')
        .map((r) => r.user_id),
    ).toEqual(LATE);

    await h.sandbox.uninstallApp();
    expect(rows().filter((r) => r.kind === 'prompt' && LATE.includes(r.user_id ?? ''))).toEqual(
      LATE.map((id) => ({
        kind: 'prompt',
        user_id: id,
        status: 'skipped',
        error: 'app_uninstalled: tokens_revoked',
      })),
    );
    // Hours later the prompts would be due, then a reminder, then the close: nothing happens.
    const before = posts();
    now = MONDAY + 48 * HOUR;
    expect(await h.app.scheduler.tick()).toEqual([]);
    now = MONDAY + 96 * HOUR;
    expect(await h.app.scheduler.tick()).toEqual([]);
    await h.settle();
    expect(posts()).toBe(before);
    expect(openRounds()).toBe(1);
    expect(h.sandbox.calls.filter((c) => !c.ok && c.error === 'account_inactive')).toEqual([]);

    // Reinstalled: the next request from the workspace shows it, and the schedule catches up.
    h.sandbox.reinstallApp();
    expect((await h.run(ADMIN, 'help')).text).toContain('/tooth-tail');
    expect(h.sandbox.calls.filter((c) => c.method === 'auth.test').at(-1)).toMatchObject({ ok: true });
    expect((await h.app.scheduler.tick()).map((a) => a.kind)).toContain('close-round');
    await h.settle();
    expect(openRounds()).toBe(0);
    expect(h.sandbox.messages('C0LEADS').some((m) => m.text.startsWith('Fraud'))).toBe(true);
  });

  it('stops as well when a call meets a dead token without any event, and retries nothing against it', async () => {
    await start();
    await h.sandbox.uninstallApp({ events: false });
    now = MONDAY;
    await h.app.scheduler.tick();
    await h.settle();
    // account_inactive is also what a DM to a deactivated person may get: auth.test told them apart.
    expect(h.sandbox.calls.some((c) => c.method === 'auth.test' && c.error === 'account_inactive')).toBe(
      true,
    );
    const prompts = rows().filter((r) => r.kind === 'prompt');
    expect(prompts.every((r) => r.status === 'skipped')).toBe(true);
    expect(prompts.map((r) => r.error)).toContain('app_uninstalled: account_inactive');
    const refused = posts();
    expect(refused).toBeLessThanOrEqual(EARLY.length);
    now = MONDAY + 96 * HOUR;
    expect(await h.app.scheduler.tick()).toEqual([]);
    await h.settle();
    expect(posts()).toBe(refused);
  });

  it('treats invalid_auth the same way, and is still uninstalled after a request while the token is dead', async () => {
    await start();
    await h.sandbox.uninstallApp({ tokenError: 'invalid_auth', events: false });
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    expect(
      rows()
        .filter((r) => r.kind === 'prompt')
        .every((r) => r.status === 'skipped'),
    ).toBe(true);
    // Not a reinstall: auth.test still fails.
    await h.run(ADMIN, 'help');
    now = MONDAY + 96 * HOUR;
    expect(await h.app.scheduler.tick()).toEqual([]);
  });
});

describe('a reinstall while the app was down', () => {
  it('is recognised at start-up by a successful auth.test, and the workspace resumes', async () => {
    await start();
    await h.sandbox.uninstallApp();
    const marked = () =>
      h.app.db
        .prepare('SELECT uninstalled_at IS NOT NULL FROM workspace_installs WHERE workspace_id = ?')
        .pluck()
        .get(WS);
    expect(marked()).toBe(1);
    await h.app.stop();
    h.sandbox.reinstallApp();
    const again = await startApp(
      {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: h.sandbox.apiUrl,
        DATABASE_PATH: h.databasePath,
        PORT: '0',
        ADMIN_USER_IDS: ADMIN,
        LOG_LEVEL: 'error',
      },
      { scheduler: false, clock: () => new Date(now) },
    );
    try {
      expect(
        again.db
          .prepare('SELECT uninstalled_at FROM workspace_installs WHERE workspace_id = ?')
          .pluck()
          .get(WS),
      ).toBeNull();
      now = MONDAY;
      expect((await again.scheduler.tick()).map((a) => a.kind)).toEqual(['open-round']);
    } finally {
      await again.stop();
    }
  });
});

describe('deleting a workspace’s data', () => {
  it('counts without --yes, deletes everything of the workspace with it', async () => {
    await start();
    await h.run(ADMIN, `lead add Fraud <@${EARLY[0]}>`);
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    await h.sandbox.uninstallApp();
    const io = () => {
      const out = { stdout: '', stderr: '' };
      return {
        out,
        io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) },
      };
    };
    const env = { DATABASE_PATH: h.databasePath };

    const dry = io();
    expect(runDeleteWorkspace([WS], env, dry.io)).toBe(EXIT.usage);
    expect(dry.out.stdout).toMatch(
      /^Would delete, for workspace T0SANDBOX: .*teams 1.*\nNothing was deleted; add --yes/,
    );
    expect((h.app.db.prepare('SELECT count(*) AS n FROM teams').get() as { n: number }).n).toBe(1);

    const real = io();
    expect(runDeleteWorkspace([WS, '--yes'], env, real.io)).toBe(EXIT.ok);
    expect(real.out.stdout).toMatch(/^Deleted everything stored for workspace T0SANDBOX: /);
    for (const table of [
      'teams',
      'members',
      'rounds',
      'round_roster',
      'deliveries',
      'subscriptions',
      'users',
    ])
      expect((h.app.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n, table).toBe(
        0,
      );

    const again = io();
    expect(runDeleteWorkspace([WS, '--yes'], env, again.io)).toBe(EXIT.notFound);
    expect(runDeleteWorkspace(['not-a-team'], env, io().io)).toBe(EXIT.usage);
  });
});
