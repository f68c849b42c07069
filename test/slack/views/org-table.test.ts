import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recommendation } from '../../../src/domain/recommend.js';
import type { Answers, RosterEntry } from '../../../src/domain/types.js';
import { InsightService } from '../../../src/services/insight.js';
import type { OrgReport } from '../../../src/services/report-types.js';
import { ReportService } from '../../../src/services/reports.js';
import { MAX_TEAM_ROWS, orgDigest, orgTable } from '../../../src/slack/views/org-table.js';
import { Database, type Db, dataVersion, OTHER_PROCESSES_EVERY_MS } from '../../../src/storage/database.js';
import { LeadRepository, SettingsRepository } from '../../../src/storage/leads.js';
import { RoundRepository } from '../../../src/storage/rounds.js';
import { SummaryRepository } from '../../../src/storage/summaries.js';
import { TeamRepository } from '../../../src/storage/teams.js';
import { migratedDatabase } from '../../helpers/db.js';
import { offlineSlack } from '../../helpers/offline-slack.js';
import { offlineServices } from '../../helpers/services.js';
import { dsAnswer, engAnswer, type FixtureRound, seedOrg, tail, tooth } from '../../privacy/org-fixture.js';
import { expectWithinSlackLimits, textsOf } from './limits.js';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const clock = () => NOW;
const WS = 'T0ACME';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
function round(roster: RosterEntry[], answered: Array<[string, Answers]>, k = 5): FixtureRound {
  return { roster, answers: answered.map(([userId, answers]) => ({ userId, answers })), k };
}
const answering = (userIds: string[], answer: Answers): Array<[string, Answers]> =>
  userIds.map((id) => [id, answer]);

/** Fraud ML: two rounds, the tail re-mixed in between; Search: too few answers; Ads: not yet. */
function seedSmallOrg(db: Db) {
  const ds = ids('UFD', 6);
  seedOrg(db, WS, [
    {
      name: 'Fraud ML',
      rounds: [
        round(
          [...ds.map(tooth), tail('UFE1', 'infra'), tail('UFE2', 'infra'), tail('UFE3', 'ml')],
          [...answering(ds.slice(0, 5), dsAnswer(10, 10)), ...answering(['UFE1', 'UFE2'], engAnswer(10, 0))],
        ),
        round(
          [
            ...ds.map(tooth),
            tail('UFE1', 'infra'),
            tail('UFE3', 'ml'),
            tail('UFE4', 'app'),
            tail('UFE5', 'data'),
          ],
          [
            ...answering(ds, dsAnswer(20, 10, 'rewrite')),
            ...answering(['UFE1', 'UFE3', 'UFE4', 'UFE5'], engAnswer(30, 20)),
          ],
        ),
      ],
    },
    {
      name: 'Search',
      rounds: [round([...ids('USD', 8).map(tooth), tail('USE1')], answering(ids('USD', 3), dsAnswer(50, 0)))],
    },
    { name: 'Ads', rounds: [] },
  ]);
}

/** The small org's teams as the fallback text words them. */
const TEAMS_IN_WORDS =
  " Fraud ML: handmaid (median waiting 20%, mean 20% (threshold 20%, +0); 6 of 6 shipped pieces were rewritten by engineers (100%; threshold 50%, +50)). Handmaid mode: engineers are rewriting data scientists' work; invest in a paved path so data scientists ship without a rewrite. Search: not enough answers. Insufficient data: too few people answered to show figures without identifying anyone; encourage the team to answer the next check-in.";

describe('orgTable', () => {
  let db: Db;
  let cleanup: () => void;
  let insight: InsightService;

  beforeEach(() => {
    ({ db, cleanup } = migratedDatabase());
    const teams = new TeamRepository(db);
    const summaries = new SummaryRepository(db);
    const reports = new ReportService({
      summaries,
      rounds: new RoundRepository(db),
      clock,
      anonymityThreshold: 5,
      teams,
    });
    insight = new InsightService({ teams, summaries, reports, clock, anonymityThreshold: 5 });
  });
  afterEach(() => cleanup());

  it('shows each team’s ratio, mix, verdict with signals and recommendation, productive share, trend and response rates', () => {
    seedSmallOrg(db);
    const reply = orgTable(insight.orgReport(WS));
    const texts = textsOf(reply.blocks ?? []);
    expect(texts).toContain(
      [
        '*Fraud ML* · 4 engineers : 6 data scientists (0.67 engineers per data scientist) · tail: 1 ml, 1 data, 1 infra, 1 app',
        ':warning: Handmaid: median waiting 20%, mean 20% (threshold 20%, +0); 6 of 6 shipped pieces were rewritten by engineers (100%; threshold 50%, +50)',
        ':arrows_counterclockwise: changed since the previous round: 3 engineers : 6 data scientists → 4 engineers : 6 data scientists (tail +1 data, −1 infra, +1 app)',
        `_${recommendation('handmaid')}_`,
        'Productive share 70% ↓10 · answered: data scientists 6/6 (100%), engineers 4/4 (100%, fewer than 5: withheld)',
      ].join('\n'),
    );
    expect(texts).toContain(
      [
        '*Search* · 1 engineer : 8 data scientists (0.13 engineers per data scientist) · tail: 1 with no specialty',
        ':grey_question: Not enough answers',
        `_${recommendation('insufficient-data')}_`,
        'Productive share – · answered: data scientists 3/8 (38%, fewer than 5: withheld), engineers 0/1 (0%)',
      ].join('\n'),
    );
    expect(texts).toContain('*Ads* · no closed check-in yet');
    // Capacity sums only Fraud ML, the one team whose figures are shown: 20% and 10% of 6 people.
    expect(texts).toContain(
      '*Capacity lost across the org*: about 1.2 data scientists’ worth of time went to waiting on engineers, and 0.6 to doing infrastructure themselves. Counted over the 1 team of 3 whose figures are shown.',
    );
    expect(texts).toContain(
      '*Engineers across the org* (pooled: each team’s latest round; engineers are too few per team to show alone)\n4 engineers answered, fewer than 5: withheld.',
    );
    // The fallback text screen readers read: each team's verdict, signals and recommendation.
    expect(reply.text).toBe(
      `Tooth-to-tail ratio by team: 3 teams: 1 handmaid, 1 not enough answers, 1 no check-in yet.${TEAMS_IN_WORDS}`,
    );
    expect(reply.inChannel).toBeUndefined();
  });

  it('shows the frontier with withheld bands saying so and giving no figure', () => {
    seedSmallOrg(db);
    const frontier = textsOf(orgTable(insight.orgReport(WS)).blocks ?? []).find((t) =>
      t.startsWith('*Ratio frontier*'),
    );
    expect(frontier?.split('\n').slice(1)).toEqual([
      '• &lt; 0.25: no teams',
      '• 0.25-0.5: no teams',
      '• 0.5-1: withheld (fewer than 2 teams or 5 answers)',
      '• &gt;= 1: no teams',
    ]);
  });

  it('shows bands that hold two teams and k answers, and names the best one', () => {
    const team = (name: string, nTooth: number, nTail: number, answer: Answers) => {
      const ds = ids(`U${name}D`, nTooth);
      return {
        name,
        rounds: [
          round([...ds.map(tooth), ...ids(`U${name}E`, nTail).map((id) => tail(id))], answering(ds, answer)),
        ],
      };
    };
    seedOrg(db, WS, [
      team('A', 5, 1, dsAnswer(30, 20)),
      team('B', 5, 1, dsAnswer(20, 20)),
      team('C', 5, 5, dsAnswer(10, 0)),
      team('D', 6, 7, dsAnswer(5, 5)),
    ]);
    const frontier = textsOf(orgTable(insight.orgReport(WS)).blocks ?? []).find((t) =>
      t.startsWith('*Ratio frontier*'),
    );
    expect(frontier?.split('\n').slice(1)).toEqual([
      '• &lt; 0.25: median productive share 55% (2 teams, 2 rounds)',
      '• 0.25-0.5: no teams',
      '• 0.5-1: no teams',
      '• &gt;= 1: median productive share 90% (2 teams, 2 rounds)',
      'Highest median productive share so far: teams with &gt;= 1 engineers per data scientist (90%).',
    ]);
  });

  it('says there are no teams yet, in text only', () => {
    expect(orgTable(insight.orgReport(WS))).toEqual({
      text: 'There are no teams yet. An admin can add one with `/tooth-tail team add <name>`.',
    });
  });

  it('stays inside 50 blocks and Slack’s text limits for 300 teams, pointing at the CLI for the rest', () => {
    seedOrg(
      db,
      WS,
      Array.from({ length: 300 }, (_, t) => {
        const ds = ids(`U${t}D`, 5);
        return {
          name: `Team ${String(t).padStart(3, '0')} ${'with a long name '.repeat(4)}`,
          rounds: [
            round([...ds.map(tooth), tail(`U${t}E1`, 'infra')], answering(ds, dsAnswer(30, 30, 'diy-infra'))),
            round([...ds.map(tooth), tail(`U${t}E1`, 'app')], answering(ds, dsAnswer(70, 50, 'rewrite'))),
          ],
        };
      }),
    );
    for (const message of [orgTable(insight.orgReport(WS)), orgDigest(insight.orgReport(WS))]) {
      const blocks = message.blocks ?? [];
      expectWithinSlackLimits(blocks, 50);
      expect(textsOf(blocks).filter((t) => t.startsWith('*Team '))).toHaveLength(MAX_TEAM_ROWS);
      expect(textsOf(blocks)).toContain('…and 280 more teams: `npx tooth-tail report` lists them all.');
      expect(message.text).toContain('300 teams: 300 both modes');
    }
  });

  it('cuts a team name longer than Slack allows', () => {
    seedOrg(db, WS, [{ name: 'x'.repeat(5000), rounds: [] }]);
    const blocks = orgTable(insight.orgReport(WS)).blocks ?? [];
    expectWithinSlackLimits(blocks, 50);
    expect(textsOf(blocks)).toContain(`*${'x'.repeat(79)}…* · no closed check-in yet`);
  });

  it('titles the digest for `all` subscriptions and keeps the table and frontier', () => {
    seedSmallOrg(db);
    const report: OrgReport = insight.orgReport(WS);
    const digest = orgDigest(report);
    const table = orgTable(report);
    expect(digest.blocks?.[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'tooth-tail digest: the whole org' },
    });
    expect(digest.blocks?.slice(1)).toEqual(table.blocks?.slice(1));
    expect(digest.text).toBe(
      `tooth-tail digest: the whole org: 3 teams: 1 handmaid, 1 not enough answers, 1 no check-in yet.${TEAMS_IN_WORDS}`,
    );
    expect(orgDigest(report, 'Weekly tooth-tail digest: whole org').blocks?.[0]).toMatchObject({
      text: { text: 'Weekly tooth-tail digest: whole org' },
    });
  });

  it('gives an org with no teams a digest with text', () => {
    expect(orgDigest(insight.orgReport(WS)).text).toMatch(
      /^tooth-tail digest: the whole org: There are no teams/,
    );
  });
});

/** The real command runner and services on `db`, with no Slack. */
function commandRunner(db: Db, clock: () => Date, dataVersion?: () => string) {
  const { commands: runner, insight } = offlineServices(db, {
    clock,
    slack: offlineSlack(),
    anonymityThreshold: 5,
    ...(dataVersion ? { dataVersion } : {}),
  });
  return { runner, insight };
}

describe('/tooth-tail ratio', () => {
  let db: Db;
  let file: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ db, file, cleanup } = migratedDatabase());
  });
  afterEach(() => cleanup());
  const seedSmallOrgInFile = () => {
    seedSmallOrg(db);
    return file;
  };

  it('replies with the org table built from the org report', async () => {
    seedSmallOrg(db);
    const { runner, insight } = commandRunner(db, clock);
    const reply = await runner.run(
      { workspaceId: WS, userId: 'U1', channelId: 'C1', channelName: 'general' },
      'ratio',
    );
    expect(reply).toEqual(orgTable(insight.orgReport(WS)));
    expect(reply.blocks?.length).toBeGreaterThan(3);
  });
  it('keeps a reply while the database is unchanged, and never once the database has moved on', async () => {
    const file = seedSmallOrgInFile();
    let now = NOW.getTime();
    const version = dataVersion(db, { now: () => now });
    const { runner, insight } = commandRunner(db, () => new Date(now), version.current);
    const worked = vi.spyOn(insight, 'orgReport');
    const ctx = { workspaceId: WS, userId: 'U1', channelId: 'C1', channelName: 'general' };
    const first = await runner.run(ctx, 'ratio');
    expect(await runner.run(ctx, 'ratio')).toBe(first);
    expect(worked).toHaveBeenCalledTimes(1);

    // Another connection (the other process, the CLI) renames a team: a reply that much later has it.
    const other = new Database(file);
    other.prepare("UPDATE teams SET name = 'Payments ML' WHERE name = 'Fraud ML'").run();
    other.close();
    now += OTHER_PROCESSES_EVERY_MS;
    const renamed = JSON.stringify(await runner.run(ctx, 'ratio'));
    expect(renamed).toContain('Payments ML');
    expect(renamed).not.toContain('Fraud ML');
    expect(worked).toHaveBeenCalledTimes(2);

    // This connection writes: worked out again.
    db.prepare("UPDATE teams SET name = 'Search Ranking' WHERE name = 'Search'").run();
    expect(JSON.stringify(await runner.run(ctx, 'ratio'))).toContain('Search Ranking');
    expect(worked).toHaveBeenCalledTimes(3);

    // Nothing changed but a minute passed: worked out again (replies name the next opening).
    await runner.run(ctx, 'ratio');
    expect(worked).toHaveBeenCalledTimes(3);
    now += 60_000;
    await runner.run(ctx, 'ratio');
    expect(worked).toHaveBeenCalledTimes(4);
  });

  it('remembers who may read it while nothing changes, and refuses them as soon as it is made leads-only', async () => {
    const file = seedSmallOrgInFile();
    let now = 0;
    const { runner } = commandRunner(db, clock, dataVersion(db, { now: () => now }).current);
    const readSetting = vi.spyOn(SettingsRepository.prototype, 'ratioVisibility');
    const ctx = { workspaceId: WS, userId: 'U1', channelId: 'C1', channelName: 'general' };
    const refused = /only team leads and tooth-tail admins can read the org ratio table/;
    const table = await runner.run(ctx, 'ratio');
    expect(await runner.run(ctx, 'ratio')).toBe(table);
    expect(readSetting).toHaveBeenCalledTimes(1);

    // This process restricts it: U1 leads no team and is refused on the next ask.
    new SettingsRepository(db).setRatioVisibility(WS, 'leads');
    expect((await runner.run(ctx, 'ratio')).text).toMatch(refused);
    expect(readSetting).toHaveBeenCalledTimes(2);
    // A refusal is not kept: opened again by another process, the table is back on the next ask.
    const other = new Database(file);
    new SettingsRepository(other).setRatioVisibility(WS, 'everyone');
    other.close();
    expect(await runner.run(ctx, 'ratio')).toEqual(table);
    expect(readSetting).toHaveBeenCalledTimes(3);
    // Restricted again by the other process: a kept yes lasts until that process's commit shows.
    const again = new Database(file);
    new SettingsRepository(again).setRatioVisibility(WS, 'leads');
    again.close();
    expect(await runner.run(ctx, 'ratio')).toEqual(table);
    now += OTHER_PROCESSES_EVERY_MS;
    expect((await runner.run(ctx, 'ratio')).text).toMatch(refused);
  });

  it("gives a kept table only to those who passed the check: a lead's is not a member's", async () => {
    seedSmallOrgInFile();
    const teamId = (db.prepare("SELECT id FROM teams WHERE name = 'Fraud ML'").get() as { id: number }).id;
    new LeadRepository(db).add({
      teamId,
      workspaceId: WS,
      userId: 'ULEAD',
      addedBy: 'UADMIN',
      now: NOW.toISOString(),
    });
    new SettingsRepository(db).setRatioVisibility(WS, 'leads');
    const { runner } = commandRunner(db, clock, dataVersion(db).current);
    const as = (userId: string) => ({ workspaceId: WS, userId, channelId: 'C1', channelName: 'general' });
    const table = await runner.run(as('ULEAD'), 'ratio');
    expect(table.blocks?.length).toBeGreaterThan(3);
    expect(await runner.run(as('ULEAD'), 'ratio')).toBe(table);
    expect((await runner.run(as('U1'), 'ratio')).text).toMatch(/only team leads and tooth-tail admins/);
    expect((await runner.run(as('U1'), 'ratio')).text).toMatch(/only team leads and tooth-tail admins/);
  });

  it("keeps each person's summary apart, and reads nothing twice for the same person", async () => {
    seedSmallOrgInFile();
    const { runner } = commandRunner(db, clock, dataVersion(db).current);
    const as = (userId: string) => ({ workspaceId: WS, userId, channelId: 'C1', channelName: 'general' });
    const fraud = JSON.stringify(await runner.run(as('UFD1'), 'summary'));
    const search = JSON.stringify(await runner.run(as('USD1'), 'summary'));
    expect(fraud).toContain('Fraud ML');
    expect(fraud).not.toContain('Search');
    expect(search).toContain('Search');
    expect(search).not.toContain('Fraud ML');
    expect(JSON.stringify(await runner.run(as('UFD1'), 'summary'))).toBe(fraud);
  });
});
