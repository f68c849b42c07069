/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, for text people typed
 * (team names): unescaped, a name like `<!channel> Ops` would notify a whole channel and one
 * carrying `<https://…|click>` would become a link.
 */
export const escapeText = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
