import { SlackApiError } from './method.js';

export interface Page<T> {
  items: T[];
  nextCursor: string;
}

/**
 * Slack's cursor pagination: `next_cursor` is opaque (Slack's look like base64 of `user:U123`) and
 * empty on the last page. A limit of 0 returns everything, as Slack does for small workspaces.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  kind: string,
  limit: number | undefined,
  cursor: string | undefined,
): Page<T> {
  let start = 0;
  if (cursor !== undefined && cursor !== '') {
    const key = Buffer.from(cursor, 'base64').toString('utf8');
    start = key.startsWith(`${kind}:`)
      ? items.findIndex((item) => keyOf(item) === key.slice(kind.length + 1))
      : -1;
    if (start < 0) throw new SlackApiError('invalid_cursor');
  }
  const end = limit === undefined || limit === 0 ? items.length : Math.min(items.length, start + limit);
  const next = items[end];
  return {
    items: items.slice(start, end),
    nextCursor: next === undefined ? '' : Buffer.from(`${kind}:${keyOf(next)}`).toString('base64'),
  };
}
