import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportCsv } from '../../src/domain/export-csv.js';
import type { Answers } from '../../src/domain/types.js';
import { CheckIns } from '../../src/services/check-ins.js';
import { Directory } from '../../src/services/directory.js';
import { InsightService } from '../../src/services/insight.js';
import { OrgService } from '../../src/services/org.js';
import type { SlackPort } from '../../src/services/ports.js';
import { ReportService } from '../../src/services/reports.js';
import { RoundService } from '../../src/services/rounds.js';
import { blockKitMessages } from '../../src/slack/views/messages.js';
import type { Db } from '../../src/storage/database.js';
import { OutboxRepository } from '../../src/storage/outbox.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { SubscriptionRepository } from '../../src/storage/subscriptions.js';
import { SummaryRepository } from '../../src/storage/summaries.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { UserRepository } from '../../src/storage/users.js';
import { given } from '../helpers/check-in.js';
import { migratedDatabase } from '../helpers/db.js';
import { offlineSlack } from '../helpers/offline-slack.js';
import { dsAnswer, engAnswer, type FixtureRound, seedOrg, tail, tooth } from '../privacy/org-fixture.js';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const clock = () => NOW;
const WS = 'T0ACME';

/** A round of `nTooth` data scientists and `nTail` engineers, the first `answered…` of whom answered. */
function round(
  prefix: string,
  counts: { tooth: number; tail: number; toothAnswered: number; tailAnswered: number },
  answer: { ds?: Answers; eng?: Answers; k?: number } = {},
): FixtureRound {
  const ds = Array.from({ length: counts.tooth }, (_, i) => tooth(`${prefix}D${i}`));
  const eng = Array.from({ length: counts.tail }, (_, i) => tail(`${prefix}E${i}`, 'infra'));
  return {
    roster: [...ds, ...eng],
    answers: [
      ...ds
        .slice(0, counts.toothAnswered)
        .map((e) => ({ userId: e.userId, answers: answer.ds ?? dsAnswer(10, 10) })),
      ...eng
        .slice(0, counts.tailAnswered)
        .map((e) => ({ userId: e.userId, answers: answer.eng ?? engAnswer(10, 10) })),
    ],
    k: answer.k ?? 5,
  };
}

describe('InsightService', () => {
  let db: Db;
  let cleanup: () => void;
  let teams: TeamRepository;
  let summaries: SummaryRepository;
  const services = (k = 5) => {
    const reports = new ReportService({
      summaries,
      rounds: new RoundRepository(db),
      clock,
      anonymityThreshold: k,
      teams,
    });
    return {
      reports,
      insight: new InsightService({ teams, summaries, reports, clock, anonymityThreshold: k }),
    };
  };

  beforeEach(() => {
    ({ db, cleanup } = migratedDatabase());
    teams = new TeamRepository(db);
    summaries = new SummaryRepository(db);
  });
  afterEach(() => cleanup());

  it('gives every live team its latest round beside the previous one, and null before the first', () => {
    seedOrg(db, WS, [
      {
        name: 'Fraud ML',
        rounds: [
          round('F', { tooth: 6, tail: 3, toothAnswered: 5, tailAnswered: 3 }),
          round('F', { tooth: 6, tail: 4, toothAnswered: 6, tailAnswered: 4 }, { ds: dsAnswer(30, 10) }),
        ],
      },
      { name: 'Ads', rounds: [] },
    ]);
    seedOrg(db, 'T0OTHER', [
      { name: 'Elsewhere', rounds: [round('O', { tooth: 5, tail: 5, toothAnswered: 5, tailAnswered: 5 })] },
    ]);
    const report = services().insight.orgReport(WS);
    expect(report).toMatchObject({ workspaceId: WS, k: 5, generatedAt: NOW.toISOString() });
    expect(report.teams.map((r) => [r.team.name, r.report?.summary.figures.tail ?? null])).toEqual([
      ['Ads', null],
      ['Fraud ML', 4],
    ]);
    const fraud = report.teams[1]?.report;
    expect(fraud?.summary.figures.medianWaitingPct).toBe(30);
    expect(fraud?.previous?.figures.medianWaitingPct).toBe(10);
  });

  it('leaves removed teams out', () => {
    const [gone] = seedOrg(db, WS, [
      { name: 'Gone', rounds: [round('G', { tooth: 5, tail: 1, toothAnswered: 5, tailAnswered: 0 })] },
      { name: 'Kept', rounds: [] },
    ]);
    teams.remove(gone?.team.id as number, NOW.toISOString());
    expect(
      services()
        .insight.orgReport(WS)
        .teams.map((r) => r.team.name),
    ).toEqual(['Kept']);
  });

  it('builds the frontier from each team’s latest round and lists withheld cells', () => {
    seedOrg(db, WS, [
      // Band 0.5-1: two visible teams, 5 + 6 answers, productive 80 and 60.
      { name: 'A', rounds: [round('A', { tooth: 6, tail: 3, toothAnswered: 5, tailAnswered: 3 })] },
      {
        name: 'B',
        rounds: [
          round('B', { tooth: 2, tail: 6, toothAnswered: 2, tailAnswered: 6 }),
          round('B', { tooth: 6, tail: 5, toothAnswered: 6, tailAnswered: 5 }, { ds: dsAnswer(20, 20) }),
        ],
      },
      // Band >= 1: one team, so withheld; its tooth is also below k.
      { name: 'C', rounds: [round('C', { tooth: 4, tail: 4, toothAnswered: 4, tailAnswered: 4 })] },
    ]);
    const report = services().insight.orgReport(WS);
    expect(
      report.frontier.map((b) => [b.band, b.teams, b.respondents, b.medianProductivePct, b.withheld]),
    ).toEqual([
      ['under-0.25', 0, 0, null, false],
      ['0.25-0.5', 0, 0, null, false],
      ['0.5-1', 2, 11, 70, false],
      ['1-plus', 0, 0, null, false],
    ]);
    expect(report.withheld).toEqual([
      { kind: 'tail', teamName: 'A', roundId: 1 },
      { kind: 'tooth', teamName: 'C', roundId: 4 },
      { kind: 'tail', teamName: 'C', roundId: 4 },
    ]);
  });

  it('never lets a team whose figure is withheld into a band, so no band gives it away by subtraction', () => {
    // Stored under k = 3, read under k = 5: B's figure exists in the file but not for readers.
    seedOrg(db, WS, [
      { name: 'A', rounds: [round('A', { tooth: 6, tail: 3, toothAnswered: 6, tailAnswered: 3 })] },
      {
        name: 'B',
        rounds: [
          round(
            'B',
            { tooth: 6, tail: 3, toothAnswered: 3, tailAnswered: 3 },
            { ds: dsAnswer(50, 30), k: 3 },
          ),
        ],
      },
      { name: 'C', rounds: [round('C', { tooth: 4, tail: 4, toothAnswered: 4, tailAnswered: 0 }, { k: 3 })] },
      { name: 'D', rounds: [round('D', { tooth: 6, tail: 6, toothAnswered: 6, tailAnswered: 0 })] },
      { name: 'E', rounds: [round('E', { tooth: 5, tail: 5, toothAnswered: 5, tailAnswered: 0 })] },
    ]);
    const stored = summaries.all(WS).find((s) => s.teamName === 'B');
    expect(stored?.figures.medianProductivePct).toBe(20);
    const report = services(5).insight.orgReport(WS);
    expect(
      report.teams.find((r) => r.team.name === 'B')?.report?.summary.figures.medianProductivePct,
    ).toBeNull();
    const band = report.frontier.find((b) => b.band === '0.5-1');
    // Had B counted, the band would show 2 teams and (80 + 20) / 2 = 50, and B = 2 × 50 − 80.
    expect(band).toMatchObject({ teams: 1, withheld: true, medianProductivePct: null });
    // C is withheld too, so >= 1 holds D and E only; as the next-smallest shown band it goes with 0.5-1.
    expect(report.frontier.find((b) => b.band === '1-plus')).toMatchObject({ teams: 2, respondents: 11 });
    expect(report.frontier.filter((b) => b.withheld).map((b) => b.band)).toEqual(['0.5-1', '1-plus']);
    expect(report.frontier.every((b) => b.medianProductivePct === null)).toBe(true);
  });

  it('gives the CLI the same rows as the Slack export, under the same k', () => {
    seedOrg(db, WS, [
      { name: 'Search', rounds: [round('S', { tooth: 8, tail: 2, toothAnswered: 3, tailAnswered: 2 })] },
      {
        name: 'Fraud ML',
        rounds: [
          round('F', { tooth: 6, tail: 3, toothAnswered: 5, tailAnswered: 3 }, { k: 3 }),
          round('F', { tooth: 6, tail: 5, toothAnswered: 6, tailAnswered: 5 }),
        ],
      },
    ]);
    for (const k of [3, 5, 6]) {
      const { reports, insight } = services(k);
      expect(exportCsv(insight.exportRows(WS, null))).toBe(reports.exportCsv(WS, null).csv);
      const fraud = teams.find(WS, 'fraud ml');
      expect(exportCsv(insight.exportRows(WS, fraud ?? null))).toBe(reports.exportCsv(WS, fraud ?? null).csv);
    }
    const rows = services(5).insight.exportRows(WS, null);
    expect(rows.map((r) => [r.teamName, r.figures.medianProductivePct, r.figures.meanHandmaidLoad])).toEqual([
      ['Fraud ML', 80, null],
      ['Fraud ML', 80, 20],
      ['Search', null, null],
    ]);
  });

  it('applies a team’s own stricter k to its rows', () => {
    seedOrg(db, WS, [
      { name: 'Strict', rounds: [round('S', { tooth: 6, tail: 6, toothAnswered: 6, tailAnswered: 6 })] },
    ]);
    db.prepare("UPDATE teams SET anonymity_threshold = 7 WHERE name = 'Strict'").run();
    const [row] = services(5).insight.exportRows(WS, null);
    expect(row?.figures).toMatchObject({
      medianProductivePct: null,
      meanHandmaidLoad: null,
      failureMode: 'insufficient-data',
    });
  });

  it('reflects rounds run through the real RoundService', async () => {
    const slack: SlackPort = offlineSlack();
    const rounds = new RoundRepository(db);
    const directory = new Directory({ users: new UserRepository(db), slack, clock, adminUserIds: [] });
    const org = new OrgService({
      teams,
      subscriptions: new SubscriptionRepository(db),
      clock,
      defaultTimezone: 'UTC',
    });
    const outbox = new OutboxRepository(db);
    const checkIns = new CheckIns({ db, teams, rounds, outbox, messages: blockKitMessages, clock });
    const roundService = new RoundService({
      db,
      teams,
      rounds,
      summaries,
      subscriptions: new SubscriptionRepository(db),
      outbox,
      directory,
      insight: new InsightService({
        teams,
        summaries,
        reports: new ReportService({ summaries, rounds, clock, anonymityThreshold: 3, teams }),
        clock,
        anonymityThreshold: 3,
      }),
      reports: new ReportService({ summaries, rounds, clock, anonymityThreshold: 3, teams }),
      messages: blockKitMessages,
      clock,
      anonymityThreshold: 3,
    });
    {
      const team = org.addTeam({
        workspaceId: WS,
        name: 'Vision',
        channelId: null,
        timezone: null,
        createdBy: 'U1',
      });
      org.addMembers(team, ['UD1', 'UD2', 'UD3', 'UD4'], { role: 'data-scientist', specialty: null });
      org.addMembers(team, ['UE1', 'UE2'], { role: 'engineer', specialty: 'infra' });
      const opened = await roundService.open(team, { openedBy: 'U1' });
      for (const id of ['UD1', 'UD2', 'UD3'])
        checkIns.submit(opened.id, id, given(dsAnswer(0, 30, 'diy-infra')));
      checkIns.submit(opened.id, 'UE1', given(engAnswer(0, 10)));
      roundService.closeTeamRound(team);
      const reports = new ReportService({ summaries, rounds, clock, anonymityThreshold: 3, teams });
      const report = new InsightService({
        teams,
        summaries,
        reports,
        clock,
        anonymityThreshold: 3,
      }).orgReport(WS);
      const f = report.teams[0]?.report?.summary.figures;
      expect(f).toMatchObject({
        tooth: 4,
        tail: 2,
        ratio: 0.5,
        toothResponses: 3,
        tailResponses: 1,
        medianProductivePct: 70,
        meanHandmaidLoad: null,
        failureMode: 'full-stack',
      });
      expect(report.withheld).toEqual([
        { kind: 'tail', teamName: 'Vision', roundId: opened.id },
        { kind: 'band', band: '0.5-1' },
      ]);
    }
  });
});
