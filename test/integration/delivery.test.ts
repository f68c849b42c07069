// The outbox under Slack's rate limits and errors: 429s are waited out by the one delivery they
// refuse, one person's permanent error is recorded against that delivery only, and transient
// failures (429s, 5xx) go back to the outbox with backoff while they can still matter.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const MEMBERS = Array.from({ length: 12 }, (_, i) => `U0M${String(i).padStart(2, '0')}`);

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function withTeam(
  options: Parameters<typeof startHarness>[0]['options'] = {},
  env: Record<string, string> = {},
) {
  h = await startHarness({
    env,
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...MEMBERS.map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
    ],
    channels: [{ id: 'C0LEADS', name: 'ml-leads' }],
    adminUserIds: [ADMIN],
    options,
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud ${MEMBERS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
  return h;
}

const deliveries = (h: Harness) =>
  h.app.db
    .prepare("SELECT user_id, status, error, attempts FROM deliveries WHERE kind = 'prompt' ORDER BY user_id")
    .all() as Array<{
    user_id: string;
    status: string;
    error: string | null;
    attempts: number;
  }>;

describe('delivery', () => {
  it('waits out HTTP 429 with Retry-After and loses nobody', async () => {
    const h = await withTeam();
    h.sandbox.rateLimitNext('chat.postMessage', { retryAfterSeconds: 1, times: 3 });
    const started = Date.now();
    await h.run(ADMIN, 'survey now Fraud');
    await h.sandbox.waitFor(() => MEMBERS.every((id) => h.sandbox.dm(id).length > 0), 15_000, 'every DM');
    await h.settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(h.sandbox.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429)).toHaveLength(
      3,
    );
    for (const id of MEMBERS) expect(h.sandbox.dm(id)).toHaveLength(1);
    expect(deliveries(h).every((d) => d.status === 'sent')).toBe(true);
  });

  it('paces the fan-out at DELIVERY_RATE_PER_SECOND', async () => {
    const h = await withTeam({}, { DELIVERY_RATE_PER_SECOND: '4' });
    await h.run(ADMIN, 'survey now Fraud');
    await h.sandbox.waitFor(() => MEMBERS.every((id) => h.sandbox.dm(id).length > 0), 15_000, 'every DM');
    const posts = h.sandbox.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.at);
    expect(posts).toHaveLength(MEMBERS.length);
    // 4 a second: the 12 calls span at least 11 quarter-seconds, whatever the machine's speed.
    expect((posts.at(-1) as number) - (posts[0] as number)).toBeGreaterThanOrEqual(11 * 250 - 50);
  });

  it('records a permanent error against that one person and delivers to the others', async () => {
    const h = await withTeam();
    h.sandbox.failNext('chat.postMessage', { error: 'restricted_action', times: 1 });
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    const rows = deliveries(h);
    expect(rows.filter((d) => d.status === 'failed')).toEqual([
      expect.objectContaining({ error: 'restricted_action', attempts: 1 }),
    ]);
    expect(rows.filter((d) => d.status === 'sent')).toHaveLength(MEMBERS.length - 1);
  });

  it('skips a deactivated person whose departure it missed, and delivers to the others', async () => {
    const h = await withTeam();
    h.sandbox.updateUser(MEMBERS[0] as string, { deleted: true });
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    const rows = deliveries(h);
    expect(rows.find((d) => d.user_id === MEMBERS[0])).toMatchObject({
      status: 'skipped',
      error: 'user_deactivated',
      attempts: 1,
    });
    expect(rows.filter((d) => d.status === 'sent')).toHaveLength(MEMBERS.length - 1);
    for (const id of MEMBERS.slice(1)) expect(h.sandbox.dm(id)).toHaveLength(1);
  });

  it('sends a delivery again later when 5xx outlasts the client’s retries: each person once', async () => {
    const h = await withTeam();
    // The test client retries once: Slack down for two attempts per person fails every first try.
    h.sandbox.failNext('chat.postMessage', { status: 500, times: 2 * MEMBERS.length });
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    const rows = deliveries(h);
    expect(rows).toHaveLength(MEMBERS.length);
    // The first attempt failed after the client's retry; the outbox's retry got through.
    for (const row of rows) expect(row).toMatchObject({ status: 'sent', error: null, attempts: 2 });
    expect(h.sandbox.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 500)).toHaveLength(
      2 * MEMBERS.length,
    );
    for (const id of MEMBERS) expect(h.sandbox.dm(id)).toHaveLength(1);
  });

  it('gives up on a digest that keeps failing with 5xx after a bounded number of attempts', async () => {
    const h = await withTeam({ charts: null });
    await h.run(ADMIN, 'subscribe <#C0LEADS> Fraud each-round');
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    h.sandbox.failNext('chat.postMessage', { status: 503, times: 1000, channel: 'C0LEADS' });
    await h.run(ADMIN, 'survey close Fraud');
    await h.settle();
    const digest = h.app.db
      .prepare("SELECT status, error, attempts FROM deliveries WHERE kind = 'digest'")
      .get();
    expect(digest).toEqual({ status: 'failed', error: 'http_error', attempts: 8 });
    // Each attempt is the client's call and its one retry; nothing more after giving up.
    const tries = () =>
      h.sandbox.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0LEADS');
    expect(tries()).toHaveLength(16);
    expect(h.sandbox.messages('C0LEADS')).toHaveLength(0);
  });

  it('asks a person whom Slack rate-limits six times in a row, once, and nobody twice', async () => {
    const h = await withTeam();
    const unlucky = MEMBERS[3] as string;
    // More 429s in a row than the client's old retry budget (fiveRetriesInFiveMinutes) and than
    // the sender waits out in place: the delivery goes back to the outbox, and is sent from there.
    h.sandbox.rateLimitNext('chat.postMessage', { retryAfterSeconds: 1, times: 6, channel: unlucky });
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    expect(h.sandbox.dm(unlucky)).toHaveLength(1);
    for (const id of MEMBERS) expect(h.sandbox.dm(id)).toHaveLength(1);
    const refused = h.sandbox.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429);
    expect(refused).toHaveLength(6);
    expect(refused.every((c) => c.args.channel === unlucky)).toBe(true);
    expect(deliveries(h).find((d) => d.user_id === unlucky)).toMatchObject({
      status: 'sent',
      error: null,
      attempts: 2,
    });
    expect(deliveries(h).every((d) => d.status === 'sent')).toBe(true);
  });

  it('delivers everyone exactly once through a storm of 429s from a low workspace limit', async () => {
    const h = await withTeam();
    h.sandbox.setLimits({ workspacePerSecond: 3 });
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    for (const id of MEMBERS) expect(h.sandbox.dm(id)).toHaveLength(1);
    expect(deliveries(h).every((d) => d.status === 'sent')).toBe(true);
    // The sender starts faster than 3 a second, so Slack refused some calls; each was sent again.
    const posts = h.sandbox.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.filter((c) => c.status === 429).length).toBeGreaterThan(0);
    expect(posts.filter((c) => c.status === 200)).toHaveLength(MEMBERS.length);
  });

  it('records a permanent error for one person and goes on: nobody else is held up or asked twice', async () => {
    const h = await withTeam();
    h.sandbox.failNext('chat.postMessage', { error: 'channel_not_found', channel: MEMBERS[5] as string });
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    const rows = deliveries(h);
    expect(rows.find((d) => d.user_id === MEMBERS[5])).toMatchObject({
      status: 'failed',
      error: 'channel_not_found',
      attempts: 1,
    });
    for (const id of MEMBERS.filter((m) => m !== MEMBERS[5])) expect(h.sandbox.dm(id)).toHaveLength(1);
    expect(
      h.sandbox.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === MEMBERS[5]),
    ).toHaveLength(1);
  });

  it('does not retry a check-in that failed for a transient reason once the round has closed', async () => {
    const h = await withTeam();
    const down = MEMBERS[2] as string;
    h.sandbox.failNext('chat.postMessage', { status: 502, times: 10_000, channel: down });
    await h.run(ADMIN, 'survey now Fraud');
    const row = () => deliveries(h).find((d) => d.user_id === down);
    // Retried with backoff while the round is open…
    await h.sandbox.waitFor(
      () => (row()?.attempts ?? 0) >= 3 && row()?.status === 'pending',
      15_000,
      'retries',
    );
    await h.run(ADMIN, 'survey close Fraud');
    // Its next retry comes due within a second; then it is dropped, not sent.
    await h.sandbox.waitFor(() => row()?.status !== 'pending', 5000, 'the retry to come due');
    await h.settle();
    // …and not after it closed: nothing of it is left to send.
    expect(row()).toMatchObject({ status: expect.stringMatching(/^(skipped|failed)$/) });
    expect(['round_closed', 'http_error']).toContain(row()?.error);
    const calls = () => h.sandbox.calls.filter((c) => c.args.channel === down).length;
    const after = calls();
    await h.settle();
    expect(calls()).toBe(after);
    expect(h.sandbox.dm(down)).toHaveLength(0);
    for (const id of MEMBERS.filter((m) => m !== down)) expect(h.sandbox.dm(id)).toHaveLength(1);
  });

  it('recovers from a single 5xx with the client’s retry', async () => {
    const h = await withTeam();
    h.sandbox.failNext('chat.postMessage', { status: 503, times: 1 });
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    expect(deliveries(h).every((d) => d.status === 'sent')).toBe(true);
    for (const id of MEMBERS) expect(h.sandbox.dm(id)).toHaveLength(1);
  });

  it('posts the digest even when its chart fails to render, tries the chart twice more a minute apart, then records the failure', async () => {
    let now = Date.parse('2026-03-02T12:00:00.000Z');
    let renders = 0;
    const h = await withTeam({
      clock: () => new Date(now),
      charts: {
        render: async () => {
          renders += 1;
          throw new Error('canvas exploded');
        },
      },
    });
    await h.run(ADMIN, 'subscribe <#C0LEADS> Fraud each-round');
    await h.run(ADMIN, 'survey now Fraud');
    await h.run(ADMIN, 'survey close Fraud');
    await h.settle();
    expect(h.sandbox.messages('C0LEADS').filter((m) => m.text.startsWith('Fraud:'))).toHaveLength(1);
    const chart = () =>
      h.app.db
        .prepare("SELECT status, error, attempts, not_before FROM deliveries WHERE kind = 'file'")
        .get();
    expect(chart()).toEqual({
      status: 'pending',
      error: 'chart_render_failed: canvas exploded',
      attempts: 1,
      not_before: '2026-03-02T12:01:00.000Z',
    });
    await h.settle();
    expect(renders).toBe(1); // not due again yet
    now += 60_000;
    await h.settle();
    expect(chart()).toMatchObject({ status: 'pending', attempts: 2, not_before: '2026-03-02T12:02:00.000Z' });
    now += 60_000;
    await h.settle();
    expect(chart()).toMatchObject({
      status: 'failed',
      error: 'chart_render_failed: canvas exploded',
      attempts: 3,
    });
    expect(renders).toBe(3);
    expect(h.sandbox.files).toHaveLength(0);
    expect(h.sandbox.messages('C0LEADS').filter((m) => m.text.startsWith('Fraud:'))).toHaveLength(1);
  });

  it('skips a check-in queued for later once the round has closed', async () => {
    const h = await withTeam();
    await h.run(ADMIN, 'survey now Fraud');
    await h.settle();
    h.app.db
      .prepare(
        "UPDATE deliveries SET status = 'pending', not_before = '2999-01-01T00:00:00.000Z' WHERE user_id = ?",
      )
      .run(MEMBERS[1]);
    await h.settle();
    await h.run(ADMIN, 'survey close Fraud');
    h.app.db
      .prepare("UPDATE deliveries SET not_before = '2000-01-01T00:00:00.000Z' WHERE user_id = ?")
      .run(MEMBERS[1]);
    const before = h.sandbox.dm(MEMBERS[1] as string).length;
    await h.settle();
    expect(h.sandbox.dm(MEMBERS[1] as string)).toHaveLength(before);
    expect(deliveries(h).find((d) => d.user_id === MEMBERS[1])).toMatchObject({
      status: 'skipped',
      error: 'round_closed',
    });
  });
});
