// Issue 12, item 4, through the real app (signed requests, the sandbox, a migrated SQLite file):
// each rule beside its unhappy twin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { slackDate } from '../../src/services/when.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const ADMIN = 'UADMIN';
const DS = ['U0DS1', 'U0DS2', 'U0DS3'];
const HOME = 'C0HOME';
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d/;
// Wednesday 10 March 2027, noon UTC: the default schedule (Mondays 10:00) next opens on the 15th.
const NOW = new Date('2027-03-10T12:00:00.000Z');

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
    clock: () => NOW,
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
    expect(h.sandbox.files.at(-1)?.content.toString('utf8')).toMatch(/\r\nBeta,1,/);
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
    expect(out.join('')).toMatch(/\r?\nBeta,1,/);
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
