import http from 'node:http';
import type { HTTPReceiver } from '@slack/bolt';

/** Bolt refuses timestamps over 5 minutes old but accepts any in the future; we refuse both. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** True when X-Slack-Request-Timestamp is more than five minutes ahead of our clock. */
export function isFromTheFuture(header: string | string[] | undefined, nowMs: number): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,12}$/.test(value)) return false; // Bolt refuses these itself
  return Number(value) - Math.floor(nowMs / 1000) > MAX_CLOCK_SKEW_SECONDS;
}

/**
 * The one HTTP server of the process: GET /healthz in both modes, and in HTTP mode POST
 * /slack/events, which Bolt's receiver verifies (signature, stale timestamp) and dispatches.
 */
export function createServer(input: {
  receiver: HTTPReceiver | null;
  health: () => Record<string, unknown>;
  now?: () => number;
}): http.Server {
  const now = input.now ?? Date.now;
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const body = JSON.stringify({ status: 'ok', ...input.health() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (url.pathname === '/slack/events' && input.receiver) {
      if (req.method === 'POST' && isFromTheFuture(req.headers['x-slack-request-timestamp'], now())) {
        req.resume();
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('request timestamp is too far in the future');
        return;
      }
      input.receiver.requestListener(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
}
