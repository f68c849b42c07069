// The org figures of issue 13 read from a real migrated database: the frontier from 13 weeks of
// stored summaries under today's k, the pooled tail from raw answers, and a team report with its
// recommendation's evidence and what its last change did.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/domain/types.js';
import { InsightService } from '../../src/services/insight.js';
import { ReportService } from '../../src/services/reports.js';
import type { Db } from '../../src/storage/database.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { SummaryRepository } from '../../src/storage/summaries.js';
import { type Team, TeamRepository } from '../../src/storage/teams.js';
import { migratedDatabase } from '../helpers/db.js';
import {
  dsAnswer,
  engAnswer,
  FIXTURE_START,
  type FixtureRound,
  seedOrg,
  tail,
  tooth,
} from '../privacy/org-fixture.js';

const WS = 'T0ACME';
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** `nTooth` data scientists all answering `ds`, and engineers of these specialties all answering `eng`. */
function round(
  prefix: string,
  nTooth: number,
  specialties: Array<'ml' | 'data' | 'infra' | 'app' | null>,
  ds: Answers,
  eng: Answers = engAnswer(10, 10, 10),
): FixtureRound {
  const dsIds = Array.from({ length: nTooth }, (_, i) => `${prefix}D${i}`);
  const engIds = specialties.map((_, i) => `${prefix}E${i}`);
  return {
    roster: [...dsIds.map(tooth), ...specialties.map((s, i) => tail(engIds[i] as string, s))],
    answers: [
      ...dsIds.map((userId) => ({ userId, answers: ds })),
      ...engIds.map((userId) => ({ userId, answers: eng })),
    ],
    k: 5,
  };
}

describe('the org figures, from the database', () => {
  let db: Db;
  let cleanup: () => void;
  let now: Date;
  const services = (k = 5) => {
    const teams = new TeamRepository(db);
    const summaries = new SummaryRepository(db);
    const reports = new ReportService({
      summaries,
      rounds: new RoundRepository(db),
      clock: () => now,
      anonymityThreshold: k,
      teams,
    });
    return {
      teams,
      reports,
      insight: new InsightService({ teams, summaries, reports, clock: () => now, anonymityThreshold: k }),
    };
  };

  beforeEach(() => {
    ({ db, cleanup } = migratedDatabase());
    now = new Date(FIXTURE_START + 10 * WEEK_MS);
  });
  afterEach(() => cleanup());

  /**
   * Search moves from 0.33 to 0.5 after its second round (an infra hire); Marketing stays at 0.4
   * and full-stack; Recs and Pricing sit at 0.5-1 and do well.
   */
  function seed(): Record<string, Team> {
    const seeded = seedOrg(db, WS, [
      {
        name: 'Search',
        rounds: [
          round('S', 6, ['app', 'data'], dsAnswer(5, 50)),
          round('S', 6, ['app', 'data'], dsAnswer(5, 70)),
          round('S', 6, ['app', 'data', 'infra'], dsAnswer(5, 10)),
          round('S', 6, ['app', 'data', 'infra'], dsAnswer(0, 10)),
        ],
      },
      { name: 'Marketing', rounds: [round('M', 5, ['app', 'ml'], dsAnswer(10, 50, 'diy-infra'))] },
      { name: 'Recs', rounds: [round('R', 6, ['ml', 'data', 'infra', 'app'], dsAnswer(5, 5))] },
      { name: 'Pricing', rounds: [round('P', 5, ['ml', 'data', 'infra'], dsAnswer(0, 10))] },
    ]);
    return Object.fromEntries(seeded.map((s) => [s.team.name, s.team]));
  }

  it('builds the frontier from every shown round of the last 13 weeks, a team in two bands counted in both', () => {
    seed();
    const { reports } = services();
    const frontier = reports.frontier(WS);
    const by = Object.fromEntries(frontier.bands.map((b) => [b.band, b]));
    // 0.25-0.5: Search's first two rounds (45%, 25% → 35%) and Marketing (40%) → 37.5%
    expect(by['0.25-0.5']).toMatchObject({
      teams: 2,
      observations: 3,
      medianProductivePct: 37.5,
      withheld: false,
    });
    // 0.5-1: Search after the hire (85%, 90% → 87.5%), Recs 90%, Pricing 90% → 90%
    expect(by['0.5-1']).toMatchObject({
      teams: 3,
      observations: 4,
      medianProductivePct: 90,
      withheld: false,
    });
    expect(frontier.observations).toHaveLength(7);
    // Twenty weeks on, only rounds closed in the last 13 weeks count: none.
    now = new Date(FIXTURE_START + 20 * WEEK_MS);
    expect(
      services()
        .reports.frontier(WS)
        .bands.every((b) => b.teams === 0),
    ).toBe(true);
  });

  it('leaves out the rounds a team’s own k now withholds, and the dots of a withheld band', () => {
    const teams = seed();
    db.prepare('UPDATE teams SET anonymity_threshold = 6 WHERE id = ?').run((teams.Marketing as Team).id);
    const frontier = services().reports.frontier(WS);
    const band = frontier.bands.find((b) => b.band === '0.25-0.5');
    // Marketing's 5 answers no longer meet its k of 6: Search alone is left, so the band is withheld.
    expect(band).toMatchObject({ teams: 1, observations: 2, withheld: true, medianProductivePct: null });
    // …and, one band being withheld beside a shown one, the next-smallest goes too: no dots at all.
    expect(frontier.bands.find((b) => b.band === '0.5-1')).toMatchObject({ teams: 3, withheld: true });
    expect(frontier.observations).toEqual([]);
  });

  it('recommends a headcount with evidence, and says what the last change did', () => {
    const teams = seed();
    const { reports } = services();
    const marketing = teams.Marketing as Team;
    const report = reports.detailed(
      marketing,
      reports.latest(marketing) as NonNullable<ReturnType<typeof reports.latest>>,
    );
    expect(report.summary.figures.failureMode).toBe('full-stack');
    // ceil(0.5 × 5) − 2 = 1; Marketing has app and ml engineers, no infra.
    expect(report.advice?.hire).toMatchObject({ engineers: 1, specialty: 'infra', teamProductivePct: 40 });
    expect(report.advice?.hire?.band).toMatchObject({
      band: '0.5-1',
      medianProductivePct: 90,
      teams: 3,
      observations: 4,
    });
    expect(report.change).toBeNull();
    const search = teams.Search as Team;
    const searchReport = reports.detailed(
      search,
      reports.latest(search) as NonNullable<ReturnType<typeof reports.latest>>,
    );
    expect(searchReport.change).toMatchObject({
      before: { rounds: 2, medianProductivePct: 35 },
      after: { rounds: 2, medianProductivePct: 87.5 },
      delta: 52.5,
    });
  });

  it('pools the engineers of each team’s latest round from the raw answers; forget-me takes one out at once', () => {
    seed();
    const { reports } = services();
    const pool = reports.tailPool(WS);
    // Search 3, Marketing 2, Recs 4, Pricing 3 engineers, all answering 10/10/10.
    expect(pool).toMatchObject({ respondents: 12, tailHeadcount: 12, meanHandmaidLoad: 20, rewriteFte: 1.2 });
    expect(pool.bySpecialty.find((c) => c.specialty === 'infra')).toMatchObject({
      respondents: 3,
      withheld: true,
    });
    new RoundRepository(db).deleteResponsesOf(WS, 'RE0');
    expect(services().reports.tailPool(WS).respondents).toBe(11);
  });

  it('reads every live team’s latest two rounds at once, as each team’s own read gives them', () => {
    const teams = seed();
    const { reports, insight } = services();
    const table = new TeamRepository(db);
    // A team with no closed round yet, and a removed one, which the table leaves out.
    const fresh = table.add({
      workspaceId: WS,
      name: 'Fresh',
      channelId: null,
      timezone: 'UTC',
      createdBy: 'UADMIN',
      now: now.toISOString(),
    });
    table.remove((teams.Pricing as Team).id, now.toISOString());
    const live = table.list(WS);
    const rows = reports.latestOfTeams(WS, live);
    expect(rows.map((r) => r.team.name)).toEqual(live.map((t) => t.name));
    expect(rows.map((r) => r.team.name)).not.toContain('Pricing');
    for (const { team, report } of rows) {
      const { roundNumber: _number, ...one } = reports.latest(team) ?? { roundNumber: 0 };
      expect(report, team.name).toEqual(team.id === fresh.id ? null : one);
    }
    // Search has four rounds: its latest two, newest first.
    const search = rows.find((r) => r.team.name === 'Search')?.report;
    expect((search?.summary.closedAt ?? '') > (search?.previous?.closedAt ?? 'z')).toBe(true);
    // The org view pools the same rounds' engineers as tailPool reads on its own.
    expect(insight.orgReport(WS).tailPool).toEqual(reports.tailPool(WS));
  });

  it('sums the org’s capacity lost from unrounded team figures, over the teams whose figures are shown', () => {
    seed();
    const org = services().insight.orgReport(WS);
    // Search 0 × 6 and 10% × 6; Marketing 10% × 5 and 50% × 5; Recs 5% × 6 twice; Pricing 0 and 10% × 5.
    expect(org.capacity).toEqual({ teams: 4, waitingFte: 0.8, infraFte: 3.9 });
  });
});
