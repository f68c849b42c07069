import { createHmac } from 'node:crypto';

/**
 * Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` keyed with the
 * signing secret (FACTS.md, "Requests into the app"). The timestamp is in seconds and goes in
 * X-Slack-Request-Timestamp; the result goes in X-Slack-Signature.
 */
export function signRequest(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
