import { describe, expect, it } from 'vitest';
import { formatFrontier, formatJson, formatTable, jsonRows } from '../../src/cli/format.js';
import { summariseRound } from '../../src/domain/aggregate.js';
import type { ExportRow } from '../../src/domain/export-csv.js';
import { buildFrontier } from '../../src/domain/frontier.js';
import { dsAnswer, engAnswer, tail, tooth } from '../privacy/org-fixture.js';

const ds = (n: number) => Array.from({ length: n }, (_, i) => tooth(`D${i}`));
const eng = (n: number) => Array.from({ length: n }, (_, i) => tail(`E${i}`, 'infra'));

const rows: ExportRow[] = [
  {
    teamName: 'Fraud\tML\n',
    roundId: 1,
    openedAt: '2025-01-06T10:00:00.000Z',
    closedAt: '2025-01-08T10:00:00.000Z',
    figures: summariseRound(
      [...ds(6), ...eng(3)],
      [...Array(5).fill(dsAnswer(20, 5)), ...Array(3).fill(engAnswer(30, 20))],
      5,
    ),
    teamRemovedAt: null,
  },
  {
    teamName: 'Ops',
    roundId: 2,
    openedAt: '2025-01-06T10:00:00.000Z',
    closedAt: '2025-01-08T11:30:00.000Z',
    figures: summariseRound(eng(2), [engAnswer(0, 0)], 5),
    // Removed after this round: its history is marked, never read as a live team's.
    teamRemovedAt: '2025-01-20T08:00:00.000Z',
  },
];

describe('formatTable', () => {
  it('aligns columns, keeps names on one line, marks a removed team and shows withheld figures as –', () => {
    expect(formatTable(rows)).toBe(
      [
        'team                      closed            eng:DS  ratio  DS answered  eng answered  productive  waiting  infra  handmaid load  verdict',
        'Fraud ML                  2025-01-08 10:00     3:6   0.50          5/6           3/3         75%      20%     5%              –  handmaid',
        'Ops (removed 2025-01-20)  2025-01-08 11:30     2:0    n/a          0/0           1/2           –        –      –              –  insufficient-data',
        '',
      ].join('\n'),
    );
  });

  it('says when there is nothing to show', () => {
    expect(formatTable([]).split('\n')[1]).toBe('(no closed rounds yet)');
  });
});

describe('formatJson', () => {
  it('names fields after the CSV columns and gives null for withheld figures', () => {
    expect(JSON.parse(formatJson(rows))).toEqual(jsonRows(rows));
    expect(jsonRows(rows)[0]).toEqual({
      team: 'Fraud\tML\n',
      round_id: 1,
      opened_at: '2025-01-06T10:00:00.000Z',
      closed_at: '2025-01-08T10:00:00.000Z',
      tooth: 6,
      tail: 3,
      ratio: 0.5,
      tooth_responses: 5,
      tail_responses: 3,
      median_waiting_pct: 20,
      median_infra_pct: 5,
      median_productive_pct: 75,
      mean_handmaid_load: null,
      verdict: 'handmaid',
      mean_waiting_pct: 20,
      mean_infra_pct: 5,
      waiting_fte: 1.2,
      infra_fte: 0.3,
      team_removed_at: null,
    });
    expect(jsonRows(rows)[1]).toMatchObject({
      team: 'Ops',
      ratio: null,
      median_productive_pct: null,
      team_removed_at: '2025-01-20T08:00:00.000Z',
    });
  });
});

describe('formatFrontier', () => {
  it('words bands as Slack does, with no figure for a withheld band', () => {
    const frontier = buildFrontier(
      [
        { team: 'a', ratio: 0.1, toothResponses: 5, medianProductivePct: 50 },
        { team: 'b', ratio: 0.2, toothResponses: 5, medianProductivePct: 65 },
        { team: 'c', ratio: 0.3, toothResponses: 9, medianProductivePct: 40 },
      ],
      5,
    );
    expect(formatFrontier(frontier, 5).split('\n')).toEqual([
      'Ratio frontier (engineers per data scientist; every shown round of the last 13 weeks, each team once per band; a band needs 2 teams and 5 answers):',
      '  < 0.25    withheld (fewer than 2 teams or 5 answers)',
      '  0.25-0.5  withheld (fewer than 2 teams or 5 answers)',
      '  0.5-1     no teams',
      '  >= 1      no teams',
      '',
    ]);
  });
});
