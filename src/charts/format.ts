// How figures read in chart labels and alt text.

/** `60%`, `62.5%`; `withheld` for a figure the anonymity rule hides, never a number. */
export function formatPct(value: number | null): string {
  return value === null ? 'withheld' : `${value}%`;
}

/** Engineers per data scientist with two decimals, as in the CSV export; `none` with no data scientists. */
export function formatRatio(ratio: number | null): string {
  return ratio === null ? 'none' : ratio.toFixed(2);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `3 Mar` (UTC), or `3 Mar 2025` when the rounds shown span more than one year. */
export function formatDay(iso: string, withYear: boolean): string {
  const date = new Date(iso);
  const day = `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
  return withYear ? `${day} ${date.getUTCFullYear()}` : day;
}

/** The ISO date (UTC) of a time, `2025-03-03`. */
export function isoDay(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

export function spansYears(isoTimes: readonly string[]): boolean {
  return new Set(isoTimes.map((t) => new Date(t).getUTCFullYear())).size > 1;
}

/** Cuts a name to `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A safe file name part: lower case letters, digits and dashes. */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s === '' ? 'team' : s;
}
