// Whether a round's window would still be open when the schedule opens the next one. Two rounds
// of one team cannot be open at once, so such a schedule would silently skip openings.
import { type CronSpec, nextOccurrence } from './schedule.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Enough openings to meet every gap a five-field cron has within a year, and a bound on work. */
const MAX_OPENINGS = 400;

/** The shortest time between two consecutive openings over the coming year; null with fewer than two. */
export function shortestGapMs(cron: CronSpec, timezone: string, from: Date): number | null {
  const end = from.getTime() + 366 * DAY_MS;
  let previous = nextOccurrence(cron, timezone, from);
  let shortest: number | null = null;
  for (let i = 0; previous !== null && i < MAX_OPENINGS; i++) {
    const next = nextOccurrence(cron, timezone, previous);
    if (next === null || next.getTime() > end) break;
    const gap = next.getTime() - previous.getTime();
    shortest = shortest === null ? gap : Math.min(shortest, gap);
    previous = next;
  }
  return shortest;
}

/**
 * The overlap, if a window of `openDays` outlasts the shortest gap between openings. A
 * daylight-saving change makes one day 23 hours, so a one-day window on a daily schedule is
 * allowed that hour of slack. `longestOpenDays` is the widest window that fits (0: none does).
 */
export function windowOverlap(
  cron: CronSpec,
  timezone: string,
  openDays: number,
  from: Date,
): { gapMs: number; longestOpenDays: number } | null {
  const gap = shortestGapMs(cron, timezone, from);
  if (gap === null || openDays * DAY_MS <= gap + HOUR_MS) return null;
  return { gapMs: gap, longestOpenDays: Math.floor((gap + HOUR_MS) / DAY_MS) };
}
