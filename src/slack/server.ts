import http from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { HTTPReceiver } from '@slack/bolt';
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

/** Interaction types Bolt routes without `actions` or `name` (see Bolt's getTypeAndConversation). */
const ROUTABLE_INTERACTIONS = new Set([
  'block_suggestion',
  'dialog_submission',
  'shortcut',
  'message_action',
  'view_submission',
  'view_closed',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An interaction Bolt can route to a listener; anything else it would leave unacknowledged. */
const isRoutableInteraction = (payload: unknown): boolean =>
  isObject(payload) &&
  (payload.actions !== undefined ||
    payload.name !== undefined ||
    (typeof payload.type === 'string' && ROUTABLE_INTERACTIONS.has(payload.type)));

/**
 * Whether the body has the shape of something Slack sends, read as Bolt will read it: a slash
 * command or ssl_check form, an interaction Bolt can route, or a JSON object with a `type`
 * (events, url_verification). Bolt reads fields of the parsed body in a promise nobody catches,
 * so a `payload` of `null` would end the process, and a body it cannot route waits 3 s for an
 * ack that never comes; such bodies are answered 400 here instead.
 */
export function isSlackShaped(raw: Buffer, contentType: string | undefined): boolean {
  try {
    const text = raw.toString('utf8');
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = parseQuery(text);
      if (typeof form.payload === 'string') return isRoutableInteraction(JSON.parse(form.payload));
      return typeof form.command === 'string' || form.ssl_check === '1';
    }
    const body: unknown = JSON.parse(text);
    return isObject(body) && typeof body.type === 'string';
  } catch {
    return true; // Bolt answers unparseable bodies 400 itself
  }
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

/** POST /slack/events: our checks, then Bolt's receiver (signature, stale timestamp, dispatch). */
async function slackEvents(
  receiver: HTTPReceiver,
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
  if (!isSlackShaped(body, req.headers['content-type'])) {
    answer(res, 400, 'request body is not a Slack command, interaction or event');
    return;
  }
  // Bolt reuses a body already read into `rawBody` instead of reading the stream again.
  Object.assign(req, { rawBody: body });
  receiver.requestListener(req, res);
}

/**
 * The one HTTP server of the process: GET /healthz in both modes, and in HTTP mode POST
 * /slack/events, which Bolt's receiver verifies (signature, stale timestamp) and dispatches.
 */
export function createServer(input: {
  receiver: HTTPReceiver | null;
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
