import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Directory } from '../../../src/services/directory.js';
import { InsightService } from '../../../src/services/insight.js';
import { OrgService } from '../../../src/services/org.js';
import type { SlackPort } from '../../../src/services/ports.js';
import { ReportService } from '../../../src/services/reports.js';
import { HomeService } from '../../../src/slack/home.js';
import { ANSWER_ACTION } from '../../../src/slack/views/check-in.js';
import { homeView, setupHints } from '../../../src/slack/views/home.js';
import type { Db } from '../../../src/storage/database.js';
import { RoundRepository } from '../../../src/storage/rounds.js';
import { SubscriptionRepository } from '../../../src/storage/subscriptions.js';
import { SummaryRepository } from '../../../src/storage/summaries.js';
import { type Team, TeamRepository } from '../../../src/storage/teams.js';
import { UserRepository } from '../../../src/storage/users.js';
import { migratedDatabase } from '../../helpers/db.js';
import { offlineSlack } from '../../helpers/offline-slack.js';
import { dsAnswer, engAnswer, type FixtureTeam, seedOrg, tail, tooth } from '../../privacy/org-fixture.js';
import { expectWithinSlackLimits, textsOf } from './limits.js';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const clock = () => NOW;
const WS = 'T0ACME';
const ME = 'UME';

const team = (id: number, name: string): Team => ({
  id,
  workspaceId: WS,
  name,
  channelId: null,
  timezone: 'UTC',
  anonymityThreshold: null,
  scheduleCron: '0 10 * * MON',
  openDays: 3,
  scheduleSince: NOW.toISOString(),
  createdAt: NOW.toISOString(),
  removedAt: null,
});

interface Button {
  type: string;
  action_id: string;
  value: string;
  text: { text: string };
  style?: string;
}
const buttons = (blocks: unknown[]): Button[] =>
  (blocks as Array<{ accessory?: Button }>).flatMap((b) => (b.accessory ? [b.accessory] : []));

describe('homeView', () => {
  const response = (roundId: number, submittedAt: string) => ({
    roundId,
    userId: ME,
    answers: dsAnswer(20, 10, 'rewrite', 'waiting on <prod> access & reviews'),
    submittedAt,
    updatedAt: submittedAt,
  });

  it('shows a member their open check-ins with answer buttons, their teams and their own answers', () => {
    const view = homeView({
      teams: [{ team: team(1, 'Fraud ML'), report: null }],
      openCheckIns: [
        { teamName: 'Fraud ML', roundId: 41, closesAt: '2025-03-03T10:00:00.000Z', answered: false },
        { teamName: 'Search', roundId: 42, closesAt: '2025-03-04T10:00:00.000Z', answered: true },
      ],
      ownAnswers: [{ teamName: 'Fraud ML', response: response(7, '2025-02-20T09:00:00.000Z') }],
      admin: null,
    });
    expect(view.type).toBe('home');
    expect(buttons(view.blocks)).toEqual([
      {
        type: 'button',
        action_id: ANSWER_ACTION,
        text: { type: 'plain_text', text: 'Answer (1 min)' },
        value: '41',
        style: 'primary',
      },
      {
        type: 'button',
        action_id: ANSWER_ACTION,
        text: { type: 'plain_text', text: 'Edit my answers' },
        value: '42',
      },
    ]);
    const texts = textsOf(view.blocks);
    expect(texts).toContain('*Fraud ML*: no closed check-in yet');
    expect(texts).toContain(
      '<!date^1740042000^{date_short_pretty}|2025-02-20> · Fraud ML: waiting 20%, infra 10%, last piece: Engineers re-implemented it · “waiting on &lt;prod&gt; access &amp; reviews”',
    );
    expect(texts.join('\n')).not.toContain('Org overview');
  });

  it('says what to do when there is nothing yet', () => {
    const texts = textsOf(homeView({ teams: [], openCheckIns: [], ownAnswers: [], admin: null }).blocks);
    expect(texts).toEqual(
      expect.arrayContaining([
        'No check-in is open for you right now.',
        'You are not on a team yet. Join one with `/tooth-tail join <team> as <role>`.',
        'You have no stored answers.',
      ]),
    );
  });
});

describe('setupHints', () => {
  it('starts an empty org with adding a team', () => {
    expect(setupHints({ headcounts: [], subscriptions: 0, k: 5 })[0]).toMatch(/^Add your first team/);
  });

  it('points at empty rosters, teams too small to ever show figures, and missing subscriptions', () => {
    const hints = setupHints({
      headcounts: [
        { team: team(1, 'Empty'), tooth: 0, tail: 0 },
        { team: team(2, 'Tiny'), tooth: 2, tail: 3 },
        { team: team(3, 'Big'), tooth: 8, tail: 3 },
      ],
      subscriptions: 0,
      k: 5,
    });
    expect(hints).toEqual([
      '1 team has nobody on the roster (Empty): `/tooth-tail roster add <team> @person as data-scientist`.',
      '1 team has fewer than 5 data scientists (Tiny), so its figures will always be withheld: consider grouping small teams.',
      'No channel gets digests yet: `/tooth-tail subscribe #channel all each-round`.',
      'Schedules: `/tooth-tail schedule <team> 0 10 * * MON tz Europe/London open 3d`. `/tooth-tail help` lists every command.',
    ]);
    expect(
      setupHints({ headcounts: [{ team: team(3, 'Big'), tooth: 8, tail: 3 }], subscriptions: 1, k: 5 }),
    ).toHaveLength(1);
  });
});

describe('HomeService', () => {
  let db: Db;
  let cleanup: () => void;
  let slack: SlackPort;

  const home = (adminUserIds: string[], adminCheckMs?: number) => {
    const teams = new TeamRepository(db);
    const summaries = new SummaryRepository(db);
    const rounds = new RoundRepository(db);
    const reports = new ReportService({ summaries, rounds, clock, anonymityThreshold: 5, teams });
    return new HomeService({
      org: new OrgService({
        teams,
        subscriptions: new SubscriptionRepository(db),
        clock,
        defaultTimezone: 'UTC',
      }),
      reports,
      insight: new InsightService({ teams, summaries, reports, clock, anonymityThreshold: 5 }),
      rounds,
      directory: new Directory({ users: new UserRepository(db), slack, clock, adminUserIds }),
      users: new UserRepository(db),
      retentionDays: 365,
      ...(adminCheckMs === undefined ? {} : { adminCheckMs }),
    });
  };

  beforeEach(() => {
    ({ db, cleanup } = migratedDatabase());
    slack = offlineSlack();
  });
  afterEach(() => cleanup());

  /**
   * 300 teams. The member is on the first 150; answered both closed rounds of the first 100
   * (200 answers); the first 8 have a check-in open that asks them.
   */
  function seedLargeOrg(): void {
    const teams: FixtureTeam[] = Array.from({ length: 300 }, (_, t) => {
      const others = Array.from({ length: 5 }, (_, i) => `U${t}D${i}`);
      const onTeam = t < 150;
      const roster = [...(onTeam ? [tooth(ME)] : []), ...others.map(tooth), tail(`U${t}E`, 'infra')];
      const answers = [
        ...others.map((userId) => ({
          userId,
          answers: dsAnswer(10, 10, 'paired', `secret blocker of ${userId}`),
        })),
        { userId: `U${t}E`, answers: engAnswer(10, 10) },
        ...(t < 100 ? [{ userId: ME, answers: dsAnswer(30, 20, 'rewrite', `my own note ${t}`) }] : []),
      ];
      return {
        name: `Team ${String(t).padStart(3, '0')}`,
        rounds:
          t < 100
            ? [
                { roster, answers, k: 5 },
                { roster, answers, k: 5 },
              ]
            : [{ roster, answers, k: 5 }],
        openRound: t < 8,
      };
    });
    seedOrg(db, WS, teams);
  }

  it('stays inside 100 blocks and Slack’s limits for 300 teams and 200 past answers, as admin', async () => {
    seedLargeOrg();
    const started = Date.now();
    const view = await home([ME]).view(WS, ME);
    // Published with views.publish right after: the tab should show within Slack's 3 s.
    expect(Date.now() - started).toBeLessThan(2_000);
    expectWithinSlackLimits(view.blocks, 100);
    const texts = textsOf(view.blocks);
    expect(buttons(view.blocks)).toHaveLength(5);
    expect(buttons(view.blocks).every((b) => b.action_id === ANSWER_ACTION && /^\d+$/.test(b.value))).toBe(
      true,
    );
    expect(texts).toContain('…and 3 more open check-ins. Your DMs have them all.');
    expect(texts).toContain('…and 135 more teams. `/tooth-tail summary <team>` shows any.');
    expect(texts).toContain(
      '…and 190 more older answers. Only you can see these. `/tooth-tail forget-me` deletes them all.',
    );
    expect(texts).toContain(
      '…and 290 more teams. `/tooth-tail ratio` or `npx tooth-tail report` lists them all.',
    );
    expect(texts.some((t) => t.startsWith('*Ratio frontier*'))).toBe(true);
    expect(texts.join('\n')).toContain('Setup hints');
    expect(JSON.stringify(view).length).toBeLessThan(100_000);
  });

  it('shows the member only their own answers, newest first', async () => {
    seedLargeOrg();
    const view = await home([]).view(WS, ME);
    const answers = textsOf(view.blocks).find((t) => t.includes('my own note'));
    expect(answers?.split('\n')).toHaveLength(10);
    expect(answers?.split('\n')[0]).toMatch(
      /^<!date\^\d+\^{date_short_pretty}\|\d{4}-\d\d-\d\d> · Team 099: waiting 30%, infra 20%, last piece: Engineers re-implemented it · “my own note 99”$/,
    );
    const all = JSON.stringify(view);
    expect(all).not.toContain('secret blocker');
    const other = JSON.stringify(await home([]).view(WS, 'U0D1'));
    expect(other).toContain('secret blocker of U0D1');
    expect(other).not.toContain('my own note');
    expect(other).not.toContain('secret blocker of U0D2');
  });

  it('leaves the admin part out for members, and when the admin check fails or is slow', async () => {
    seedLargeOrg();
    const member = JSON.stringify(await home([]).view(WS, ME));
    expect(member).not.toContain('Org overview');
    slack.userInfo = () => new Promise(() => {});
    const started = Date.now();
    const slow = JSON.stringify(await home([], 50).view(WS, ME));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(slow).not.toContain('Org overview');
    expect(slow).toContain('Your answers');
  });

  it('offers the open check-in of a round that asked the member even after they left the team', async () => {
    const [withMe] = seedOrg(db, WS, [
      {
        name: 'Search',
        rounds: [{ roster: [tooth(ME), tooth('UX')], answers: [], k: 5 }],
        openRound: true,
      },
    ]);
    new TeamRepository(db).endMember(withMe?.team.id as number, ME, NOW.toISOString());
    const view = await home([]).view(WS, ME);
    expect(buttons(view.blocks).map((b) => b.value)).toEqual([String(withMe?.openRoundId)]);
    expect(textsOf(view.blocks)).toContain(
      'You are not on a team yet. Join one with `/tooth-tail join <team> as <role>`.',
    );
  });

  it('shows an admin of an empty org how to start', async () => {
    const view = await home([ME]).view(WS, ME);
    expectWithinSlackLimits(view.blocks, 100);
    expect(textsOf(view.blocks).join('\n')).toContain('Add your first team');
  });
});
