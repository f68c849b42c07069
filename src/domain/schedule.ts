// The pure time logic of scheduled rounds (SPEC sections 6 and 7): cron expressions, IANA
// zones, wall-clock arithmetic across daylight-saving changes, per-member prompt times,
// reminder times and digest periods. Every instant is a parameter; nothing reads the clock.
//
// The cron matcher is written here rather than borrowed from node-cron: node-cron 4 only answers
// "next run after the real clock" on a live task (timers attached), cannot look backwards for the
// occurrence a restart missed, takes an optional sixth seconds field we do not want, and does not
// say what happens to a time a daylight-saving change skips or repeats. The planner needs all of
// that from a fixed clock, so the matcher is small, explicit and tested with fixed instants.

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How far the occurrence searches look before giving up. A leap-day schedule (`0 9 29 2 *`)
 * can wait eight years (2096 to 2104); rare day-of-month and day-of-week combinations longer.
 */
const SEARCH_DAYS = 28 * 366;

/** The default cadence: Mondays at 10:00 in the team's zone, open for 3 days. */
export const DEFAULT_SCHEDULE = { cron: '0 10 * * MON', openDays: 3 } as const;

/** Reminder DMs to members who have not answered, as fractions of the round's window. */
export const DEFAULT_REMINDER_FRACTIONS: readonly number[] = [0.5, 0.9];

const CRON_EXAMPLE = 'Example: 0 10 * * MON (Mondays at 10:00)';

/** A parsed five-field cron expression. Sets hold the values each field allows. */
export interface CronSpec {
  /** The expression, fields separated by single spaces. */
  source: string;
  /** Ascending. */
  minutes: readonly number[];
  /** Ascending. */
  hours: readonly number[];
  daysOfMonth: ReadonlySet<number>;
  /** 1 = January. */
  months: ReadonlySet<number>;
  /** 0 = Sunday (7 is folded into 0). */
  daysOfWeek: ReadonlySet<number>;
  /**
   * How day-of-month and day-of-week combine, as in Vixie cron: when both fields are restricted
   * (neither starts with `*`) a day matching either counts; otherwise both must match.
   */
  dayRule: 'either' | 'both';
}

export type CronParseResult = { ok: true; cron: CronSpec } | { ok: false; message: string };

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names for the values from `min`, e.g. JAN for 1. */
  names?: readonly string[];
  /** How the range is spelled in messages. */
  range: string;
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59, range: '0-59' },
  { name: 'hour', min: 0, max: 23, range: '0-23' },
  { name: 'day-of-month', min: 1, max: 31, range: '1-31' },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
    range: '1-12 or JAN-DEC',
  },
  {
    name: 'day-of-week',
    min: 0,
    max: 7,
    names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
    range: '0-7 or SUN-SAT (0 and 7 are Sunday)',
  },
];

/** The longest each month can be (February in a leap year). */
const MONTH_MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

class CronFieldError extends Error {}

/**
 * Reads a standard five-field cron expression (minute hour day-of-month month day-of-week):
 * `*`, numbers, ranges `a-b`, lists `a,b`, steps (`*` or a range followed by `/n`), month names
 * JAN-DEC and weekday names SUN-SAT in any case. A step needs `*` or a range (`5/15` is refused, as in Vixie
 * cron: write `5-59/15`). Day-of-month values that never occur in any allowed month
 * (`0 0 31 2 *`) are refused too. Each message quotes the expression, names the field and ends
 * with an example.
 */
export function parseCron(expr: string): CronParseResult {
  const tokens = expr.trim().split(/\s+/).filter(Boolean);
  const source = tokens.join(' ');
  const fail = (detail: string): CronParseResult => ({
    ok: false,
    message: `“${source}”: ${detail}. ${CRON_EXAMPLE}`,
  });
  if (tokens.length === 6) {
    return fail(
      'has six fields, but seconds are not supported; use five (minute hour day-of-month month day-of-week)',
    );
  }
  if (tokens.length !== 5) {
    return fail(
      `a schedule needs five fields (minute hour day-of-month month day-of-week), this has ${tokens.length}`,
    );
  }
  const values: Set<number>[] = [];
  for (const [i, field] of FIELDS.entries()) {
    try {
      values.push(parseField(tokens[i] ?? '', field));
    } catch (error) {
      if (error instanceof CronFieldError) return fail(error.message);
      throw error;
    }
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = values as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  const domStar = tokens[2]?.startsWith('*') ?? false;
  const dowStar = tokens[4]?.startsWith('*') ?? false;
  const dayRule = domStar || dowStar ? 'both' : 'either';
  if (dayRule === 'both') {
    const firstDay = Math.min(...daysOfMonth);
    const possible = [...months].some((m) => firstDay <= (MONTH_MAX_DAYS[m - 1] ?? 0));
    if (!possible) return fail(`day-of-month ${tokens[2]} never occurs in month ${tokens[3]}`);
  }
  const ascending = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return {
    ok: true,
    cron: {
      source,
      minutes: ascending(minutes),
      hours: ascending(hours),
      daysOfMonth,
      months,
      daysOfWeek,
      dayRule,
    },
  };
}

function parseField(token: string, field: CronField): Set<number> {
  const values = new Set<number>();
  for (const item of token.split(',')) {
    const match = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/([^/]*))?$/i.exec(item);
    if (match === null) throw new CronFieldError(`${field.name} “${item}” is not a value, range or step`);
    const [, base = '', stepText] = match;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw new CronFieldError(`${field.name} step “${stepText}” must be a whole number of at least 1`);
      }
      step = Number(stepText);
    }
    let low = field.min;
    let high = field.max;
    if (base !== '*') {
      const [lowText = '', highText] = base.split('-');
      low = fieldValue(lowText, field);
      high = highText === undefined ? low : fieldValue(highText, field);
      if (highText === undefined && stepText !== undefined) {
        throw new CronFieldError(
          `${field.name} step “${item}” needs * or a range, e.g. ${low}-${field.max}/${step}`,
        );
      }
      if (high < low)
        throw new CronFieldError(`${field.name} range “${base}” runs backwards; write it low-high`);
    } else if (field.name === 'day-of-week') {
      high = 6; // `*` is every day once; 7 would only repeat Sunday
    }
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return values;
}

function fieldValue(text: string, field: CronField): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < field.min || value > field.max)
      throw new CronFieldError(`${field.name} must be ${field.range}`);
    return value;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index < 0)
    throw new CronFieldError(`${field.name} “${text}” is not valid; ${field.name} must be ${field.range}`);
  return field.min + index;
}

/** True when `tz` is an IANA time zone name this runtime knows (`UTC`, `Europe/London`). */
export function isValidTimeZone(tz: string): boolean {
  if (tz === '' || tz.trim() !== tz || /^[+-]/.test(tz)) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** A local date and time as a zone's clocks show it. `month` 1-12, `weekday` 0 = Sunday. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

export type WallClock = Pick<ZonedParts, 'year' | 'month' | 'day' | 'hour' | 'minute'>;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for a zone Intl does not know. */
function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

/** The wall clock at `ms` in `tz`, to the second, as a UTC epoch of the same fields. */
function wallMsAt(ms: number, tz: string): number {
  const f = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(tz).formatToParts(ms)) {
    if (part.type in f) f[part.type as keyof typeof f] = Number(part.value);
  }
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (Kolkata: +5.5 h). */
function offsetAt(ms: number, tz: string): number {
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return wallMsAt(ms, tz) - wholeSecond;
}

/** The local date and time at `instant` in `tz`. Throws RangeError for an unknown zone. */
export function zonedParts(instant: Date, tz: string): ZonedParts {
  const wall = new Date(wallMsAt(instant.getTime(), tz));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    weekday: wall.getUTCDay(),
  };
}

/**
 * The instant at which clocks in `tz` show `parts`. Throws RangeError for an unknown zone.
 *
 * - A wall time that happens twice (clocks go back: 01:30 in London on 2027-10-31) gives the
 *   FIRST occurrence (01:30 BST), so a schedule there fires once, not twice.
 * - A wall time that never happens (clocks go forward: 01:30 in London on 2027-03-28) is moved
 *   forward by the length of the gap (02:30 BST): the time read with the offset in force before
 *   the change. This is what java.time and Temporal ("compatible") do, and it fires once.
 *
 * Assumes at most one offset change within a day either side, true of every zone in use.
 */
export function instantFromWallClock(parts: WallClock, tz: string): Date {
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  return new Date(offsetsBetween(wall - DAY_MS, wall + DAY_MS, tz).instantOf(wall));
}

/**
 * The zone's offsets over the instants [from, to], assumed to hold at most one change, and how
 * wall times in that stretch map to instants (the rules of instantFromWallClock).
 */
function offsetsBetween(from: number, to: number, tz: string): { instantOf: (wall: number) => number } {
  const before = offsetAt(from, tz);
  const after = offsetAt(to, tz);
  if (before === after) return { instantOf: (wall) => wall - before };
  // Binary search for the first whole second showing the new offset.
  let low = Math.floor(from / 1000);
  let high = Math.ceil(to / 1000);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (offsetAt(mid * 1000, tz) === before) low = mid;
    else high = mid;
  }
  const change = high * 1000;
  return {
    instantOf(wall) {
      // Before a backward change the old offset is the larger one, so reading the wall time with
      // it first gives the earlier of two valid instants; in a gap neither reading is valid and
      // the old offset moves the time forward by the gap.
      const withBefore = wall - before;
      if (withBefore < change) return withBefore;
      const withAfter = wall - after;
      return withAfter >= change ? withAfter : withBefore;
    },
  };
}

/** A calendar date as the UTC epoch of its midnight, so days step by DAY_MS. */
type CivilDay = number;

function civilDayAt(ms: number, tz: string): CivilDay {
  const wall = wallMsAt(ms, tz);
  return wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
}

function dayMatches(cron: CronSpec, day: CivilDay): boolean {
  const date = new Date(day);
  if (!cron.months.has(date.getUTCMonth() + 1)) return false;
  const dom = cron.daysOfMonth.has(date.getUTCDate());
  const dow = cron.daysOfWeek.has(date.getUTCDay());
  return cron.dayRule === 'both' ? dom && dow : dom || dow;
}

/** Every instant the cron fires on one local date in `tz`, in wall-clock order. */
function occurrencesOn(cron: CronSpec, tz: string, day: CivilDay): number[] {
  if (!dayMatches(cron, day)) return [];
  // Local midnight lies within [day - 14 h, day + 12 h] in every zone, so this stretch holds the
  // whole local day.
  const { instantOf } = offsetsBetween(day - 14 * HOUR_MS, day + DAY_MS + 12 * HOUR_MS, tz);
  const out: number[] = [];
  for (const hour of cron.hours) {
    for (const minute of cron.minutes) out.push(instantOf(day + hour * HOUR_MS + minute * MINUTE_MS));
  }
  return out;
}

/**
 * The first instant strictly after `after` at which `cron` fires in `tz` (minute resolution),
 * or null when nothing matches within the search horizon (28 years; after parseCron only
 * contrived day-of-month and day-of-week combinations get there). Throws RangeError for an
 * unknown zone.
 */
export function nextOccurrence(cron: CronSpec, tz: string, after: Date): Date | null {
  const from = after.getTime();
  const firstDay = civilDayAt(from, tz) - DAY_MS;
  let best: number | null = null;
  let foundOn = 0;
  for (let i = 0; i <= SEARCH_DAYS; i++) {
    // A time moved forward out of a gap can land past the next day's first firing, so one more
    // day is read before settling.
    if (best !== null && i > foundOn + 1) break;
    for (const t of occurrencesOn(cron, tz, firstDay + i * DAY_MS)) {
      if (t > from && (best === null || t < best)) {
        if (best === null) foundOn = i;
        best = t;
      }
    }
  }
  return best === null ? null : new Date(best);
}

/**
 * The most recent instant in (notBefore, atOrBefore] at which `cron` fires in `tz`, or null.
 * Throws RangeError for an unknown zone.
 */
export function latestOccurrence(cron: CronSpec, tz: string, atOrBefore: Date, notBefore: Date): Date | null {
  const high = atOrBefore.getTime();
  const low = notBefore.getTime();
  if (high <= low) return null;
  const lastDay = civilDayAt(high, tz) + DAY_MS;
  const days = Math.min(SEARCH_DAYS, Math.ceil((lastDay - civilDayAt(low, tz)) / DAY_MS) + 1);
  let best: number | null = null;
  let foundOn = 0;
  for (let i = 0; i <= days; i++) {
    if (best !== null && i > foundOn + 1) break;
    for (const t of occurrencesOn(cron, tz, lastDay - i * DAY_MS)) {
      if (t > low && t <= high && (best === null || t > best)) {
        if (best === null) foundOn = i;
        best = t;
      }
    }
  }
  return best === null ? null : new Date(best);
}

/**
 * When to DM one member of a round (SPEC section 6): the team's scheduled local date and time
 * (read in `teamTz` at `roundOpensAt`) as the same local date and time in the member's own
 * zone. When that has already passed there, or the member's zone is unknown (null), or it would
 * fall at or after `roundClosesAt`, the member is asked at once: at `roundOpensAt`.
 *
 * Example: a London round opening Monday 10:00 reaches Los Angeles at Monday 10:00 Pacific,
 * and Kolkata at once (Monday 10:00 there was hours earlier).
 */
export function memberPromptAt(
  roundOpensAt: Date,
  teamTz: string,
  memberTz: string | null,
  roundClosesAt?: Date,
): Date {
  if (memberTz === null) return roundOpensAt;
  const { year, month, day, hour, minute } = zonedParts(roundOpensAt, teamTz);
  const local = instantFromWallClock({ year, month, day, hour, minute }, memberTz);
  if (local.getTime() < roundOpensAt.getTime()) return roundOpensAt;
  if (roundClosesAt !== undefined && local.getTime() >= roundClosesAt.getTime()) return roundOpensAt;
  return local;
}

/**
 * When the reminders of a round fall due: each fraction of the window after `openedAt`, rounded
 * to the millisecond. Throws RangeError unless the fractions ascend strictly within (0, 1).
 */
export function reminderTimes(
  openedAt: Date,
  closesAt: Date,
  fractions: readonly number[] = DEFAULT_REMINDER_FRACTIONS,
): Date[] {
  fractions.forEach((f, i) => {
    if (!(f > 0 && f < 1) || (i > 0 && f <= (fractions[i - 1] ?? 0))) {
      throw new RangeError(`reminder fractions must ascend within (0, 1), got ${fractions.join(', ')}`);
    }
  });
  const start = openedAt.getTime();
  const window = closesAt.getTime() - start;
  return fractions.map((f) => new Date(start + Math.round(window * f)));
}

/** When a round opened at `openedAt` closes: `openDays` × 24 hours later. */
export function closesAt(openedAt: Date, openDays: number): Date {
  return new Date(openedAt.getTime() + openDays * DAY_MS);
}

export type DigestCadence = 'weekly' | 'monthly';

const DIGEST_CRONS: Record<DigestCadence, CronSpec> = {
  weekly: mustParse('0 9 * * MON'),
  monthly: mustParse('0 9 1 * *'),
};

/** The longest gap between two digest boundaries, with room for a daylight-saving change. */
const DIGEST_LOOKBACK_MS = 32 * DAY_MS;

function mustParse(expr: string): CronSpec {
  const parsed = parseCron(expr);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.cron;
}

/**
 * The most recent digest boundary at or before `atOrBefore` in `tz`: Monday 09:00 (weekly) or
 * the 1st of the month 09:00 (monthly), local time. Throws RangeError for an unknown zone.
 */
export function digestPeriodEnd(cadence: DigestCadence, tz: string, atOrBefore: Date): Date {
  return boundaryAtOrBefore(cadence, tz, atOrBefore.getTime());
}

/** The digest boundary before `periodEnd`: where the period ending there began. */
export function digestPeriodStart(cadence: DigestCadence, tz: string, periodEnd: Date): Date {
  return boundaryAtOrBefore(cadence, tz, periodEnd.getTime() - 1);
}

function boundaryAtOrBefore(cadence: DigestCadence, tz: string, ms: number): Date {
  const found = latestOccurrence(DIGEST_CRONS[cadence], tz, new Date(ms), new Date(ms - DIGEST_LOOKBACK_MS));
  if (found === null)
    throw new Error(`no ${cadence} digest boundary within 32 days of ${new Date(ms).toISOString()}`);
  return found;
}
