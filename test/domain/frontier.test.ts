import { describe, expect, it } from 'vitest';
import {
  buildFrontier,
  type FrontierRow,
  ratioBand,
  suppressForSubtraction,
} from '../../src/domain/frontier.js';

describe('ratioBand', () => {
  it.each([
    [null, null],
    [0, 'under-0.25'],
    [0.2499, 'under-0.25'],
    [0.25, '0.25-0.5'],
    [1 / 3, '0.25-0.5'],
    [0.5, '0.5-1'],
    [0.999, '0.5-1'],
    [1, '1-plus'],
    [3, '1-plus'],
    [Number.NaN, null],
    [-1, null],
  ])('ratioBand(%s) = %s', (ratio, band) => {
    expect(ratioBand(ratio)).toBe(band);
  });

  it('puts exact fractions on the upper band', () => {
    expect(ratioBand(2 / 8)).toBe('0.25-0.5');
    expect(ratioBand(3 / 6)).toBe('0.5-1');
    expect(ratioBand(4 / 4)).toBe('1-plus');
  });
});

describe('suppressForSubtraction', () => {
  const cells = (...counts: number[]) => counts.map((count) => ({ count }));

  it('hides cells below k and nothing else when no total is shown', () => {
    expect(suppressForSubtraction(cells(3, 8, 6), 5, false)).toEqual([true, false, false]);
  });

  it('hides the next-smallest cell when one is hidden and a total is shown', () => {
    expect(suppressForSubtraction(cells(9, 3, 8, 6), 5, true)).toEqual([false, true, false, true]);
  });

  it('breaks ties for next-smallest by order', () => {
    expect(suppressForSubtraction(cells(6, 2, 6), 5, true)).toEqual([true, true, false]);
  });

  it('adds nothing when two cells are already hidden', () => {
    expect(suppressForSubtraction(cells(2, 3, 8), 5, true)).toEqual([true, true, false]);
  });

  it('never hides empty cells nor counts them as hidden', () => {
    expect(suppressForSubtraction(cells(0, 3, 0, 7), 5, true)).toEqual([false, true, false, true]);
  });

  it('adds nothing when nothing is hidden', () => {
    expect(suppressForSubtraction(cells(5, 6), 5, true)).toEqual([false, false]);
  });

  it('accepts its own primary rule', () => {
    const hidden = suppressForSubtraction(cells(10, 20, 30), 5, true, (c) => c.count === 20);
    expect(hidden).toEqual([true, true, false]);
  });
});

describe('buildFrontier', () => {
  const row = (
    team: string,
    ratio: number | null,
    toothResponses: number,
    productive: number | null,
  ): FrontierRow => ({
    team,
    ratio,
    toothResponses,
    medianProductivePct: productive,
  });

  it('shows bands with two teams and k respondents, with the median of team medians', () => {
    const frontier = buildFrontier(
      [
        row('A', 0.25, 5, 40),
        row('B', 0.4, 6, 55),
        row('C', 0.5, 5, 70),
        row('D', 0.75, 5, 60),
        row('E', 0.6, 5, 65),
        row('F', 2, 5, 80),
        row('G', 1, 7, 75),
      ],
      5,
    );
    expect(frontier).toEqual([
      {
        band: 'under-0.25',
        label: '< 0.25',
        teams: 0,
        observations: 0,
        respondents: 0,
        medianProductivePct: null,
        withheld: false,
        reason: null,
      },
      {
        band: '0.25-0.5',
        label: '0.25-0.5',
        teams: 2,
        observations: 2,
        respondents: 11,
        medianProductivePct: 47.5,
        withheld: false,
        reason: null,
      },
      {
        band: '0.5-1',
        label: '0.5-1',
        teams: 3,
        observations: 3,
        respondents: 15,
        medianProductivePct: 65,
        withheld: false,
        reason: null,
      },
      {
        band: '1-plus',
        label: '>= 1',
        teams: 2,
        observations: 2,
        respondents: 12,
        medianProductivePct: 77.5,
        withheld: false,
        reason: null,
      },
    ]);
  });

  it('withholds a one-team band and the next-smallest shown band', () => {
    const frontier = buildFrontier(
      [
        row('A', 0.1, 9, 30),
        row('B', 0.3, 5, 50),
        row('C', 0.4, 5, 60),
        row('D', 0.8, 6, 70),
        row('E', 0.9, 6, 72),
      ],
      5,
    );
    expect(frontier.map((b) => [b.band, b.withheld, b.medianProductivePct, b.reason])).toEqual([
      ['under-0.25', true, null, 'fewer than 2 teams'],
      ['0.25-0.5', true, null, 'withheld so the other withheld band cannot be worked out'],
      ['0.5-1', false, 71, null],
      ['1-plus', false, null, null],
    ]);
  });

  it('withholds a band below k respondents, and the only other shown band with it', () => {
    const frontier = buildFrontier(
      [row('A', 0.3, 2, 50), row('B', 0.4, 2, 60), row('C', 1.5, 3, 70), row('D', 1.2, 3, 80)],
      5,
    );
    expect(frontier.map((b) => [b.band, b.withheld, b.reason])).toEqual([
      ['under-0.25', false, null],
      ['0.25-0.5', true, 'fewer than 5 respondents'],
      ['0.5-1', false, null],
      ['1-plus', true, 'withheld so the other withheld band cannot be worked out'],
    ]);
  });

  it('hides nothing more when the lone withheld band has no shown neighbours', () => {
    const frontier = buildFrontier([row('A', 0.3, 6, 50)], 5);
    expect(frontier.filter((b) => b.withheld).map((b) => b.band)).toEqual(['0.25-0.5']);
  });

  it('ignores rows without a ratio or a productive figure, and counts a team once', () => {
    const frontier = buildFrontier(
      [row('A', null, 9, 50), row('B', 0.3, 9, null), row('C', 0.3, 5, 40), row('C', 0.35, 5, 60)],
      5,
    );
    const band = frontier.find((b) => b.band === '0.25-0.5');
    expect(band).toMatchObject({ teams: 1, respondents: 10, withheld: true, reason: 'fewer than 2 teams' });
  });
});
