import { describe, expect, it } from 'vitest';
import {
  type DigestState,
  type DueAction,
  type DueState,
  type OpenRoundState,
  type ScheduleState,
  whatIsDue,
} from '../../src/domain/due.js';

const at = (s: string) => new Date(s);

/** Actions with instants as ISO strings, so failures read as times. */
function plan(now: string, state: Partial<DueState>, options?: { reminderFractions?: readonly number[] }) {
  const full: DueState = { schedules: [], openRounds: [], digests: [], ...state };
  return whatIsDue(at(now), full, options).map(readable);
}

function readable(action: DueAction): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(action).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  );
}

/** London, Mondays 10:00, open 3 days; the round of Monday 2027-03-22 (GMT) was the last one. */
function londonWeekly(overrides: Partial<ScheduleState> = {}): ScheduleState {
  return {
    teamId: 1,
    cron: '0 10 * * MON',
    timezone: 'Europe/London',
    openDays: 3,
    since: at('2027-03-01T00:00:00Z'),
    lastScheduledOpen: at('2027-03-22T10:00:00Z'),
    hasOpenRound: false,
    ...overrides,
  };
}

/** The round of Monday 2027-03-29 10:00 BST, open 3 days. */
function openRound(overrides: Partial<OpenRoundState> = {}): OpenRoundState {
  return {
    roundId: 7,
    teamId: 1,
    openedAt: at('2027-03-29T09:00:00Z'),
    closesAt: at('2027-04-01T09:00:00Z'),
    remindersSent: 0,
    ...overrides,
  };
}

describe('whatIsDue: opening rounds', () => {
  it('has nothing to do between occurrences', () => {
    expect(plan('2027-03-28T12:00:00Z', { schedules: [londonWeekly()] })).toEqual([]);
    expect(plan('2027-03-29T08:59:00Z', { schedules: [londonWeekly()] })).toEqual([]);
  });

  it('opens a round at its scheduled instant, in the team zone after the clocks changed', () => {
    expect(plan('2027-03-29T09:00:00Z', { schedules: [londonWeekly()] })).toEqual([
      {
        kind: 'open-round',
        teamId: 1,
        scheduledFor: '2027-03-29T09:00:00.000Z',
        closesAt: '2027-04-01T09:00:00.000Z',
      },
    ]);
  });

  it('does not open the same occurrence twice', () => {
    const opened = londonWeekly({ lastScheduledOpen: at('2027-03-29T09:00:00Z'), hasOpenRound: true });
    expect(plan('2027-03-29T09:01:00Z', { schedules: [opened], openRounds: [openRound()] })).toEqual([]);
    // Even if the round was closed early by hand, the occurrence is spent.
    expect(plan('2027-03-29T12:00:00Z', { schedules: [{ ...opened, hasOpenRound: false }] })).toEqual([]);
  });

  it('opens a missed round late within its grace window, closing on time', () => {
    // Down from Sunday to Tuesday noon.
    expect(plan('2027-03-30T12:00:00Z', { schedules: [londonWeekly()] })).toEqual([
      {
        kind: 'open-round',
        teamId: 1,
        scheduledFor: '2027-03-29T09:00:00.000Z',
        closesAt: '2027-04-01T09:00:00.000Z',
      },
    ]);
    expect(plan('2027-04-01T08:59:00Z', { schedules: [londonWeekly()] })).toEqual([
      {
        kind: 'open-round',
        teamId: 1,
        scheduledFor: '2027-03-29T09:00:00.000Z',
        closesAt: '2027-04-01T09:00:00.000Z',
      },
    ]);
  });

  it('opens only the latest of several missed occurrences, once', () => {
    const daily = londonWeekly({ cron: '0 10 * * *', lastScheduledOpen: at('2027-03-25T10:00:00Z') });
    // Missed: Fri 26th (beyond grace), Sat 27th, Sun 28th (10:00 BST), Mon 29th.
    expect(plan('2027-03-29T12:00:00Z', { schedules: [daily] })).toEqual([
      {
        kind: 'open-round',
        teamId: 1,
        scheduledFor: '2027-03-29T09:00:00.000Z',
        closesAt: '2027-04-01T09:00:00.000Z',
      },
    ]);
    const afterOpening = { ...daily, lastScheduledOpen: at('2027-03-29T09:00:00Z'), hasOpenRound: true };
    expect(plan('2027-03-29T12:01:00Z', { schedules: [afterOpening], openRounds: [openRound()] })).toEqual(
      [],
    );
  });

  it('skips a round missed for longer than its window', () => {
    expect(plan('2027-04-01T09:00:00Z', { schedules: [londonWeekly()] })).toEqual([]);
    expect(plan('2027-04-03T12:00:00Z', { schedules: [londonWeekly()] })).toEqual([]);
  });

  it('never opens occurrences from before the schedule was set', () => {
    const fresh = londonWeekly({ since: at('2027-03-29T09:30:00Z'), lastScheduledOpen: null });
    expect(plan('2027-03-29T10:00:00Z', { schedules: [fresh] })).toEqual([]);
    expect(plan('2027-04-05T09:00:00Z', { schedules: [fresh] })).toEqual([
      {
        kind: 'open-round',
        teamId: 1,
        scheduledFor: '2027-04-05T09:00:00.000Z',
        closesAt: '2027-04-08T09:00:00.000Z',
      },
    ]);
  });

  it('waits while the team has a round open', () => {
    const busy = londonWeekly({ hasOpenRound: true });
    const manual = openRound({
      roundId: 3,
      openedAt: at('2027-03-28T12:00:00Z'),
      closesAt: at('2027-03-31T12:00:00Z'),
    });
    expect(plan('2027-03-29T09:00:00Z', { schedules: [busy], openRounds: [manual] })).toEqual([]);
    expect(plan('2027-03-29T09:00:00Z', { schedules: [busy] })).toEqual([]);
  });

  it('closes a round and opens the next one on the same tick', () => {
    const daily = londonWeekly({
      cron: '0 10 * * *',
      openDays: 1,
      lastScheduledOpen: at('2027-03-28T09:00:00Z'),
      hasOpenRound: true,
    });
    const ending = openRound({ openedAt: at('2027-03-28T09:00:00Z'), closesAt: at('2027-03-29T09:00:00Z') });
    expect(plan('2027-03-29T09:00:00Z', { schedules: [daily], openRounds: [ending] })).toEqual([
      { kind: 'close-round', roundId: 7 },
      {
        kind: 'open-round',
        teamId: 1,
        scheduledFor: '2027-03-29T09:00:00.000Z',
        closesAt: '2027-03-30T09:00:00.000Z',
      },
    ]);
  });

  it('skips a schedule whose stored cron or zone no longer parses', () => {
    expect(plan('2027-03-29T09:00:00Z', { schedules: [londonWeekly({ cron: '0 25 * * MON' })] })).toEqual([]);
    expect(plan('2027-03-29T09:00:00Z', { schedules: [londonWeekly({ timezone: 'Mars/Base' })] })).toEqual(
      [],
    );
  });
});

describe('whatIsDue: reminders and closing', () => {
  // Window 2027-03-29T09:00Z to 2027-04-01T09:00Z: reminders at 03-30T21:00Z and 04-01T01:48Z.
  it('reminds once the first reminder time is reached', () => {
    expect(plan('2027-03-30T20:59:00Z', { openRounds: [openRound()] })).toEqual([]);
    expect(plan('2027-03-30T21:00:00Z', { openRounds: [openRound()] })).toEqual([
      { kind: 'remind', roundId: 7, reminder: 1 },
    ]);
    expect(plan('2027-03-31T12:00:00Z', { openRounds: [openRound({ remindersSent: 1 })] })).toEqual([]);
  });

  it('sends the second reminder at 90%', () => {
    expect(plan('2027-04-01T01:47:00Z', { openRounds: [openRound({ remindersSent: 1 })] })).toEqual([]);
    expect(plan('2027-04-01T01:48:00Z', { openRounds: [openRound({ remindersSent: 1 })] })).toEqual([
      { kind: 'remind', roundId: 7, reminder: 2 },
    ]);
    expect(plan('2027-04-01T05:00:00Z', { openRounds: [openRound({ remindersSent: 2 })] })).toEqual([]);
  });

  it('after downtime past both reminder times, sends one reminder, the second', () => {
    expect(plan('2027-04-01T05:00:00Z', { openRounds: [openRound()] })).toEqual([
      { kind: 'remind', roundId: 7, reminder: 2 },
    ]);
  });

  it('closes at the end of the window and reminds no more', () => {
    expect(plan('2027-04-01T09:00:00Z', { openRounds: [openRound({ remindersSent: 1 })] })).toEqual([
      { kind: 'close-round', roundId: 7 },
    ]);
    expect(plan('2027-04-03T00:00:00Z', { openRounds: [openRound()] })).toEqual([
      { kind: 'close-round', roundId: 7 },
    ]);
  });

  it('takes other reminder fractions', () => {
    expect(
      plan('2027-03-29T15:00:00Z', { openRounds: [openRound()] }, { reminderFractions: [0.05] }),
    ).toEqual([{ kind: 'remind', roundId: 7, reminder: 1 }]);
    expect(plan('2027-03-31T12:00:00Z', { openRounds: [openRound()] }, { reminderFractions: [] })).toEqual(
      [],
    );
  });
});

describe('whatIsDue: digests', () => {
  const weekly: DigestState = {
    subscriptionId: 4,
    cadence: 'weekly',
    timezone: 'Europe/London',
    since: at('2027-03-24T15:00:00Z'),
    lastPeriodEnd: null,
  };
  const monthly: DigestState = {
    subscriptionId: 5,
    cadence: 'monthly',
    timezone: 'Australia/Sydney',
    since: at('2027-03-10T00:00:00Z'),
    lastPeriodEnd: null,
  };

  it('posts a weekly digest on Monday 09:00 local, once per period', () => {
    expect(plan('2027-03-29T07:59:00Z', { digests: [weekly] })).toEqual([]);
    expect(plan('2027-03-29T08:00:00Z', { digests: [weekly] })).toEqual([
      {
        kind: 'digest',
        subscriptionId: 4,
        periodStart: '2027-03-22T09:00:00.000Z',
        periodEnd: '2027-03-29T08:00:00.000Z',
      },
    ]);
    const sent = { ...weekly, lastPeriodEnd: at('2027-03-29T08:00:00Z') };
    expect(plan('2027-03-29T08:01:00Z', { digests: [sent] })).toEqual([]);
    expect(plan('2027-04-05T07:59:00Z', { digests: [sent] })).toEqual([]);
    expect(plan('2027-04-05T08:00:00Z', { digests: [sent] })).toEqual([
      {
        kind: 'digest',
        subscriptionId: 4,
        periodStart: '2027-03-29T08:00:00.000Z',
        periodEnd: '2027-04-05T08:00:00.000Z',
      },
    ]);
  });

  it('does not post for a period that ended before the subscription', () => {
    expect(plan('2027-03-25T12:00:00Z', { digests: [weekly] })).toEqual([]);
  });

  it('posts a monthly digest on the 1st 09:00 local, once per period', () => {
    expect(plan('2027-03-31T21:59:00Z', { digests: [monthly] })).toEqual([]);
    expect(plan('2027-04-15T00:00:00Z', { digests: [monthly] })).toEqual([
      {
        kind: 'digest',
        subscriptionId: 5,
        periodStart: '2027-02-28T22:00:00.000Z',
        periodEnd: '2027-03-31T22:00:00.000Z',
      },
    ]);
    const sent = { ...monthly, lastPeriodEnd: at('2027-03-31T22:00:00Z') };
    expect(plan('2027-04-15T00:00:00Z', { digests: [sent] })).toEqual([]);
  });

  it('after a long downtime posts only the latest period', () => {
    const stale = { ...monthly, lastPeriodEnd: at('2027-03-31T22:00:00Z') };
    expect(plan('2027-06-15T00:00:00Z', { digests: [stale] })).toEqual([
      {
        kind: 'digest',
        subscriptionId: 5,
        periodStart: '2027-04-30T23:00:00.000Z',
        periodEnd: '2027-05-31T23:00:00.000Z',
      },
    ]);
  });
});

describe('whatIsDue: order', () => {
  it('lists closes, opens, reminders, digests, each by id', () => {
    const now = '2027-04-05T09:00:00Z';
    const team2 = londonWeekly({ teamId: 2, lastScheduledOpen: at('2027-03-29T09:00:00Z') });
    const team1 = londonWeekly({ teamId: 1, lastScheduledOpen: at('2027-03-29T09:00:00Z') });
    const rounds = [
      openRound({
        roundId: 12,
        teamId: 9,
        openedAt: at('2027-04-04T09:00:00Z'),
        closesAt: at('2027-04-05T09:00:00Z'),
      }),
      openRound({
        roundId: 11,
        teamId: 8,
        openedAt: at('2027-04-04T09:00:00Z'),
        closesAt: at('2027-04-05T09:00:00Z'),
      }),
      openRound({
        roundId: 21,
        teamId: 7,
        openedAt: at('2027-04-04T09:00:00Z'),
        closesAt: at('2027-04-06T09:00:00Z'),
      }),
      openRound({
        roundId: 20,
        teamId: 6,
        openedAt: at('2027-04-04T09:00:00Z'),
        closesAt: at('2027-04-06T09:00:00Z'),
      }),
    ];
    const digest = (subscriptionId: number): DigestState => ({
      subscriptionId,
      cadence: 'weekly',
      timezone: 'Europe/London',
      since: at('2027-03-01T00:00:00Z'),
      lastPeriodEnd: at('2027-03-29T08:00:00Z'),
    });
    const actions = plan(now, {
      schedules: [team2, team1],
      openRounds: rounds,
      digests: [digest(31), digest(30)],
    });
    expect(actions.map((a) => [a.kind, a.roundId ?? a.teamId ?? a.subscriptionId])).toEqual([
      ['close-round', 11],
      ['close-round', 12],
      ['open-round', 1],
      ['open-round', 2],
      ['remind', 20],
      ['remind', 21],
      ['digest', 30],
      ['digest', 31],
    ]);
  });
});
