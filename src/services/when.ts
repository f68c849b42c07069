/**
 * A time as Slack shows it: its `<!date>` token renders in each reader's own time zone (from
 * their profile); the fallback, for clients that cannot, is UTC. Every time the app writes into
 * Slack goes through this, so there is one format everywhere. It lives with the services because
 * their error messages name times too.
 */
export const slackDate = (iso: string): string =>
  `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} at {time}|${iso.slice(0, 16).replace('T', ' ')} UTC>`;
