/**
 * Slack retries an event it thinks we missed (x-slack-retry-num, up to 3 times) and Bolt does not
 * deduplicate them, so the same event_id could run its listener twice. This says whether an
 * event's id was seen recently, so it can be dropped. It remembers the last `capacity` ids in
 * memory: Slack's retries come within minutes, and the events the app handles are idempotent (app_home_opened, user_change,
 * app_uninstalled, tokens_revoked) or nearly so (member_joined_channel), so a retry arriving just
 * after a restart costs one extra Home publish or one repeated "thanks for adding me" at most.
 */
export function repeatedEvents(capacity = 5000): (body: unknown) => boolean {
  const seen = new Set<string>();
  return (body) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId !== 'string') return false;
    if (seen.has(eventId)) return true;
    seen.add(eventId);
    if (seen.size > capacity) seen.delete(seen.values().next().value as string);
    return false;
  };
}
