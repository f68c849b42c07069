// Roles through the real app (signed requests, the sandbox, a migrated SQLite file): admins,
// a team's leads, members. Who may run each command comes from the command modules' own
// declarations, so a command added later is covered here without editing this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_MODULES } from '../../src/slack/commands/index.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { snapshot } from '../reliability/helpers.js';

const ADMIN = 'UADMIN';
const FRAUD_LEAD = 'U0LEADF';
const PRICING_LEAD = 'U0LEADP';
const MEMBER = 'U0MEMBER';
const ASKER = 'U0ASKER';
const DECLINED = 'U0DECL';
const FEED = 'C0FEED';

let h: Harness;

const ADMINS_ONLY = (what: string) =>
  `Sorry, only tooth-tail admins can ${what}. Admins are workspace admins and owners, and the people in ADMIN_USER_IDS.`;
const LEADS_ONLY = (what: string) =>
  `Sorry, only a team's leads or a tooth-tail admin can ${what}. \`/tooth-tail teams\` shows each team's leads.`;

beforeAll(async () => {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      { id: FRAUD_LEAD, name: 'fran', tz: 'Europe/London' },
      { id: PRICING_LEAD, name: 'pat', tz: 'Europe/Paris' },
      { id: MEMBER, name: 'mo', tz: 'UTC' },
      { id: ASKER, name: 'asa', tz: 'UTC' },
      { id: DECLINED, name: 'dee', tz: 'UTC' },
    ],
    channels: [{ id: FEED, name: 'feed' }],
    adminUserIds: [ADMIN],
  });
  for (const text of [
    'team add Fraud ML',
    'team add Pricing',
    `lead add Fraud ML <@${FRAUD_LEAD}>`,
    `lead add Pricing <@${PRICING_LEAD}>`,
    `roster add Fraud ML <@${MEMBER}> as data-scientist`,
  ]) {
    expect((await h.run(ADMIN, text)).text).not.toMatch(/Sorry|Usage/);
  }
  // users.info is cached after the first admin check; warm it so "nothing called" is exact.
  for (const id of [MEMBER, FRAUD_LEAD, PRICING_LEAD]) await h.run(id, 'team add Warmup');
});
afterAll(async () => {
  await h?.stop();
});

describe('a member tries every lead and admin command', () => {
  const guarded = COMMAND_MODULES.flatMap((m) =>
    m.access.who === 'admins'
      ? [[m.key, ADMINS_ONLY(m.access.what)] as const]
      : m.access.who === 'leads'
        ? [[m.key, LEADS_ONLY(m.access.what)] as const]
        : [],
  );

  it('covers every guarded module', () => {
    expect(guarded.map(([key]) => key)).toEqual(
      expect.arrayContaining(['team add', 'lead add', 'roster add', 'schedule', 'survey now', 'subscribe']),
    );
  });

  // Arguments no grammar accepts: a refusal, not a syntax lesson, proves the check came first.
  it.each(guarded)('`%s` is refused before its arguments are read', async (key, refusal) => {
    for (const args of ['', ' <#nonsense !!! "quoted" tz Mars/Olympus open 99d', ' Fraud ML 0 9 * * TUE']) {
      const before = snapshot(h.app.db);
      const calls = h.sandbox.calls.length;
      const reply = await h.run(MEMBER, `${key}${args}`);
      expect(reply.text).toBe(refusal);
      expect(snapshot(h.app.db)).toEqual(before);
      expect(h.sandbox.calls.slice(calls).map((c) => c.method)).toEqual([]);
    }
  });
});

describe('a lead', () => {
  it('manages their own team: roster, schedule, check-ins and subscriptions', async () => {
    expect((await h.run(PRICING_LEAD, `roster add Pricing <@${ASKER}> as engineer:ml`)).text).toMatch(
      /\*Pricing\* as engineer:ml: added/,
    );
    expect((await h.run(PRICING_LEAD, 'schedule Pricing 0 9 * * TUE')).text).toMatch(
      /\*Pricing\* check-ins open at `0 9 \* \* TUE`/,
    );
    expect((await h.run(PRICING_LEAD, `subscribe <#${FEED}> Pricing weekly`)).text).toMatch(
      /Subscribed <#C0FEED>: digests for \*Pricing\*, weekly/,
    );
    expect((await h.run(PRICING_LEAD, `unsubscribe <#${FEED}> Pricing`)).text).toMatch(
      /no longer gets digests/,
    );
  });

  it('is not surveyed unless also a member', async () => {
    expect((await h.run(PRICING_LEAD, 'survey now Pricing')).text).toMatch(/1 person will get a DM now/);
    await h.settle();
    expect(h.sandbox.dm(ASKER)).toHaveLength(1);
    expect(h.sandbox.dm(PRICING_LEAD)).toHaveLength(0);
    expect((await h.run(PRICING_LEAD, 'teams')).text).toContain(
      '*Pricing*: 0 data scientists, 1 engineer · UTC · lead <@U0LEADP>',
    );
    expect((await h.run(PRICING_LEAD, 'survey close Pricing')).text).toMatch(
      /Closed the \*Pricing\* check-in/,
    );
  });

  it('sees the summaries of the teams they lead with a bare `summary`', async () => {
    expect((await h.run(PRICING_LEAD, 'summary')).text).toMatch(/Pricing/);
    expect((await h.run(FRAUD_LEAD, 'summary')).text).toMatch(/Fraud ML\* has no closed check-in yet/);
  });

  it('is refused on another team, with the names of those who can', async () => {
    for (const [text, what] of [
      ['schedule "Fraud ML" 0 9 * * TUE', 'change its schedule'],
      [`roster add Fraud ML <@${ASKER}> as engineer`, 'change its roster'],
      ['survey now Fraud ML', 'open its check-ins'],
      [`subscribe <#${FEED}> Fraud ML each-round`, 'subscribe channels to its digests'],
    ] as const) {
      const before = snapshot(h.app.db);
      expect((await h.run(PRICING_LEAD, text)).text).toBe(
        `Sorry, only *Fraud ML*'s leads (<@${FRAUD_LEAD}>) or a tooth-tail admin can ${what}.`,
      );
      expect(snapshot(h.app.db)).toEqual(before);
    }
  });

  it('may not subscribe a channel to the whole org, nor choose leads', async () => {
    expect((await h.run(PRICING_LEAD, `subscribe <#${FEED}> all`)).text).toBe(
      ADMINS_ONLY("subscribe channels to the whole org's digests"),
    );
    expect((await h.run(PRICING_LEAD, `subscribe <#${FEED}>`)).text).toBe(
      ADMINS_ONLY("subscribe channels to the whole org's digests"),
    );
    expect((await h.run(PRICING_LEAD, `lead add Pricing <@${MEMBER}>`)).text).toBe(
      ADMINS_ONLY('choose team leads'),
    );
  });
});

describe('join is a request a lead or an admin decides', () => {
  async function requestTo(approver: string) {
    return h.sandbox.waitFor(
      () => h.sandbox.dm(approver).find((m) => JSON.stringify(m.blocks ?? []).includes('join_approve')),
      5000,
      `a join request DM to ${approver}`,
    );
  }

  it('approved: the lead clicks Approve, the requester is on the roster and hears so', async () => {
    expect((await h.run(ASKER, 'join Fraud ML as engineer:infra')).text).toBe(
      `Asked *Fraud ML*'s leads (<@${FRAUD_LEAD}>) to approve you joining *Fraud ML* as engineer:infra. I will tell you here when one of them decides.`,
    );
    expect((await h.run(ASKER, 'join Fraud ML as engineer:infra')).text).toMatch(
      /You already asked to join \*Fraud ML\*; \*Fraud ML\*'s leads \(<@U0LEADF>\) have not decided yet/,
    );
    expect((await h.run(ASKER, 'teams')).text).toContain('*Fraud ML*: 1 data scientist, 0 engineers');
    const request = await requestTo(FRAUD_LEAD);

    // Someone who is neither a lead of the team nor an admin cannot decide it, even with a
    // forged click on a message they were never sent.
    const stranger = await h.sandbox.clickButton(
      PRICING_LEAD,
      { channel: FRAUD_LEAD, ts: request.ts },
      'join_approve',
    );
    expect((await stranger.reply()).text).toBe(
      `Only Fraud ML's leads (<@${FRAUD_LEAD}>) or a tooth-tail admin can decide who joins it.`,
    );
    expect((await h.run(ASKER, 'teams')).text).toContain('*Fraud ML*: 1 data scientist, 0 engineers');

    const click = await h.sandbox.clickButton(
      FRAUD_LEAD,
      { channel: FRAUD_LEAD, ts: request.ts },
      'join_approve',
    );
    expect((await click.reply()).text).toBe(
      `:white_check_mark: <@${FRAUD_LEAD}> approved <@${ASKER}> joining *Fraud ML* as engineer:infra.`,
    );
    const outcome = await h.sandbox.waitFor(
      () => h.sandbox.dm(ASKER).find((m) => m.text.includes('approved your request')),
      5000,
      'the outcome DM',
    );
    expect(outcome.text).toBe(
      `<@${FRAUD_LEAD}> approved your request: you are on *Fraud ML* as engineer:infra, and will get its next check-in by DM.`,
    );
    expect((await h.run(ASKER, 'teams')).text).toContain('*Fraud ML*: 1 data scientist, 1 engineer');
  });

  it("declined: the requester hears so and stays off the roster; another lead's click changes nothing", async () => {
    await h.run(ADMIN, `lead add Pricing <@${ADMIN}>`);
    expect((await h.run(DECLINED, 'join Pricing as data-scientist')).text).toBe(
      `Asked *Pricing*'s leads (<@${PRICING_LEAD}>, <@${ADMIN}>) to approve you joining *Pricing* as data-scientist. I will tell you here when one of them decides.`,
    );
    const request = await requestTo(PRICING_LEAD);
    const copy = await requestTo(ADMIN);
    const click = await h.sandbox.clickButton(
      PRICING_LEAD,
      { channel: PRICING_LEAD, ts: request.ts },
      'join_decline',
    );
    expect((await click.reply()).text).toBe(
      `<@${PRICING_LEAD}> declined <@${DECLINED}> joining *Pricing* as data-scientist.`,
    );
    const outcome = await h.sandbox.waitFor(
      () => h.sandbox.dm(DECLINED).find((m) => m.text.includes('declined')),
      5000,
      'the outcome DM',
    );
    expect(outcome.text).toBe(
      `<@${PRICING_LEAD}> declined your request to join *Pricing* as data-scientist. Ask them if you think that is a mistake.`,
    );
    const before = snapshot(h.app.db);
    const again = await h.sandbox.clickButton(ADMIN, { channel: ADMIN, ts: copy.ts }, 'join_approve');
    expect((await again.reply()).text).toBe(
      `<@${PRICING_LEAD}> declined <@${DECLINED}> joining *Pricing* as data-scientist.`,
    );
    expect(snapshot(h.app.db)).toEqual(before);
    expect(h.sandbox.dm(DECLINED).filter((m) => m.text.includes('your request'))).toHaveLength(1);
    expect((await h.run(DECLINED, 'teams')).text).toContain('*Pricing*: 0 data scientists, 1 engineer');
    await h.run(ADMIN, `lead remove Pricing <@${ADMIN}>`);
  });

  it('a lead or an admin joins at once; leave needs nobody', async () => {
    expect((await h.run(FRAUD_LEAD, 'join Fraud ML as data-scientist')).text).toBe(
      'You are on *Fraud ML* as data-scientist. You will get its next check-in by DM.',
    );
    expect((await h.run(FRAUD_LEAD, 'leave Fraud ML')).text).toMatch(/You have left \*Fraud ML\*/);
    expect((await h.run(MEMBER, 'leave Fraud ML')).text).toMatch(/You have left \*Fraud ML\*/);
    expect((await h.run(MEMBER, 'join Fraud ML as data-scientist')).text).toMatch(
      /^Asked \*Fraud ML\*'s leads/,
    );
  });
});

describe('reading figures', () => {
  it('anyone reads ratio, until an admin restricts it to leads; then members are told who can', async () => {
    expect((await h.run(MEMBER, 'ratio')).text).not.toMatch(/Sorry/);
    expect((await h.run(ADMIN, 'ratio access leads')).text).toMatch(/team leads and admins only/);
    expect((await h.run(MEMBER, 'ratio')).text).toBe(
      "Sorry, an admin has made it so only team leads and tooth-tail admins can read the org ratio table. Your own teams' figures are in `/tooth-tail summary`.",
    );
    expect((await h.run(PRICING_LEAD, 'ratio')).text).not.toMatch(/Sorry/);
    expect((await h.run(ADMIN, 'ratio')).text).not.toMatch(/Sorry/);
    expect((await h.run(MEMBER, 'summary Pricing')).text).toMatch(/Pricing/);
    expect((await h.run(MEMBER, 'teams')).text).toMatch(/Pricing/);
    expect((await h.run(ADMIN, 'ratio access everyone')).text).toMatch(/open to everyone/);
    expect((await h.run(MEMBER, 'ratio')).text).not.toMatch(/Sorry/);
  });

  it('an admin removes a lead, who then is refused like any member', async () => {
    expect((await h.run(ADMIN, `lead remove Pricing <@${PRICING_LEAD}>`)).text).toBe(
      `*Pricing*: <@${PRICING_LEAD}> no longer leads it.`,
    );
    expect((await h.run(PRICING_LEAD, 'schedule Pricing 0 9 * * WED')).text).toBe(
      LEADS_ONLY('change its schedule'),
    );
    expect((await h.run(ADMIN, `lead remove Pricing <@${PRICING_LEAD}>`)).text).toBe(
      `*Pricing*: <@${PRICING_LEAD}> did not lead it.`,
    );
  });
});
