// Small HTTP helpers for the sandbox's server side.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Large enough for any file the app exports; Slack's own ceiling is far higher. */
const MAX_BODY_BYTES = 50 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  readonly code = 'body_too_large';
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body above ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * @slack/web-api 8 JSON-stringifies every argument that is not a string, number, boolean or Buffer
 * before form-encoding (WebClient.serializeBody), so these fields arrive as JSON strings.
 */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

function parseJsonFields(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (JSON_FIELDS.has(key) && typeof value === 'string') {
      try {
        out[key] = JSON.parse(value);
      } catch {
        out[key] = value;
      }
    } else {
      out[key] = value;
    }
  }
  return out;
}

function fromSearchParams(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of params) out[key] = value;
  return out;
}

export class InvalidBodyError extends Error {
  constructor(readonly slackError: 'invalid_json' | 'invalid_form_data') {
    super(slackError);
  }
}

/**
 * A Web API method's arguments from any of the encodings Slack accepts: a JSON body, a form body
 * (what the WebClient sends), multipart form data, or the query string.
 */
export async function parseApiArgs(
  req: IncomingMessage,
  body: Buffer,
  url: URL,
): Promise<Record<string, unknown>> {
  const query = fromSearchParams(url.searchParams);
  const type = mediaType(req);
  if (body.length === 0) return parseJsonFields(query);
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidBodyError('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new InvalidBodyError('invalid_json');
    return { ...query, ...parseJsonFields(parsed as Record<string, unknown>) };
  }
  if (type === 'multipart/form-data') {
    const form = await parseMultipart(req, body);
    const fields: Record<string, unknown> = {};
    for (const [key, value] of form) if (typeof value === 'string') fields[key] = value;
    return { ...query, ...parseJsonFields(fields) };
  }
  return { ...query, ...parseJsonFields(fromSearchParams(new URLSearchParams(body.toString('utf8')))) };
}

/** Multipart parsing through the platform's own Fetch implementation, so no parser of our own. */
export async function parseMultipart(req: IncomingMessage, body: Buffer): Promise<FormData> {
  const contentType = req.headers['content-type'] ?? '';
  try {
    return await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new InvalidBodyError('invalid_form_data');
  }
}

/** The token from `Authorization: Bearer …`, else from a `token` argument, as Slack accepts both. */
export function tokenOf(req: IncomingMessage, args: Record<string, unknown>): string | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  if (match?.[1] !== undefined) return match[1];
  return typeof args.token === 'string' && args.token !== '' ? args.token : undefined;
}
