import http from 'node:http';
import type { SlackRequestReceiver } from './receiver.js';
import type { RequestGate } from './request-gate.js';

/** Bolt refuses timestamps over 5 minutes old but accepts any in the future; we refuse both. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** Bolt's own limit for a request from Slack (FACTS: 413 above 4 MB). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * True when X-Slack-Request-Timestamp is more than five minutes ahead of our clock. It is read
 * with Number() as Bolt reads it, so `1e12`, `0x…` or a fraction cannot slip past this check.
 */
export function isFromTheFuture(header: string | string[] | undefined, nowMs: number): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return false; // Bolt refuses a missing timestamp itself
  const seconds = Number(value);
  if (Number.isNaN(seconds)) return false; // and one that is not a number
  return seconds - Math.floor(nowMs / 1000) > MAX_CLOCK_SKEW_SECONDS;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const answer = (res: http.ServerResponse, status: number, text: string) => {
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
  res.end(text);
};

/**
 * POST /slack/events: what needs no body (a timestamp from the future) and Bolt's size limit, then
 * the receiver (signature, stale timestamp, parse, shape, dispatch).
 */
async function slackEvents(
  receiver: SlackRequestReceiver,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  now: () => number,
): Promise<void> {
  if (req.method === 'POST' && isFromTheFuture(req.headers['x-slack-request-timestamp'], now())) {
    req.resume();
    answer(res, 401, 'request timestamp is too far in the future');
    return;
  }
  const body = await readBody(req);
  if (body === 'too-large') {
    answer(res, 413, 'request body is larger than 4 MB');
    return;
  }
  await receiver.handle(req, res, body);
}

/**
 * The one HTTP server of the process: GET /healthz in both modes, and in HTTP mode POST
 * /slack/events, which Bolt's receiver verifies (signature, stale timestamp) and dispatches.
 */
export function createServer(input: {
  receiver: SlackRequestReceiver | null;
  health: () => Record<string, unknown>;
  now?: () => number;
  /** Told of each request to /slack/events until its response is written (the ack). */
  gate?: RequestGate;
}): http.Server {
  const now = input.now ?? Date.now;
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      // A throw here would end the process (this handler runs outside any promise); a database
      // that cannot be read is reported as 503 instead.
      let status = 200;
      let body: string;
      try {
        body = JSON.stringify({ status: 'ok', ...input.health() });
      } catch (error) {
        status = 503;
        body = JSON.stringify({ status: 'error', error: (error as Error).message });
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (url.pathname === '/slack/events' && input.receiver) {
      const receiver = input.receiver;
      const leave = input.gate?.enter();
      if (leave) {
        res.once('finish', leave);
        res.once('close', leave);
      }
      slackEvents(receiver, req, res, now).catch(() => {
        if (!res.headersSent) answer(res, 400, 'could not read the request');
        else res.destroy();
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
}
