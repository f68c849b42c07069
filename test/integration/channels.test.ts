// Channel membership as real Slack enforces it (issue 11, item 1): the app posts only where it is a
// member. Driven through the real app over signed HTTP against the sandbox's default rules.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const MANAGER = 'U0MGR';
const DS = ['U0DS1', 'U0DS2', 'U0DS3'];
const PUBLIC = { id: 'C0PUBLIC', name: 'ml-news' };
const PRIVATE = { id: 'C0PRIVATE', name: 'ml-leads', isPrivate: true };
const GROUP_DM = { id: 'C0MPDM', name: 'mpdm-ada--mo-1' };

let h: Harness;
afterEach(async () => {
  await h?.stop();
});

async function start(): Promise<Harness> {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      { id: MANAGER, name: 'mo', tz: 'UTC' },
      ...DS.map((id, i) => ({ id, name: `ds${i + 1}`, tz: 'UTC' })),
    ],
    channels: [PUBLIC, PRIVATE, GROUP_DM],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    options: { charts: null },
  });
  await h.run(ADMIN, 'team add Fraud');
  await h.run(ADMIN, `roster add Fraud ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
  // The manager leads the team, so may subscribe channels to its digests.
  await h.run(ADMIN, `lead add Fraud <@${MANAGER}>`);
  return h;
}

/** One round opened and closed (nobody answers): its each-round digests are queued and sent. */
async function closeARound(): Promise<void> {
  await h.run(ADMIN, 'survey now Fraud');
  await h.settle();
  await h.run(ADMIN, 'survey close Fraud');
  await h.settle();
}

const digestRows = (channel: string) =>
  h.app.db
    .prepare("SELECT status, error FROM deliveries WHERE kind = 'digest' AND channel = ? ORDER BY id")
    .all(channel) as Array<{ status: string; error: string | null }>;

const digestsIn = (channel: string) => h.sandbox.messages(channel).filter((m) => m.text.startsWith('Fraud'));

describe('subscribing a channel', () => {
  it('joins a public channel it is not in, says so, and its digests arrive', async () => {
    await start();
    const reply = await h.run(MANAGER, `subscribe <#${PUBLIC.id}|${PUBLIC.name}> Fraud each-round`);
    expect(reply.text).toContain(`I joined <#${PUBLIC.id}>`);
    expect(h.sandbox.calls.filter((c) => c.method === 'conversations.join')).toEqual([
      expect.objectContaining({ ok: true, args: { channel: PUBLIC.id } }),
    ]);
    await closeARound();
    expect(digestRows(PUBLIC.id)).toEqual([{ status: 'sent', error: null }]);
    expect(digestsIn(PUBLIC.id)).toHaveLength(1);
  });

  it('says exactly what to type for a private channel, keeps the subscription waiting, and confirms once added', async () => {
    await start();
    const reply = await h.run(MANAGER, `subscribe <#${PRIVATE.id}|${PRIVATE.name}> Fraud each-round`);
    expect(reply.text).toMatch(/Waiting: I cannot post in <#C0PRIVATE> yet/);
    expect(reply.text).toContain('type `/invite @tooth-tail` in <#C0PRIVATE>');
    expect((await h.run(MANAGER, 'subscriptions')).text).toMatch(
      /<#C0PRIVATE>: Fraud, each-round\n.*:warning: waiting: I cannot find <#C0PRIVATE>: it was deleted, or it is a private channel I am not in\. If it is private, type `\/invite @tooth-tail` in it/,
    );

    // Never added: the digest is refused and recorded, and the manager is not told a second time.
    await closeARound();
    expect(digestRows(PRIVATE.id)).toEqual([{ status: 'failed', error: 'channel_not_found' }]);
    expect(h.sandbox.dm(MANAGER)).toEqual([]);

    // Someone types /invite @tooth-tail there: the app confirms in the channel, the wait is over.
    await h.sandbox.inviteApp(PRIVATE.id, MANAGER);
    const thanks = await h.sandbox.waitFor(() => h.sandbox.messages(PRIVATE.id)[0], 5000, 'a confirmation');
    expect(thanks.text).toMatch(
      /^Thanks for adding tooth-tail\. This channel gets:\n• digests for \*Fraud\*, each-round/,
    );
    expect((await h.run(MANAGER, 'subscriptions')).text).not.toContain(':warning:');
    await closeARound();
    expect(digestRows(PRIVATE.id).at(-1)).toEqual({ status: 'sent', error: null });
    expect(digestsIn(PRIVATE.id)).toHaveLength(1);
  });

  it('keeps the subscription waiting when Slack refuses the join, naming what Slack said', async () => {
    await start();
    h.sandbox.failNext('conversations.join', { error: 'missing_scope' });
    const reply = await h.run(MANAGER, `subscribe <#${PUBLIC.id}|${PUBLIC.name}> Fraud each-round`);
    expect(reply.text).toContain('I could not join <#C0PUBLIC> (Slack said `missing_scope`)');
    expect(reply.text).toContain('Type `/invite @tooth-tail` in <#C0PUBLIC>');
    expect((await h.run(MANAGER, 'subscriptions')).text).toContain(':warning: waiting');
  });

  it('refuses an archived channel, and a DM or group DM, with a plain reason and stores nothing', async () => {
    await start();
    h.sandbox.archiveChannel(PUBLIC.id);
    expect((await h.run(MANAGER, `subscribe <#${PUBLIC.id}|${PUBLIC.name}> Fraud`)).text).toBe(
      '<#C0PUBLIC> is archived, so nothing can be posted there. Unarchive it, or pick another channel.',
    );
    const inDm = await h.run(MANAGER, 'subscribe Fraud', { channelId: `D${MANAGER}` });
    expect(inDm.text).toMatch(/^Digests go to channels, not to direct messages or group DMs\./);
    const inGroupDm = await h.run(MANAGER, 'subscribe Fraud', { channelId: GROUP_DM.id });
    expect(inGroupDm.text).toMatch(/^Digests go to channels/);
    expect((h.app.db.prepare('SELECT count(*) AS n FROM subscriptions').get() as { n: number }).n).toBe(0);
    expect(h.sandbox.calls.filter((c) => c.method === 'conversations.join')).toEqual([]);
  });

  it('joins a team’s public home channel at team add, and waits for an invite to a private one', async () => {
    await start();
    const pub = await h.run(ADMIN, `team add Risk <#${PUBLIC.id}|${PUBLIC.name}>`);
    expect(pub.text).toContain(`I joined <#${PUBLIC.id}>`);
    const priv = await h.run(ADMIN, `team add Ops <#${PRIVATE.id}|${PRIVATE.name}>`);
    expect(priv.text).toMatch(/Added team \*Ops\*.*Waiting: .*type `\/invite @tooth-tail` in <#C0PRIVATE>/);
    // The home channel's subscription shows the wait, as one made with `subscribe` does.
    expect((await h.run(ADMIN, 'subscriptions')).text).toMatch(
      /<#C0PRIVATE>: Ops, each-round\n.*:warning: waiting/,
    );
    expect((await h.run(ADMIN, 'subscriptions')).text).not.toMatch(
      /<#C0PUBLIC>: Risk, each-round\n.*:warning/,
    );
    await h.sandbox.inviteApp(PRIVATE.id, ADMIN);
    const thanks = await h.sandbox.waitFor(() => h.sandbox.messages(PRIVATE.id)[0], 5000, 'a confirmation');
    expect(thanks.text).toContain('• the home channel of *Ops*');
  });
});

describe('a channel that refuses digests later', () => {
  it('records each refusal, tells the subscriber once per problem with the fix, and delivers again after the fix', async () => {
    await start();
    await h.run(MANAGER, `subscribe <#${PUBLIC.id}|${PUBLIC.name}> Fraud each-round`);

    h.sandbox.archiveChannel(PUBLIC.id);
    await closeARound();
    await closeARound();
    expect(digestRows(PUBLIC.id)).toEqual([
      { status: 'failed', error: 'is_archived' },
      { status: 'failed', error: 'is_archived' },
    ]);
    const notices = h.sandbox.dm(MANAGER);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain(
      'Slack refused the tooth-tail digest for *Fraud* in <#C0PUBLIC> (`is_archived`)',
    );
    expect(notices[0]?.text).toContain('<#C0PUBLIC> is archived. Unarchive it, or move the digests');
    expect((await h.run(MANAGER, 'subscriptions')).text).toMatch(/:warning: refused \(`is_archived`\)/);

    // Unarchived, but someone removed the app: a new problem, so one new notice.
    h.sandbox.archiveChannel(PUBLIC.id, false);
    h.sandbox.removeApp(PUBLIC.id);
    await closeARound();
    expect(digestRows(PUBLIC.id).at(-1)).toEqual({ status: 'failed', error: 'not_in_channel' });
    expect(h.sandbox.dm(MANAGER)).toHaveLength(2);
    expect(h.sandbox.dm(MANAGER)[1]?.text).toContain('Type `/invite @tooth-tail` in <#C0PUBLIC>');

    // The fix: the next digest is tried and arrives, and the problem is gone.
    await h.sandbox.inviteApp(PUBLIC.id, MANAGER);
    await closeARound();
    expect(digestRows(PUBLIC.id).at(-1)).toEqual({ status: 'sent', error: null });
    expect(digestsIn(PUBLIC.id)).toHaveLength(1);
    expect((await h.run(MANAGER, 'subscriptions')).text).not.toContain(':warning:');
    expect(h.sandbox.dm(MANAGER)).toHaveLength(2);
  });

  it('treats a deleted channel the same way, and a chart refused with it as the same problem', async () => {
    h = await startHarness({
      users: [
        { id: ADMIN, name: 'ada', tz: 'UTC' },
        { id: MANAGER, name: 'mo', tz: 'UTC' },
        ...DS.map((id, i) => ({ id, name: `ds${i + 1}`, tz: 'UTC' })),
      ],
      channels: [PUBLIC],
      adminUserIds: [ADMIN],
      anonymityThreshold: 3,
    });
    await h.run(ADMIN, 'team add Fraud');
    await h.run(ADMIN, `roster add Fraud ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
    await h.run(ADMIN, `lead add Fraud <@${MANAGER}>`);
    await h.run(MANAGER, `subscribe <#${PUBLIC.id}|${PUBLIC.name}> Fraud each-round`);
    h.sandbox.removeApp(PUBLIC.id);
    await closeARound();
    const rows = h.app.db
      .prepare('SELECT kind, status, error FROM deliveries WHERE channel = ? ORDER BY id')
      .all(PUBLIC.id);
    expect(rows).toEqual([
      { kind: 'digest', status: 'failed', error: 'not_in_channel' },
      { kind: 'file', status: 'failed', error: 'no_permission' },
    ]);
    expect(h.sandbox.dm(MANAGER)).toHaveLength(1);

    h.sandbox.deleteChannel(PUBLIC.id);
    await closeARound();
    expect(h.sandbox.dm(MANAGER)).toHaveLength(2);
    expect(h.sandbox.dm(MANAGER)[1]?.text).toContain('I cannot find <#C0PUBLIC>: it was deleted');
  });
});
