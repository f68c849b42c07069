// Authorization and privacy through the real app: every admin command refused to every kind of
// non-admin with nothing written, and no member able to read another member's answers through any
// surface (App Home, summary, ratio, teams, subscriptions, export, the modal, channel digests).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_ACTION } from '../../src/slack/views/check-in.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { snapshot } from './helpers.js';

const ADMIN = 'UADMIN';
const DS = ['U0DS1', 'U0DS2', 'U0DS3', 'U0DS4', 'U0DS5', 'U0DS6'];
const ENG = ['U0EN1', 'U0EN2', 'U0EN3'];
const OUTSIDER = 'U0OUT';
const FORMER_ADMIN = 'U0FORMER'; // a workspace admin whose account is deactivated
const LEADS = 'C0LEADS';
const ORG = 'C0ORG';

/** Distinct answers, each with a blocker only its author may ever see again. */
const ANSWERS: Record<string, Record<string, string>> = {
  U0DS1: { waiting_pct: '30', infra_pct: '10', path_to_prod: 'rewrite' },
  U0DS2: { waiting_pct: '20', infra_pct: '5', path_to_prod: 'paired' },
  U0DS3: { waiting_pct: '50', infra_pct: '0', path_to_prod: 'rewrite' },
  U0DS4: { waiting_pct: '5', infra_pct: '30', path_to_prod: 'diy-infra' },
  U0DS5: { waiting_pct: '10', infra_pct: '20', path_to_prod: 'self-serve' },
  // The tail: 2 of 3 answer, below k = 5. Their mean handmaid load would be (80 + 90) / 2 = 85.
  U0EN1: { rewrite_pct: '50', support_pct: '30', platform_pct: '0' },
  U0EN2: { rewrite_pct: '70', support_pct: '20', platform_pct: '5' },
};
const RESPONDENTS = Object.keys(ANSWERS);
const blockerOf = (id: string) => `private note of ${id.toLowerCase()}: the feature store ate my week`;
/** How a member's own answer reads on their App Home; anywhere else it would be a leak. */
const ownLine = (id: string) => {
  const a = ANSWERS[id] as Record<string, string>;
  return a.waiting_pct
    ? `waiting ${a.waiting_pct}%, infra ${a.infra_pct}%, path ${a.path_to_prod}`
    : `rewrite ${a.rewrite_pct}%, support ${a.support_pct}%, platform ${a.platform_pct}%`;
};

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...[...DS, ...ENG].map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
      { id: OUTSIDER, name: 'otto', tz: 'UTC' },
      { id: FORMER_ADMIN, name: 'fay', tz: 'UTC', isAdmin: true, deleted: true },
    ],
    channels: [
      { id: LEADS, name: 'ml-leads' },
      { id: ORG, name: 'org-all' },
    ],
    adminUserIds: [ADMIN],
  });
  await h.run(ADMIN, 'team add Fraud <#C0LEADS|ml-leads>');
  await h.run(ADMIN, `roster add Fraud ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
  await h.run(ADMIN, `roster add Fraud ${ENG.map((id) => `<@${id}>`).join(' ')} as engineer:infra`);
  await h.run(ADMIN, 'team add Search');
  await h.run(ADMIN, `roster add Search <@${OUTSIDER}> as data-scientist`);
  await h.run(ADMIN, 'subscribe <#C0LEADS> Fraud each-round');
  await h.run(ADMIN, 'subscribe <#C0ORG> all each-round');
  await h.run(ADMIN, 'survey now Fraud');
  await h.settle();
});
afterAll(async () => {
  await h?.stop();
});

describe('admin commands refused to non-admins, with nothing written', () => {
  const NON_ADMINS: Array<[string, string]> = [
    ['a member of the team', DS[0] as string],
    ['someone on another team', OUTSIDER],
    ['a deactivated workspace admin', FORMER_ADMIN],
  ];
  const ADMINS_ONLY = (what: string) =>
    `Sorry, only tooth-tail admins can ${what}. Admins are workspace admins and owners, and the people in ADMIN_USER_IDS.`;
  const LEADS_ONLY = (what: string) =>
    `Sorry, only a team's leads or a tooth-tail admin can ${what}. \`/tooth-tail teams\` shows each team's leads.`;
  const COMMANDS: Array<[string, string]> = [
    ['team add Skunkworks', ADMINS_ONLY('add teams')],
    ['team add Fraud', ADMINS_ONLY('add teams')],
    ['team remove Fraud', ADMINS_ONLY('remove teams')],
    ['team remove Nope', ADMINS_ONLY('remove teams')],
    [`lead add Fraud <@${DS[0]}>`, ADMINS_ONLY('choose team leads')],
    ['ratio access leads', ADMINS_ONLY('choose who reads the org ratio table')],
    [`roster add Fraud <@${OUTSIDER}> as engineer:app`, LEADS_ONLY('change its roster')],
    ['roster add Fraud @nobody as data-scientist', LEADS_ONLY('change its roster')],
    [`roster remove Fraud <@${DS[1]}>`, LEADS_ONLY('change its roster')],
    ['schedule Fraud 0 9 * * TUE tz Europe/Paris open 2d', LEADS_ONLY('change its schedule')],
    ['schedule Nope 0 9 * * TUE', LEADS_ONLY('change its schedule')],
    ['survey now Search', LEADS_ONLY('open its check-ins')],
    ['survey now Fraud', LEADS_ONLY('open its check-ins')],
    ['survey close Fraud', LEADS_ONLY('close its check-ins')],
    ['survey close Search', LEADS_ONLY('close its check-ins')],
    ['subscribe <#C0ORG> Fraud weekly', LEADS_ONLY('subscribe channels to its digests')],
    ['unsubscribe <#C0ORG> all', LEADS_ONLY('stop its digests')],
    // Refused before the arguments are read: no syntax lesson for a command one may not run.
    ['team add', ADMINS_ONLY('add teams')],
    ['roster add Fraud', LEADS_ONLY('change its roster')],
    ['schedule Fraud every monday please', LEADS_ONLY('change its schedule')],
    ['survey now', LEADS_ONLY('open its check-ins')],
  ];

  beforeAll(async () => {
    // users.info is cached after the first admin check; warm it so "nothing written" is exact.
    for (const [, userId] of NON_ADMINS) await h.run(userId, 'team add Warmup');
  });

  it.each(
    NON_ADMINS.flatMap(([who, userId]) =>
      COMMANDS.map(([text, refusal]) => [who, text, userId, refusal] as const),
    ),
  )('%s: `%s` is refused', async (_who, text, userId, refusal) => {
    const before = snapshot(h.app.db);
    const calls = h.sandbox.calls.length;
    const reply = await h.run(userId, text);
    expect(reply.response_type).toBe('ephemeral');
    // Refused before anything is looked up: not even whether the team exists is revealed.
    expect(reply.text).toBe(refusal);
    await h.settle();
    expect(snapshot(h.app.db)).toEqual(before);
    expect(h.sandbox.calls.slice(calls).map((c) => c.method)).toEqual([]);
  });
});

describe('nobody reads another member’s answers', () => {
  async function answer(userId: string): Promise<void> {
    const dm = await h.sandbox.waitFor(() => h.sandbox.dm(userId).at(-1), 5000, `a DM to ${userId}`);
    await h.sandbox.clickButton(userId, { channel: userId, ts: dm.ts }, ANSWER_ACTION);
    await h.sandbox.waitFor(() => h.sandbox.openViews(userId).at(-1), 5000, `a modal for ${userId}`);
    const result = await h.sandbox.fillAndSubmit(userId, {
      ...(ANSWERS[userId] as Record<string, string>),
      blocker: blockerOf(userId),
    });
    expect(result.body).toBeNull();
  }

  /** Everything `userId` can see: their Home, every read-only command's reply, their DMs and files. */
  async function seenBy(userId: string): Promise<string> {
    await h.sandbox.openHome(userId);
    const home = await h.sandbox.waitFor(() => h.sandbox.homeView(userId), 5000, `${userId}'s Home`);
    const replies = [];
    for (const text of [
      'summary',
      'summary Fraud',
      'summary Search',
      'ratio',
      'teams',
      'subscriptions',
      'export Fraud',
      'export',
    ]) {
      replies.push(await h.run(userId, text));
    }
    const files = h.sandbox.files.filter((f) => f.channels.includes(`D${userId}`));
    return JSON.stringify([
      home,
      replies,
      h.sandbox.dm(userId),
      files.map((f) => [f.title, f.initialComment, f.content.toString('utf8')]),
    ]);
  }

  /** What anyone in the subscribed channels sees: digests, charts' titles and alt text. */
  const inChannels = () =>
    JSON.stringify([
      h.sandbox.messages(LEADS),
      h.sandbox.messages(ORG),
      h.sandbox.files
        .filter((f) => !f.channels.some((c) => c.startsWith('D')))
        .map((f) => [f.title, f.altText, f.initialComment]),
    ]);

  it('the check-in modal is pre-filled only with the viewer’s own answers', async () => {
    await answer(DS[0] as string);
    const viewer = DS[5] as string;
    const dm = h.sandbox.dm(viewer).at(-1);
    await h.sandbox.clickButton(viewer, { channel: viewer, ts: dm?.ts as string }, ANSWER_ACTION);
    const modal = await h.sandbox.waitFor(() => h.sandbox.openViews(viewer).at(-1), 5000, 'the modal');
    expect(JSON.stringify(modal.view.blocks)).not.toContain('initial_option');
    expect(JSON.stringify(modal.view.blocks)).not.toContain(blockerOf(DS[0] as string));
  });

  it('through Home, summary, ratio, teams, subscriptions, export, DMs or digests', async () => {
    for (const id of RESPONDENTS.slice(1)) await answer(id);
    expect((await h.run(ADMIN, 'survey close Fraud')).text).toMatch(/7 of 9 answered/);
    // The `all` channel's org digest waits until every team with people has closed a round.
    await h.run(ADMIN, 'survey now Search');
    await h.run(ADMIN, 'survey close Search');
    await h.settle();

    const observers = [...DS, ...ENG, OUTSIDER, ADMIN];
    for (const observer of observers) {
      const seen = await seenBy(observer);
      for (const victim of RESPONDENTS.filter((id) => id !== observer)) {
        expect(seen, `${observer} sees ${victim}'s blocker`).not.toContain(blockerOf(victim));
        expect(seen, `${observer} sees ${victim}'s answers`).not.toContain(ownLine(victim));
      }
      // The control: a respondent does see their own answer on their Home.
      if (RESPONDENTS.includes(observer)) expect(seen).toContain(ownLine(observer));
    }
    const channels = inChannels();
    expect(h.sandbox.messages(LEADS).length).toBeGreaterThan(0);
    expect(h.sandbox.messages(ORG).length).toBeGreaterThan(0);
    for (const id of RESPONDENTS) {
      expect(channels).not.toContain(blockerOf(id));
      expect(channels).not.toContain(ownLine(id));
      expect(channels).not.toContain(id);
    }
  });

  it('no channel shows a figure for a group below k (2 of 3 engineers answered, k = 5)', () => {
    const channels = inChannels();
    // The team digest withholds the tail's figure…
    expect(channels).toContain('Engineers’ handmaid load (mean)*\\n–');
    // …and nowhere does the value it would have had appear: (80 + 90) / 2 = 85.
    expect(channels).not.toMatch(/\b85(\.0)?%/);
    const csv = h.sandbox.files
      .filter((f) => f.filename.endsWith('.csv'))
      .map((f) => f.content.toString('utf8'));
    expect(csv.length).toBeGreaterThan(0);
    for (const file of csv) expect(file).not.toMatch(/,85(\.0)?,/);
  });
});
