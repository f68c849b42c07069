// The pure time logic of scheduled rounds (SPEC sections 6 and 7): cron expressions, IANA
// zones, wall-clock arithmetic across daylight-saving changes, per-member prompt times,
// reminder times and digest periods. Every instant is a parameter; nothing reads the clock.
//
// Occurrences come from croner (no dependencies): the next or previous time an expression fires
// in an IANA zone from any instant, DST included. node-cron stays the app's one-minute tick
// (scheduler/); it cannot answer "when next" from a fixed clock or look back for a missed run.
// The parser is our own for its messages: each names the field that is wrong and shows an
// example, where croner's would say only that the pattern is invalid.
import { Cron, CronDate } from 'croner';

const DAY_MS = 24 * 60 * 60_000;

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
  let valid = zoneValidity.get(tz);
  if (valid === undefined) {
    valid = tz !== '' && tz.trim() === tz && !/^[+-]/.test(tz) && intlKnows(tz);
    // Building a formatter costs about as much as an occurrence search, and the planner asks
    // about the same few zones every minute. Names are short and few; cap the map anyway.
    if (zoneValidity.size >= 1_000) zoneValidity.clear();
    zoneValidity.set(tz, valid);
  }
  return valid;
}

const zoneValidity = new Map<string, boolean>();

function intlKnows(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
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

/** The local date and time at `instant` in `tz`. Throws RangeError for an unknown zone. */
export function zonedParts(instant: Date, tz: string): ZonedParts {
  const local = new CronDate(instant, checkedZone(tz));
  return {
    year: local.year,
    month: local.month + 1,
    day: local.day,
    hour: local.hour,
    minute: local.minute,
    weekday: new Date(Date.UTC(local.year, local.month, local.day)).getUTCDay(),
  };
}

/**
 * The instant at which clocks in `tz` show `parts`, as croner reads a local time in a zone.
 * Throws RangeError for an unknown zone.
 *
 * - A wall time that happens twice (clocks go back: 01:30 in London on 2027-10-31) gives the
 *   FIRST occurrence (01:30 BST), so a schedule there fires once, not twice.
 * - A wall time that never happens (clocks go forward: 01:30 in London on 2027-03-28) is moved
 *   forward by the length of the gap (02:30 BST): the time read with the offset in force before
 *   the change. This is what java.time and Temporal ("compatible") do, and it fires once.
 */
export function instantFromWallClock(parts: WallClock, tz: string): Date {
  return new CronDate(wallClockText(parts), checkedZone(tz)).getDate();
}

/** `2027-03-28T01:30:00`: the form croner reads as a local time in the job's zone. */
function wallClockText({ year, month, day, hour, minute }: WallClock): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:00`;
}

/** croner throws a TypeError or a RangeError for an unknown zone, by call; callers rely on RangeError. */
function checkedZone(tz: string): string {
  if (!isValidTimeZone(tz)) throw new RangeError(`Invalid time zone specified: ${tz}`);
  return tz;
}

/**
 * croner's job for a parsed expression in a zone. The pattern is written from the spec's value
 * sets (not its source), so a spec is exactly what fires. Every field is then an explicit list,
 * which croner (with fixedTimeRule `no-wildcard`, the Vixie rule) treats as a fixed-time job: a
 * wall time that happens twice fires once, at its first occurrence. Day-of-month and day-of-week
 * combine by the spec's own rule (`domAndDow`), since lists hide the `*` croner would look for.
 * Null when a field allows nothing, so nothing can ever fire.
 */
function cronerJob(cron: CronSpec, tz: string): Cron | null {
  const fields = [cron.minutes, cron.hours, [...cron.daysOfMonth], [...cron.months], [...cron.daysOfWeek]];
  if (fields.some((values) => values.length === 0)) return null;
  const pattern = fields.map((values) => [...values].sort((a, b) => a - b).join(',')).join(' ');
  const key = `${pattern}|${cron.dayRule}|${tz}`;
  let job = jobs.get(key);
  if (job === undefined) {
    if (jobs.size >= MAX_CACHED_JOBS) jobs.clear();
    job = new Cron(pattern, {
      timezone: checkedZone(tz),
      mode: '5-part',
      domAndDow: cron.dayRule === 'both',
      fixedTimeRule: 'no-wildcard',
    });
    jobs.set(key, job);
  }
  return job;
}

/** Parsed jobs by pattern and zone: a tick asks about the same few teams every minute. */
const jobs = new Map<string, Cron>();
const MAX_CACHED_JOBS = 1_000;

/**
 * Where croner's answer and SPEC section 6 part: a time that a spring-forward change skips.
 * croner (like Vixie cron) runs a fixed-time job at the first valid time after the gap (02:00 BST
 * for a 01:30 London schedule on 2027-03-28). This project reads a skipped wall time with the
 * offset before the change instead (02:30 BST), as instantFromWallClock does for members' prompt
 * times, so a round and the prompts of its team's zone agree and the schedule keeps its minutes.
 * When several scheduled times fall in one gap, croner fires once and so does this: at the first
 * of them (`0,30 1 * * *` fires at 02:00 BST only), as a round opens once per change anyway.
 *
 * `run` is one of croner's runs of `cron`; the answer is the instant this project fires it at.
 */
function asScheduled(job: Cron, cron: CronSpec, tz: string, run: Date): Date {
  if (job.match(run)) return run;
  // Not a match: croner moved a skipped time here. The first scheduled time before it on the
  // same local date that does not exist is that skipped time.
  const local = zonedParts(run, tz);
  for (const hour of cron.hours) {
    for (const minute of cron.minutes) {
      if (hour * 60 + minute >= local.hour * 60 + local.minute) return run;
      const wall = { year: local.year, month: local.month, day: local.day, hour, minute };
      const instant = instantFromWallClock(wall, tz);
      const back = zonedParts(instant, tz);
      if (back.hour !== hour || back.minute !== minute) return instant;
    }
  }
  return run;
}

const GAP_LOOKBACK_MS = 3 * 60 * 60_000;

/** How far `tz`'s clocks are ahead of UTC at `instant`, in minutes (Kolkata: 330). */
function offsetMinutes(instant: Date, tz: string): number {
  const { year, month, day, hour, minute } = zonedParts(instant, tz);
  return Math.round((Date.UTC(year, month - 1, day, hour, minute) - instant.getTime()) / 60_000);
}

/**
 * The first instant strictly after `after` at which `cron` fires in `tz` (minute resolution),
 * or null when nothing can ever match. croner searches; asScheduled applies the gap rule, which
 * can only move a run later, so the run just before `after` is checked too. Throws RangeError
 * for an unknown zone.
 */
export function nextOccurrence(cron: CronSpec, tz: string, after: Date): Date | null {
  const job = cronerJob(cron, tz);
  if (job === null) return null;
  // Only a run at a spring-forward change can be moved past `after`, by at most the gap (an hour,
  // two in the odd zone); without a change in the three hours before `after`, skip the search.
  if (offsetMinutes(new Date(after.getTime() - GAP_LOOKBACK_MS), tz) < offsetMinutes(after, tz)) {
    const [before] = job.previousRuns(1, new Date(after.getTime() + 1));
    if (before !== undefined) {
      const moved = asScheduled(job, cron, tz, before);
      if (moved.getTime() > after.getTime()) return moved;
    }
  }
  const next = job.nextRun(after);
  return next === null ? null : asScheduled(job, cron, tz, next);
}

/**
 * The most recent instant in (notBefore, atOrBefore] at which `cron` fires in `tz`, or null.
 * The gap rule can move croner's latest run past `atOrBefore`; then the run before it is the
 * answer. Throws RangeError for an unknown zone.
 */
export function latestOccurrence(cron: CronSpec, tz: string, atOrBefore: Date, notBefore: Date): Date | null {
  const high = atOrBefore.getTime();
  const low = notBefore.getTime();
  if (high <= low) return null;
  const job = cronerJob(cron, tz);
  if (job === null) return null;
  let [run] = job.previousRuns(1, new Date(high + 1));
  for (let tries = 0; run !== undefined && tries < 2; tries++) {
    const at = asScheduled(job, cron, tz, run);
    if (at.getTime() <= high) return at.getTime() > low ? at : null;
    [run] = job.previousRuns(1, run);
  }
  return null;
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
