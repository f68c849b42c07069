// The whole core loop on real parts: the Bolt app over signed HTTP, the sandbox as Slack, and a
// migrated SQLite file. 6 data scientists and 3 engineers, k = 5.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/domain/export-csv.js';
import { signRequest } from '../../src/sandbox/sandbox.js';
import { type Harness, SIGNING_SECRET, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const DS = ['U0DS1', 'U0DS2', 'U0DS3', 'U0DS4', 'U0DS5', 'U0DS6'];
const ENG = ['U0EN1', 'U0EN2', 'U0EN3'];
const OUTSIDER = 'U0OUT';
const LEADS = 'C0LEADS';
const ORG = 'C0ORG';
const BLOCKER = 'the feature store migration ate my week';

let h: Harness;

const users = [
  { id: ADMIN, name: 'ada', tz: 'Europe/London' },
  ...DS.map((id, i) => ({ id, name: `ds${i + 1}`, tz: 'America/Los_Angeles' })),
  ...ENG.map((id, i) => ({ id, name: `eng${i + 1}`, tz: 'Asia/Kolkata' })),
  { id: OUTSIDER, name: 'otto', tz: 'UTC' },
  { id: 'U0WSADMIN', name: 'wanda', tz: 'UTC', isAdmin: true },
];

const count = (table: string): number =>
  (h.app.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** The check-in DM a person received, and its answer button clicked: the modal is then open. */
async function openCheckIn(userId: string) {
  const dm = await h.sandbox.waitFor(() => h.sandbox.dm(userId).at(-1), 5000, `a check-in DM to ${userId}`);
  const click = await h.sandbox.clickButton(userId, { channel: userId, ts: dm.ts }, 'check_in_answer');
  expect(click.status).toBe(200);
  return h.sandbox.waitFor(() => h.sandbox.openViews(userId).at(-1), 5000, `a modal for ${userId}`);
}

beforeAll(async () => {
  h = await startHarness({
    users,
    channels: [
      { id: LEADS, name: 'ml-leads' },
      { id: ORG, name: 'org-all' },
    ],
    adminUserIds: [ADMIN],
  });
});
afterAll(async () => {
  await h?.stop();
});

describe('the core loop', () => {
  it('answers help, also for the empty command', async () => {
    for (const text of ['', 'help']) {
      const reply = await h.run(OUTSIDER, text);
      expect(reply.response_type).toBe('ephemeral');
      expect(reply.text).toContain('/tooth-tail roster add');
    }
  });

  it('answers a command needing no Slack call in the ack itself, and others at the response_url', async () => {
    const local = await h.sandbox.command(OUTSIDER, 'teams');
    expect(local.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('no teams yet'),
    });
    const usage = await h.sandbox.command(OUTSIDER, 'frobnicate');
    expect(usage.body.text).toMatch(/Unknown command/);
    // An admin command checks users.info first: acked empty, answered afterwards.
    const admin = await h.sandbox.command(OUTSIDER, 'team add Nope');
    expect(admin.body).toBeNull();
    expect((await admin.reply()).text).toMatch(/only tooth-tail admins/);
    expect(local.replies()).toEqual([]);
  });

  it('refuses admin commands to everyone else, politely, and writes nothing', async () => {
    const reply = await h.run(OUTSIDER, 'team add Fraud');
    expect(reply.text).toMatch(/only tooth-tail admins can add teams/);
    expect(reply.response_type).toBe('ephemeral');
    expect(count('teams')).toBe(0);
    for (const text of ['team remove Fraud', 'team add Other']) {
      expect((await h.run(OUTSIDER, text)).text).toMatch(/only tooth-tail admins/);
    }
    // A team's leads may run these too; someone who leads no team is refused all the same.
    for (const text of [
      'survey now Fraud',
      'survey close Fraud',
      'roster add Fraud <@U0DS1> as data-scientist',
      'schedule Fraud 0 10 * * MON',
      'roster remove Fraud <@U0DS1>',
    ]) {
      expect((await h.run(OUTSIDER, text)).text).toMatch(/only a team's leads or a tooth-tail admin/);
    }
  });

  it('treats workspace admins (users.info) as admins', async () => {
    const reply = await h.run('U0WSADMIN', 'team add Scratch');
    expect(reply.text).toMatch(/Added team \*Scratch\*/);
    expect((await h.run('U0WSADMIN', 'team remove scratch')).text).toMatch(/Removed team/);
  });

  it('sets up a team, its roster and subscriptions', async () => {
    expect((await h.run(ADMIN, 'team add Fraud <#C0LEADS|ml-leads> tz Europe/London')).text).toMatch(
      /Added team \*Fraud\*/,
    );
    expect((await h.run(ADMIN, 'team add Fraud')).text).toMatch(/already exists/);
    const escaped = DS.slice(0, 3)
      .map((id, i) => `<@${id}|ds${i + 1}>`)
      .join(' ');
    expect(
      (await h.run(ADMIN, `roster add Fraud ${escaped} @ds4 @ds5 <@U0DS6> as data-scientist`)).text,
    ).toMatch(/added/);
    expect((await h.run(ADMIN, 'roster add Fraud <@U0EN1> @eng2 as engineer:ml')).text).toMatch(
      /as engineer:ml: added/,
    );
    expect((await h.run(ADMIN, 'roster add fraud <@U0EN3> as engineer:infra')).text).toMatch(/added/);
    expect((await h.run(ADMIN, 'roster add Fraud @nobody as engineer')).text).toMatch(
      /could not find @nobody/,
    );
    expect((await h.run(ADMIN, 'roster add Fraud <@U0DS1> as wizard')).text).toMatch(/not a role/);
    // The team's home channel already gets its digests each round, since `team add`.
    expect((await h.run(ADMIN, 'subscribe <#C0LEADS|ml-leads> Fraud each-round')).text).toMatch(
      /Updated <#C0LEADS>: digests for \*Fraud\*, each-round/,
    );
    expect((await h.run(ADMIN, 'subscribe #org-all all each-round', { channelId: LEADS })).text).toMatch(
      /Subscribed <#C0ORG>: digests for the whole org/,
    );
    expect((await h.run(ADMIN, 'subscribe #no-such-channel all')).text).toMatch(
      /could not find the channel #no-such-channel/,
    );
    expect((await h.run(ADMIN, 'subscribe <#C0LEADS> Nope')).text).toMatch(
      /There is no team called “Nope”. Teams: Fraud/,
    );
    const teams = await h.run(OUTSIDER, 'teams');
    expect(teams.text).toContain('*Fraud*: 6 data scientists, 3 engineers');
    const subs = await h.run(OUTSIDER, 'subscriptions');
    expect(subs.text).toContain('<#C0LEADS>: Fraud, each-round');
    expect(subs.text).toContain('<#C0ORG>: the whole org, each-round');
  });

  it('lets anyone ask to join (an admin approves, as the team has no leads) and leave for themselves', async () => {
    expect((await h.run(OUTSIDER, 'join Fraud as engineer:app')).text).toMatch(
      /Asked the admins \(<@UADMIN>\) to approve you joining \*Fraud\* as engineer:app/,
    );
    expect((await h.run(OUTSIDER, 'teams')).text).toContain('3 engineers');
    const request = await h.sandbox.waitFor(() => h.sandbox.dm(ADMIN).at(-1), 5000, 'the join request');
    await h.sandbox.clickButton(ADMIN, { channel: ADMIN, ts: request.ts }, 'join_approve');
    await h.sandbox.waitFor(() => h.sandbox.dm(OUTSIDER).at(-1), 5000, 'the outcome DM');
    expect((await h.run(OUTSIDER, 'teams')).text).toContain('4 engineers');
    expect((await h.run(OUTSIDER, 'leave Fraud')).text).toMatch(/You have left \*Fraud\*/);
    expect((await h.run(OUTSIDER, 'leave Fraud')).text).toMatch(/You are not on \*Fraud\*/);
    expect((await h.run(OUTSIDER, 'join Nope as engineer')).text).toMatch(/no team called “Nope”/);
    expect((await h.run(OUTSIDER, 'unsubscribe <#C0LEADS> all')).text).toMatch(
      /only a team's leads or a tooth-tail admin can stop its digests/,
    );
  });

  it('says a team has no closed round yet, and when the next opens', async () => {
    const reply = await h.run(DS[0] as string, 'summary Fraud');
    expect(reply.text).toMatch(/Fraud\* has no closed check-in yet; the next check-in opens/);
  });

  it('opens a round that DMs every rostered member a check-in', async () => {
    const reply = await h.run(ADMIN, 'survey now Fraud');
    expect(reply.text).toMatch(/Opened a check-in for \*Fraud\*: 9 people will get a DM now/);
    expect((await h.run(ADMIN, 'survey now Fraud')).text).toMatch(/already has a check-in open/);
    await h.settle();
    for (const id of [...DS, ...ENG]) {
      const dms = h.sandbox.dm(id);
      expect(dms).toHaveLength(1);
      expect(JSON.stringify(dms[0]?.blocks)).toContain('Answer (1 min)');
    }
    // The outsider, who joined and left, has only the join outcome: no check-in.
    expect(h.sandbox.dm(OUTSIDER).map((m) => m.text)).toEqual([
      expect.stringMatching(/^<@UADMIN> approved your request: you are on \*Fraud\* as engineer:app/),
    ]);
  });

  it('opens the modal for the member’s role', async () => {
    const dsView = await openCheckIn(DS[0] as string);
    const dsBlocks = dsView.view.blocks.map((b) => (b as { block_id?: string }).block_id);
    expect(dsBlocks).toEqual(expect.arrayContaining(['waiting_pct', 'infra_pct', 'path_to_prod', 'blocker']));
    expect(dsBlocks).not.toContain('rewrite_pct');
    const engView = await openCheckIn(ENG[0] as string);
    const engBlocks = engView.view.blocks.map((b) => (b as { block_id?: string }).block_id);
    expect(engBlocks).toEqual(
      expect.arrayContaining(['rewrite_pct', 'support_pct', 'platform_pct', 'blocker']),
    );
    expect(engBlocks).not.toContain('waiting_pct');
  });

  it('returns invalid modal input to the person beside the field, and records nothing', async () => {
    const missing = await h.sandbox.fillAndSubmit(DS[0] as string, {
      infra_pct: '10',
      path_to_prod: 'rewrite',
    });
    expect(missing.body).toEqual({ response_action: 'errors', errors: { waiting_pct: 'Pick one.' } });
    const tooMuch = await h.sandbox.fillAndSubmit(DS[0] as string, {
      waiting_pct: '70',
      infra_pct: '50',
      path_to_prod: 'rewrite',
    });
    expect(tooMuch.body.response_action).toBe('errors');
    expect(Object.keys(tooMuch.body.errors)).toEqual(['infra_pct']);
    const view = h.sandbox.openViews(DS[0] as string).at(-1);
    const forged = await h.sandbox.submitView(DS[0] as string, view?.id as string, {
      waiting_pct: {
        value: {
          type: 'static_select',
          selected_option: { text: { type: 'plain_text', text: 'x' }, value: '15' },
        },
      },
      infra_pct: {
        value: {
          type: 'static_select',
          selected_option: { text: { type: 'plain_text', text: 'x' }, value: '10' },
        },
      },
      path_to_prod: {
        value: {
          type: 'static_select',
          selected_option: { text: { type: 'plain_text', text: 'x' }, value: 'teleport' },
        },
      },
    });
    expect(forged.body.errors).toEqual({
      waiting_pct: 'Pick one of the listed amounts.',
      path_to_prod: 'Pick one of the listed answers.',
    });
    expect(count('responses')).toBe(0);
  });

  it('records answers, updates the DM, and replaces a second submission instead of adding one', async () => {
    const first = await h.sandbox.fillAndSubmit(DS[0] as string, {
      waiting_pct: '10',
      infra_pct: '5',
      path_to_prod: 'self-serve',
    });
    expect(first.status).toBe(200);
    expect(first.body).toBeNull();
    const dm = await h.sandbox.waitFor(
      () => h.sandbox.dm(DS[0] as string).find((m) => m.updates > 0),
      5000,
      'the thanks',
    );
    expect(dm.text).toMatch(/Thanks, recorded/);
    // Edit: the thanks message carries an edit button that reopens the modal pre-filled.
    const click = await h.sandbox.clickButton(
      DS[0] as string,
      { channel: DS[0] as string, ts: dm.ts },
      'check_in_answer',
    );
    expect(click.status).toBe(200);
    const view = await h.sandbox.waitFor(() => h.sandbox.openViews(DS[0] as string).at(-1));
    expect(JSON.stringify(view.view.blocks)).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"about 10%"},"value":"10"}',
    );
    await h.sandbox.fillAndSubmit(DS[0] as string, {
      waiting_pct: '30',
      infra_pct: '10',
      path_to_prod: 'rewrite',
      blocker: BLOCKER,
    });
    expect(count('responses')).toBe(1);
    const row = h.app.db
      .prepare('SELECT waiting_pct, path_to_prod FROM responses WHERE user_id = ?')
      .get(DS[0]);
    expect(row).toEqual({ waiting_pct: 30, path_to_prod: 'rewrite' });
  });

  it('records the other members’ answers', async () => {
    const dsAnswers = [
      { waiting_pct: '30', infra_pct: '10', path_to_prod: 'rewrite' },
      { waiting_pct: '20', infra_pct: '5', path_to_prod: 'rewrite' },
      { waiting_pct: '50', infra_pct: '0', path_to_prod: 'paired' },
      { waiting_pct: '20', infra_pct: '10', path_to_prod: 'not-shipped' },
    ];
    for (const [i, answers] of dsAnswers.entries()) {
      await openCheckIn(DS[i + 1] as string);
      const result = await h.sandbox.fillAndSubmit(DS[i + 1] as string, answers);
      expect(result.body).toBeNull();
    }
    // ENG[0] has its modal open from an earlier test.
    expect(
      (
        await h.sandbox.fillAndSubmit(ENG[0] as string, {
          rewrite_pct: '50',
          support_pct: '20',
          platform_pct: '10',
        })
      ).body,
    ).toBeNull();
    await openCheckIn(ENG[1] as string);
    await h.sandbox.fillAndSubmit(ENG[1] as string, {
      rewrite_pct: '30',
      support_pct: '30',
      platform_pct: '0',
    });
    expect(count('responses')).toBe(7);
  });

  it('closes the round: stores the summary of SPEC section 4 and posts digests to each-round subscribers', async () => {
    const reply = await h.run(ADMIN, 'survey close Fraud');
    expect(reply.text).toMatch(/Closed the \*Fraud\* check-in: 7 of 9 answered/);
    await h.settle();
    const summary = h.app.db.prepare('SELECT * FROM round_summaries').get() as Record<string, unknown>;
    // Waiting: 30, 30, 20, 50, 20 → median 30. Infra: 10, 10, 5, 0, 10 → 10. Productive: 60, 60, 75, 50, 70 → 60.
    expect(summary).toMatchObject({
      team_name: 'Fraud',
      tooth: 6,
      tail: 3,
      ratio: 0.5,
      tooth_responses: 5,
      tail_responses: 2,
      k: 5,
      median_waiting_pct: 30,
      median_infra_pct: 10,
      median_productive_pct: 60,
      mean_handmaid_load: null,
      failure_mode: 'handmaid',
    });
    const figures = JSON.parse(summary.figures as string);
    expect(figures.signals.map((s: { name: string }) => s.name)).toEqual([
      'median_waiting_pct',
      'rewrite_share',
    ]);
    expect(figures.tailMix).toEqual({ ml: 2, data: 0, infra: 1, app: 0, unspecified: 0 });
    // The team's channel gets the team digest; the `all` channel gets the org table and frontier.
    const teamDigests = h.sandbox.messages(LEADS).filter((m) => m.text.includes('Fraud: Handmaid'));
    expect(teamDigests).toHaveLength(1);
    expect(JSON.stringify(teamDigests[0]?.blocks)).toContain(
      '3 engineers : 6 data scientists (0.50 engineers per data scientist)',
    );
    const orgDigests = h.sandbox.messages(ORG);
    expect(orgDigests).toHaveLength(1);
    expect(orgDigests[0]?.text).toMatch(/^tooth-tail digest: the whole org/);
    expect(JSON.stringify(orgDigests[0]?.blocks)).toMatch(
      /Fraud.*3 engineers : 6 data scientists.*Capacity lost across the org.*Engineers across the org.*Ratio frontier/,
    );
    // With one team, every frontier band is withheld, so the org digest has no chart.
    expect(h.sandbox.files.filter((f) => f.channels.includes(ORG))).toHaveLength(0);
    // The team digest has its trend chart beside it: a PNG with alt text stating the figures.
    for (const channel of [LEADS]) {
      const charts = h.sandbox.files.filter(
        (f) => f.channels.includes(channel) && f.filename.endsWith('.png'),
      );
      expect(charts).toHaveLength(1);
      expect(charts[0]?.content.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      expect(charts[0]?.altText).toMatch(/Fraud.*productive share 60%/);
    }
    expect((await h.run(ADMIN, 'survey close Fraud')).text).toMatch(/has no check-in open/);
  });

  it('refuses answers after the round closed', async () => {
    const dm = h.sandbox.dm(DS[5] as string).at(-1);
    const click = await h.sandbox.clickButton(
      DS[5] as string,
      { channel: DS[5] as string, ts: dm?.ts as string },
      'check_in_answer',
    );
    expect((await click.reply()).text).toMatch(/This check-in has closed/);
    expect(h.sandbox.openViews(DS[5] as string)).toHaveLength(0);
    expect(count('responses')).toBe(7);
  });

  it('shows the latest closed round with summary, and posts it with `post`', async () => {
    const mine = await h.run(DS[1] as string, 'summary');
    expect(mine.response_type).toBe('ephemeral');
    expect(JSON.stringify(mine.blocks)).toContain('Handmaid');
    const posted = await h.run(DS[1] as string, 'summary Fraud post', { channelId: LEADS });
    expect(posted.response_type).toBe('in_channel');
    expect((await h.run(OUTSIDER, 'summary')).text).toMatch(/not on or leading any team/);
    expect((await h.run(OUTSIDER, 'summary Nope')).text).toMatch(/no team called “Nope”/);
  });

  it('exports the round summaries as CSV to the caller’s DM, withholding tail figures below k', async () => {
    const reply = await h.run(OUTSIDER, 'export Fraud');
    expect(reply.text).toMatch(/Sent \*tooth-tail-Fraud-\d{4}-\d{2}-\d{2}\.csv\* \(1 round\) to your DM/);
    const file = h.sandbox.files.at(-1);
    expect(file?.channels).toEqual([`D${OUTSIDER}`]);
    const [header, row, end] = (file?.content.toString('utf8') ?? '').split('\r\n');
    expect(header).toBe(EXPORT_COLUMNS.join(','));
    // The last cell, team_removed_at, is empty: Fraud is live.
    expect(row).toMatch(
      /^Fraud,\d+,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,6,3,0\.50,5,2,30\.0,10\.0,60\.0,,handmaid,30\.0,7\.0,1\.8,0\.4,$/,
    );
    expect(end).toBe('');
    expect((await h.run(OUTSIDER, 'export Nope')).text).toMatch(/no team called/);
  });

  it('never shows an individual answer or a respondent in any channel', () => {
    // Everything others can see: channel messages (digests, `summary post`) and the charts.
    const channelMessages = [...h.sandbox.messages(LEADS), ...h.sandbox.messages(ORG)];
    expect(channelMessages.length).toBeGreaterThanOrEqual(3);
    const charts = h.sandbox.files.filter((f) => f.filename.endsWith('.png'));
    const posted = JSON.stringify(channelMessages) + JSON.stringify(charts.map((f) => [f.title, f.altText]));
    for (const id of [...DS, ...ENG]) expect(posted).not.toContain(id);
    for (const name of ['ds1', 'ds2', 'eng1', 'eng2'])
      expect(posted).not.toMatch(new RegExp(`\\b${name}\\b`));
    expect(posted).not.toContain(BLOCKER);
    // The tail (2 of 3 answered, k = 5) has no figure anywhere: 50+20 and 30+30 would show as 65.
    expect(posted).toContain('handmaid load (mean)*\\n–');
    expect(posted).not.toMatch(/handmaid load \(mean\)\*\\n\d/);
    expect(posted).not.toContain('65%');
  });

  it('rejects a forged signature and a stale timestamp without writing anything', async () => {
    const before = count('teams');
    const body = new URLSearchParams({
      token: 'x',
      team_id: 'T0SANDBOX',
      user_id: ADMIN,
      channel_id: LEADS,
      channel_name: 'ml-leads',
      command: '/tooth-tail',
      text: 'team add Forged',
      response_url: `${h.sandbox.url}/response/none`,
      trigger_id: '1.2.3',
    }).toString();
    const contentType = 'application/x-www-form-urlencoded';
    const forged = await h.sandbox.sendSigned(body, contentType, { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const stale = await h.sandbox.sendSigned(body, contentType, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    const fromTheFuture = await h.sandbox.sendSigned(body, contentType, {
      timestamp: future,
      signature: signRequest(SIGNING_SECRET, future, body),
    });
    expect(fromTheFuture.status).toBe(401);
    const noSignature = await h.sandbox.sendSigned(body, contentType, { signature: '' });
    expect(noSignature.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(count('teams')).toBe(before);
  });

  it('serves /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${h.app.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', mode: 'http' });
  });
});
