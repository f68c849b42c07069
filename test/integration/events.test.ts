// Events: the App Home is published for app_home_opened, and Slack's retries of the same event
// (x-slack-retry-num) have exactly one effect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const MEMBER = 'U0MEM';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      { id: MEMBER, name: 'mo', tz: 'UTC' },
    ],
    adminUserIds: [ADMIN],
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud <@${MEMBER}> as data-scientist`);
  await h.run(ADMIN, 'survey now Fraud');
  await h.settle();
});
afterAll(async () => {
  await h?.stop();
});

const publishes = (userId: string) =>
  h.sandbox.calls.filter((c) => c.method === 'views.publish' && c.args.user_id === userId).length;

describe('app_home_opened', () => {
  it('publishes the member’s Home with their open check-in, and the org overview only for admins', async () => {
    await h.sandbox.openHome(MEMBER);
    const home = await h.sandbox.waitFor(() => h.sandbox.homeView(MEMBER));
    const text = JSON.stringify(home);
    expect(text).toContain('Answer (1 min)');
    expect(text).toContain('Fraud');
    expect(text).not.toMatch(/Org overview/i);
    await h.sandbox.openHome(ADMIN);
    const adminHome = await h.sandbox.waitFor(() => h.sandbox.homeView(ADMIN));
    expect(JSON.stringify(adminHome)).toMatch(/org/i);
  });

  it('handles a retried event once', async () => {
    const before = publishes(MEMBER);
    const event = { type: 'app_home_opened', user: MEMBER, channel: 'D0MEM', tab: 'home' };
    expect((await h.sandbox.sendEvent(event, { eventId: 'Ev0RETRY1' })).status).toBe(200);
    await h.sandbox.waitFor(() => publishes(MEMBER) === before + 1, 5000, 'the first publish');
    for (const retryNum of [1, 2, 3]) {
      expect((await h.sandbox.sendEvent(event, { eventId: 'Ev0RETRY1', retryNum })).status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(publishes(MEMBER)).toBe(before + 1);
    // A different event is handled.
    await h.sandbox.sendEvent(event, { eventId: 'Ev0OTHER2' });
    await h.sandbox.waitFor(() => publishes(MEMBER) === before + 2, 5000, 'the second publish');
  });
});
