// The same app over Socket Mode: SLACK_APP_TOKEN selects it, apps.connections.open goes to
// SLACK_API_URL (the sandbox), and commands, clicks and submissions arrive as envelopes.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/main.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { tempDir } from '../helpers/db.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../helpers/harness.js';

const APP_TOKEN = 'xapp-1-test';
const ADMIN = 'UADMIN';
const MEMBER = 'U0MEM';
let sandbox: Sandbox;
let app: RunningApp;
let cleanup: () => void;

beforeAll(async () => {
  const dir = tempDir();
  cleanup = dir.cleanup;
  sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    mode: 'socket',
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      { id: MEMBER, name: 'mo', tz: 'UTC' },
    ],
    channels: [{ id: 'C0PRIV', name: 'ml-leads', isPrivate: true }],
  });
  app = await startApp(
    {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: sandbox.apiUrl,
      DATABASE_PATH: path.join(dir.dir, 'socket.db'),
      PORT: '0',
      ADMIN_USER_IDS: ADMIN,
      LOG_LEVEL: 'error',
    },
    { scheduler: false },
  );
});
afterAll(async () => {
  await app?.stop();
  await sandbox?.stop();
  cleanup?.();
});

describe('Socket Mode', () => {
  it('connects through the sandbox, with no signing secret needed', () => {
    expect(app.config.mode).toBe('socket');
    expect(sandbox.socketConnections).toBe(1);
    expect(sandbox.calls.some((c) => c.method === 'apps.connections.open' && c.ok)).toBe(true);
  });

  it('serves /healthz on PORT', async () => {
    const res = await fetch(`http://127.0.0.1:${app.port}/healthz`);
    expect(await res.json()).toMatchObject({ status: 'ok', mode: 'socket' });
    expect((await fetch(`http://127.0.0.1:${app.port}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('runs commands, the check-in button and the modal over envelopes', async () => {
    const help = await sandbox.command(ADMIN, 'help');
    expect(help.status).toBe(200);
    expect(help.body.text).toContain('/tooth-tail roster add'); // answered in the ack itself
    await (await sandbox.command(ADMIN, 'team add Fraud')).reply();
    await (await sandbox.command(ADMIN, `roster add Fraud <@${MEMBER}> as data-scientist`)).reply();
    expect((await (await sandbox.command(ADMIN, 'survey now Fraud')).reply()).text).toMatch(
      /1 person will get a DM/,
    );
    const dm = await sandbox.waitFor(() => sandbox.dm(MEMBER).at(-1));
    await sandbox.clickButton(MEMBER, { channel: MEMBER, ts: dm.ts }, 'check_in_answer');
    await sandbox.waitFor(() => sandbox.openViews(MEMBER).at(-1));
    const invalid = await sandbox.fillAndSubmit(MEMBER, { infra_pct: '10', path_to_prod: 'paired' });
    expect(invalid.body).toEqual({ response_action: 'errors', errors: { waiting_pct: 'Pick one.' } });
    const ok = await sandbox.fillAndSubmit(MEMBER, {
      waiting_pct: '10',
      infra_pct: '10',
      path_to_prod: 'paired',
    });
    expect(ok.body).toBeNull();
    expect(app.db.prepare('SELECT count(*) AS n FROM responses').get()).toEqual({ n: 1 });
  });

  it('takes Slack’s events as envelopes: an invite into a private channel, and a deactivation', async () => {
    const subscribed = await sandbox.command(ADMIN, 'subscribe <#C0PRIV|ml-leads> Fraud', {
      channelId: 'C0PRIV',
    });
    expect((await subscribed.answer()).text).toMatch(/Waiting: .*type `\/invite @tooth-tail` in <#C0PRIV>/);
    await sandbox.inviteApp('C0PRIV', ADMIN);
    const thanks = await sandbox.waitFor(() => sandbox.messages('C0PRIV')[0], 5000, 'a confirmation');
    expect(thanks.text).toContain('digests for *Fraud*');

    const members = () =>
      app.db
        .prepare('SELECT count(*) AS n FROM members WHERE user_id = ? AND left_at IS NULL')
        .pluck()
        .get(MEMBER);
    expect(members()).toBe(1);
    await sandbox.deactivateUser(MEMBER);
    await sandbox.waitFor(() => members() === 0, 5000, 'the deactivated member off the roster');
  });
});
