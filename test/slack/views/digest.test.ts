// A team digest is rendered once per closed round and shown again from then on; anything that
// changes what it shows renders it afresh.
import { describe, expect, it } from 'vitest';
import { summariseRound } from '../../../src/domain/aggregate.js';
import { withholdBelow } from '../../../src/domain/anonymity.js';
import type { Answers, RosterEntry } from '../../../src/domain/types.js';
import type { TeamReport } from '../../../src/services/report-types.js';
import { slackDay } from '../../../src/services/when.js';
import { teamDigest } from '../../../src/slack/views/digest.js';

const roster: RosterEntry[] = Array.from({ length: 5 }, (_, i) => ({
  userId: `U${i}`,
  role: 'data-scientist',
  specialty: null,
}));
const answers: Answers[] = roster.map(() => ({
  role: 'data-scientist',
  waitingPct: 30,
  infraPct: 10,
  pathToProd: 'rewrite',
  blocker: null,
}));
const figures = summariseRound(roster, answers, 5);

const report = (overrides: Partial<TeamReport['summary']> = {}, teamName = 'Fraud'): TeamReport => ({
  teamName,
  summary: {
    roundId: 7,
    workspaceId: 'T0',
    teamId: 1,
    teamName,
    openedAt: '2027-03-01T10:00:00.000Z',
    closedAt: '2027-03-04T10:00:00.000Z',
    figures,
    ...overrides,
  },
  previous: null,
});

describe('teamDigest', () => {
  it('renders a closed round once and shows the same rendering again', () => {
    const first = teamDigest(report());
    expect(teamDigest(report())).toBe(first);
    expect(first.text).toMatch(/^Fraud: /);
  });

  it('is frozen, so no caller can change what the next one sees', () => {
    const digest = teamDigest(report());
    expect(Object.isFrozen(digest.blocks)).toBe(true);
    expect(() => (digest.blocks as unknown[]).push({})).toThrow(TypeError);
  });

  it('renders afresh after a rename', () => {
    const renamed = teamDigest(report({}, 'Fraud ML'));
    expect(renamed).not.toBe(teamDigest(report()));
    expect(renamed.text).toMatch(/^Fraud ML: /);
  });

  it('renders afresh when a higher k withholds what was shown', () => {
    const shown = teamDigest(report());
    const withheld = teamDigest(report({ figures: withholdBelow(figures, 6) }));
    expect(withheld).not.toBe(shown);
    expect(JSON.stringify(shown.blocks)).toContain('Productive share (median)*\\n60%');
    expect(JSON.stringify(withheld.blocks)).toContain('Productive share (median)*\\n–');
    expect(JSON.stringify(withheld.blocks)).toContain('fewer than 6 answered');
  });

  it('renders each round with its own dates, even with figures equal to another round’s', () => {
    const later = teamDigest(
      report({ roundId: 8, openedAt: '2027-03-08T10:00:00.000Z', closedAt: '2027-03-11T10:00:00.000Z' }),
    );
    // Each date is a token for the round's own instant, read in the reader's zone; UTC is the fallback.
    expect(JSON.stringify(later.blocks)).toContain(
      'round 8 · <!date^1804500000^{date_short_pretty}|2027-03-08> to <!date^1804759200^{date_short_pretty}|2027-03-11>',
    );
    expect(JSON.stringify(teamDigest(report()).blocks)).toContain(
      `round 7 · ${slackDay('2027-03-01T10:00:00.000Z')} to ${slackDay('2027-03-04T10:00:00.000Z')}`,
    );
  });
});
