// Issue 12, item 4, through the real app (signed requests, the sandbox, a migrated SQLite file):
// each rule beside its unhappy twin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { slackDate, slackDay } from '../../src/services/when.js';
import { answerCheckIn, type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const DS = ['U0DS1', 'U0DS2', 'U0DS3'];
const HOME = 'C0HOME';
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d/;
// Wednesday 10 March 2027, noon UTC: the default schedule (Mondays 10:00) next opens on the 15th.
const NOW = new Date('2027-03-10T12:00:00.000Z');
/** The app's clock: NOW until the last tests move it. */
let now = NOW;

let h: Harness;

const scheduleOf = (name: string) =>
  h.app.db
    .prepare('SELECT schedule_cron, open_days FROM teams WHERE name = ? AND removed_at IS NULL')
    .get(name) as { schedule_cron: string; open_days: number };

beforeAll(async () => {
  h = await startHarness({
    users: [
      { id: ADMIN, name: 'ada', tz: 'UTC' },
      ...DS.map((id, i) => ({ id, name: `ds${i + 1}`, tz: 'UTC' })),
    ],
    channels: [{ id: HOME, name: 'home' }],
    adminUserIds: [ADMIN],
    anonymityThreshold: 3,
    clock: () => now,
  });
});
afterAll(async () => {
  await h?.stop();
});

describe('team add', () => {
  it('says when the first check-in goes out and how to change it; the home channel gets its digests', async () => {
    const reply = await h.run(ADMIN, `team add Alpha <#${HOME}>`);
    expect(reply.text).toContain(
      `Its first check-in opens ${slackDate('2027-03-15T10:00:00.000Z')} (\`0 10 * * MON\` in UTC, open 3 days) for the people on its roster; change that with \`/tooth-tail schedule Alpha <minute hour day month weekday> [open <days>d]\`.`,
    );
    expect(reply.text).toContain(`<#${HOME}> gets its digests after each round`);
    expect((await h.run(ADMIN, 'subscriptions')).text).toContain(`<#${HOME}>: Alpha, each-round`);
  });

  it('without a channel subscribes nothing', async () => {
    const reply = await h.run(ADMIN, 'team add Beta');
    expect(reply.text).toMatch(/^Added team \*Beta\* \(UTC\)\. Its first check-in opens/);
    expect(reply.text).not.toContain('gets its digests');
    expect((await h.run(ADMIN, 'subscriptions')).text).not.toContain('Beta');
  });
});

describe('schedule', () => {
  it('refuses a window that would still be open at the next opening, with the reason and the fix', async () => {
    expect((await h.run(ADMIN, 'schedule Alpha 0 10 * * * open 3d')).text).toBe(
      'Nothing was changed: each check-in stays open 3 days, but `0 10 * * *` opens the next one 24 hours after the last, while it would still be open. Use `open 1d` or less, or a less frequent schedule.',
    );
    expect((await h.run(ADMIN, 'schedule Alpha */30 * * * *')).text).toMatch(
      /opens the next one 30 minutes after the last, while it would still be open\. A check-in stays open at least a day/,
    );
    expect((await h.run(ADMIN, 'schedule Alpha 0 10 * * MON,TUE')).text).toMatch(/24 hours after the last/);
    expect(scheduleOf('Alpha')).toEqual({ schedule_cron: '0 10 * * MON', open_days: 3 });
  });

  it('accepts a window that closes before the next opening', async () => {
    expect((await h.run(ADMIN, 'schedule Alpha 0 10 * * * open 1d')).text).toMatch(
      /check-ins open at `0 10 \* \* \*`/,
    );
    expect(scheduleOf('Alpha')).toEqual({ schedule_cron: '0 10 * * *', open_days: 1 });
    expect((await h.run(ADMIN, 'schedule Alpha 0 10 * * MON open 3d')).text).toMatch(/for 3 days/);
  });
});

describe('subscribe', () => {
  it('answers a cadence it does not have with "unknown cadence" and the list', async () => {
    for (const text of [`subscribe <#${HOME}> Alpha daily`, `subscribe <#${HOME}> all fortnightly`]) {
      const reply = await h.run(ADMIN, text);
      expect(reply.text).toMatch(
        /^Unknown cadence “(daily|fortnightly)”\. Cadences: weekly, monthly, each-round\./,
      );
      expect(reply.text).not.toMatch(/no team called/);
    }
  });

  it('answers any other word after a team’s name with "unknown cadence", and stores nothing', async () => {
    const before = (await h.run(ADMIN, 'subscriptions')).text;
    for (const word of ['sometimes', 'every-other-tuesday']) {
      const reply = await h.run(ADMIN, `subscribe <#${HOME}> Alpha ${word}`);
      expect(reply.text).toBe(
        `Unknown cadence “${word}”. Cadences: weekly, monthly, each-round.\nUsage: \`/tooth-tail subscribe [#channel] [team|all] [weekly|monthly|each-round]\``,
      );
    }
    expect((await h.run(ADMIN, 'subscriptions')).text).toBe(before);
  });

  it('subscribes a team whose name really ends in the word; a name that matches nothing is no team', async () => {
    await h.run(ADMIN, 'team add "Alpha sometimes"');
    expect((await h.run(ADMIN, `subscribe <#${HOME}> Alpha sometimes`)).text).toMatch(
      /^Subscribed <#C0HOME>: digests for \*Alpha sometimes\*, each-round\./,
    );
    expect((await h.run(ADMIN, `unsubscribe <#${HOME}> Alpha sometimes`)).text).toMatch(/no longer gets/);
    await h.run(ADMIN, 'team remove "Alpha sometimes"');
    const nowhere = (await h.run(ADMIN, `subscribe <#${HOME}> Nowhere sometimes`)).text;
    expect(nowhere).toMatch(/^There is no team called “Nowhere sometimes”\. Teams: /);
    expect(nowhere).not.toMatch(/Unknown cadence/);
    // Quoted, the last word is part of the name: no second reading.
    expect((await h.run(ADMIN, `subscribe <#${HOME}> "Alpha sometimes"`)).text).toMatch(
      /^There is no team called “Alpha sometimes”/,
    );
  });

  it('checks who may subscribe before any cadence lesson', async () => {
    const [member, lead] = DS as [string, string];
    // A member who leads nothing is refused before the arguments are read.
    expect((await h.run(member, `subscribe <#${HOME}> Alpha sometimes`)).text).toBe(
      "Sorry, only a team's leads or a tooth-tail admin can subscribe channels to its digests. `/tooth-tail teams` shows each team's leads.",
    );
    await h.run(ADMIN, 'team add Pricing');
    await h.run(ADMIN, `lead add Pricing <@${lead}>`);
    // A lead of another team is refused for the team they meant (Alpha), not taught cadences.
    expect((await h.run(lead, `subscribe <#${HOME}> Alpha sometimes`)).text).toBe(
      'Sorry, *Alpha* has no leads yet, so only a tooth-tail admin can subscribe channels to its digests.',
    );
    // On their own team, the lead hears the lesson.
    expect((await h.run(lead, `subscribe <#${HOME}> Pricing whenever`)).text).toMatch(
      /^Unknown cadence “whenever”\. Cadences: weekly, monthly, each-round\./,
    );
    expect((await h.run(ADMIN, 'subscriptions')).text).not.toContain('Pricing');
  });

  it('takes the three cadences, and a quoted name is a name', async () => {
    expect((await h.run(ADMIN, `subscribe <#${HOME}> Alpha weekly`)).text).toMatch(
      /^Updated <#C0HOME>: digests for \*Alpha\*, weekly/,
    );
    expect((await h.run(ADMIN, `subscribe <#${HOME}> "Alpha daily"`)).text).toMatch(
      /no team called “Alpha daily”/,
    );
  });
});

describe('rounds and history', () => {
  it('numbers rounds per team, and writes times one way: in the reader’s zone', async () => {
    await h.run(ADMIN, `roster add Beta ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
    await h.run(ADMIN, `roster add Alpha ${DS.map((id) => `<@${id}>`).join(' ')} as data-scientist`);
    // Beta's round takes the first id, so Alpha's first round has id 2 but is its round 1.
    await h.run(ADMIN, 'survey now Beta');
    await h.run(ADMIN, 'survey close Beta');
    const opened = await h.run(ADMIN, 'survey now Alpha');
    expect(opened.text).toContain(`It closes ${slackDate('2027-03-13T12:00:00.000Z')}`);
    const again = await h.run(ADMIN, 'survey now Alpha');
    expect(again.text).toBe(
      `Alpha already has a check-in open until ${slackDate('2027-03-13T12:00:00.000Z')}. Close it first with \`/tooth-tail survey close Alpha\`.`,
    );
    expect(again.text).not.toMatch(ISO_TIME);
    await h.run(ADMIN, 'survey close Alpha');
    const alpha = JSON.stringify((await h.run(DS[0] as string, 'summary Alpha')).blocks);
    expect(alpha).toContain('Alpha · round 1 ·');
    expect(alpha).not.toContain('round 2');
  });

  it('keeps a removed team’s history reachable by name, marked removed', async () => {
    await h.run(ADMIN, 'team remove Beta');
    const summary = await h.run(DS[0] as string, 'summary Beta');
    expect(JSON.stringify(summary.blocks)).toContain('Beta (removed) · round 1 ·');
    const exported = await h.run(DS[0] as string, 'export Beta');
    expect(exported.text).toMatch(
      /^Sent \*tooth-tail-Beta-\d{4}-\d\d-\d\d\.csv\* \(1 round\) to your DM\. \*Beta\* was removed; this is its history\.$/,
    );
    // The removed team's rows carry when it was removed, in a column after all the others.
    const csv = h.sandbox.files.at(-1)?.content.toString('utf8') ?? '';
    expect(csv.split('\r\n')[0]).toMatch(/,waiting_fte,infra_fte,team_removed_at$/);
    expect(csv).toMatch(/\r\nBeta,1,[^\r]*,2027-03-10T12:00:00\.000Z\r\n/);
    // The whole export: a live team's rows leave the column empty.
    await h.run(DS[0] as string, 'export');
    const all = (h.sandbox.files.at(-1)?.content.toString('utf8') ?? '').trimEnd().split('\r\n');
    expect(all.filter((l) => l.startsWith('Alpha,')).map((l) => l.split(',').at(-1))).toEqual(['']);
    expect(all.filter((l) => l.startsWith('Beta,')).map((l) => l.split(',').at(-1))).toEqual([
      '2027-03-10T12:00:00.000Z',
    ]);
    const out: string[] = [];
    const code = await runCli(
      ['report', '--team', 'Beta', '--format', 'csv'],
      { DATABASE_PATH: h.databasePath, ANONYMITY_THRESHOLD: '3' },
      {
        stdout: (s: string) => out.push(s),
        stderr: (s: string) => out.push(s),
      },
    );
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/\r?\nBeta,1,[^\r]*,2027-03-10T12:00:00\.000Z\r?\n/);
  });

  it('marks the removed team in the CLI’s table and JSON, and not the live one', async () => {
    const report = async (args: string[]) => {
      const out: string[] = [];
      const code = await runCli(
        ['report', ...args],
        { DATABASE_PATH: h.databasePath, ANONYMITY_THRESHOLD: '3' },
        { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) },
      );
      expect(code).toBe(0);
      return out.join('');
    };
    const lines = (await report([])).split('\n');
    expect(lines.filter((l) => l.startsWith('Beta (removed 2027-03-10) '))).toHaveLength(1);
    expect(lines.filter((l) => /^Alpha +2027-03-10 12:00/.test(l))).toHaveLength(1);
    expect(lines.join('\n')).not.toMatch(/Alpha \(removed/);
    expect((await report(['--team', 'Beta'])).split('\n')[1]).toMatch(/^Beta \(removed 2027-03-10\) /);
    const json = JSON.parse(await report(['--format', 'json'])) as Array<Record<string, unknown>>;
    expect(json.map((r) => [r.team, r.team_removed_at])).toEqual([
      ['Alpha', null],
      ['Beta', '2027-03-10T12:00:00.000Z'],
    ]);
  });

  it('still refuses a name no team ever had, and prefers the live team of a reused name', async () => {
    expect((await h.run(DS[0] as string, 'summary Gamma')).text).toMatch(/There is no team called “Gamma”/);
    const out: string[] = [];
    expect(
      await runCli(
        ['report', '--team', 'Gamma'],
        { DATABASE_PATH: h.databasePath },
        { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s) },
      ),
    ).toBe(3);
    await h.run(ADMIN, 'team add Beta');
    expect((await h.run(DS[0] as string, 'summary Beta')).text).toMatch(
      /^\*Beta\* has no closed check-in yet/,
    );
  });
});

/** Every mrkdwn text the app put in these blocks (sections, fields, context elements). */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  const own = object.type === 'mrkdwn' && typeof object.text === 'string' ? [object.text] : [];
  return [...own, ...Object.values(object).flatMap(mrkdwnTexts)];
}

/** A date written as a UTC label, once every `<!date>` token (whose fallback is one) is taken out. */
const utcLabelIn = (text: string): string | undefined =>
  /\d{4}-\d\d-\d\d/.exec(text.replace(/<!date\^\d+\^[^|>]*\|[^>]*>/g, ''))?.[0];

describe('dates in Slack', () => {
  it('are tokens for the right instant in digests and the Home tab, so each reader sees their own day', async () => {
    const member = DS[0] as string;
    await h.run(ADMIN, `subscribe <#${HOME}> Alpha each-round`); // weekly since the cadence tests
    // 23:30 UTC on the 15th is already the 16th east of UTC: only a token can show both right.
    now = new Date('2027-03-15T23:30:00.000Z');
    await h.run(ADMIN, 'survey now Alpha');
    await h.settle();
    now = new Date('2027-03-16T22:10:00.000Z');
    await answerCheckIn(h, member);
    now = new Date('2027-03-17T23:45:00.000Z');
    await h.run(ADMIN, 'survey close Alpha');
    await h.settle();
    const digest = await h.sandbox.waitFor(
      () => h.sandbox.messages(HOME).find((m) => JSON.stringify(m.blocks).includes('Alpha · round 2 ·')),
      5000,
      'Alpha’s digest',
    );
    const footer = mrkdwnTexts(digest.blocks).find((t) => t.startsWith('Alpha · round 2 ·'));
    expect(footer).toContain(
      'Alpha · round 2 · <!date^1805153400^{date_short_pretty}|2027-03-15> to <!date^1805327100^{date_short_pretty}|2027-03-17> ·',
    );

    await h.sandbox.openHome(member);
    const home = await h.sandbox.waitFor(
      () => {
        const view = h.sandbox.homeView(member);
        return JSON.stringify(view ?? {}).includes('waiting 10%') && view;
      },
      5000,
      'the Home tab with the answer',
    );
    const texts = mrkdwnTexts(home.blocks).join('\n');
    expect(texts).toContain(`${slackDay('2027-03-16T22:10:00.000Z')} · Alpha: waiting 10%, infra 5%`);
    expect(texts).toContain(`Alpha as data-scientist since ${slackDay(NOW.toISOString())}`);
    expect(texts).toMatch(/refreshed <!date\^\d+\^\{date_short_pretty\}\|\d{4}-\d\d-\d\d>/);
  });

  it('leave no UTC date label in any mrkdwn the app posted, DMs, digests and Home tabs alike', async () => {
    await h.sandbox.openHome(ADMIN);
    await h.sandbox.waitFor(() => h.sandbox.homeView(ADMIN), 5000, 'the admin’s Home tab');
    const posted = h.sandbox
      .messages()
      .flatMap((m) => m.history.flatMap((v) => (v.blocks ? mrkdwnTexts(v.blocks) : [v.text])));
    const homes = [ADMIN, ...DS].flatMap((id) => mrkdwnTexts(h.sandbox.homeView(id)?.blocks ?? []));
    // The scan has something to find: digests, check-in DMs and Home tabs full of dates.
    expect(posted.filter((t) => t.includes('<!date^')).length).toBeGreaterThan(3);
    expect(homes.filter((t) => t.includes('<!date^')).length).toBeGreaterThan(1);
    expect([...posted, ...homes].filter((t) => utcLabelIn(t) !== undefined)).toEqual([]);
  });
});
