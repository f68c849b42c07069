const unixSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/**
 * A time as Slack shows it: its `<!date>` token renders in each reader's own time zone (from
 * their profile); the fallback, for clients that cannot, is UTC. Every time the app writes into
 * Slack goes through this, so there is one format everywhere. It lives with the services because
 * their error messages name times too.
 */
export const slackDate = (iso: string): string =>
  `<!date^${unixSeconds(iso)}^{date_short_pretty} at {time}|${iso.slice(0, 16).replace('T', ' ')} UTC>`;

/**
 * A date alone ("since …", a round's "Mar 8 to Mar 11"), as Slack shows it: the day of that
 * instant in the reader's own zone, so a round that closed at 23:30 UTC reads as the next day in
 * Sydney, as its `slackDate` does. Only mrkdwn renders the token (not `plain_text` objects, header
 * blocks or a message's `text` fallback, which keep `utcDay`); the fallback is the UTC date.
 */
export const slackDay = (iso: string): string =>
  `<!date^${unixSeconds(iso)}^{date_short_pretty}|${utcDay(iso)}>`;

/** The UTC date of an instant, "2027-03-08": for plain text, where a `<!date>` token shows raw. */
export const utcDay = (iso: string): string => new Date(iso).toISOString().slice(0, 10);
