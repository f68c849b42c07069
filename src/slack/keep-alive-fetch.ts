import http from 'node:http';
import https from 'node:https';
import type { FetchFunction } from '@slack/web-api';

// The client declares these shapes but exports only the function's type.
type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchHeaders = FetchResponse['headers'];

/**
 * The Web API client's transport (its documented `fetch` option), on node:http(s) with kept-alive
 * sockets. The client's default, Node's global fetch, builds a WHATWG Request, Response and
 * Headers around every call: measured against the sandbox, a chat.update cost about 0.45 ms of
 * CPU through it and 0.2 ms through this, and that CPU is taken from the requests waiting for an
 * ack (`npm run bench -- --only ack`). The client keeps everything else: its retries, rate-limit
 * handling, serialisation and errors. Only what the client sends as text goes this way; anything
 * else (the multipart body of a file upload) goes through the global fetch, unchanged.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
} as const;

export const keepAliveFetch: FetchFunction = (url, init = {}) => {
  const target = typeof url === 'string' ? new URL(url) : url;
  if ((init.body !== undefined && typeof init.body !== 'string') || !(target.protocol in agents))
    return globalThis.fetch(url, init as RequestInit) as Promise<FetchResponse>;
  return send(target, init);
};

/** How far back SlackCalls remembers: the window of the workspace limit the sender learns. */
const CALL_WINDOW_MS = 1000;

/**
 * The Web API calls of one app, whichever client made them (Bolt's, the sender's): a transport
 * that counts each call Slack answered other than with HTTP 429. A workspace's limit counts every
 * call of the app, so the sender estimates it from all of them: a users.list walk as a round
 * opens takes its share of the second in which the first check-ins go out.
 */
export class SlackCalls {
  private readonly answered: number[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  readonly fetch: FetchFunction = async (url, init) => {
    const response = await keepAliveFetch(url, init);
    if (response.status !== 429) {
      this.answered.push(this.now());
      this.forget();
    }
    return response;
  };

  /** Counts calls Slack answered that went another way (the check-in thread's client). */
  count(calls: number): void {
    const at = this.now();
    for (let i = 0; i < calls; i++) this.answered.push(at);
    this.forget();
  }

  /** Calls Slack answered (not with HTTP 429) in the last second. */
  lastSecond(): number {
    this.forget();
    return this.answered.length;
  }

  private forget(): void {
    const since = this.now() - CALL_WINDOW_MS;
    let old = 0;
    while (old < this.answered.length && (this.answered[old] as number) <= since) old++;
    if (old > 0) this.answered.splice(0, old);
  }
}

function send(target: URL, init: FetchRequestInit): Promise<FetchResponse> {
  const protocol = target.protocol as keyof typeof agents;
  const transport = protocol === 'https:' ? https : http;
  const body = init.body as string | undefined;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: init.method ?? 'GET',
        headers: {
          ...init.headers,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        },
        agent: agents[protocol],
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => resolve(toResponse(target, response, Buffer.concat(chunks))));
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

function toResponse(target: URL, response: http.IncomingMessage, body: Buffer): FetchResponse {
  const status = response.statusCode ?? 0;
  // Node lower-cases header names, as the Fetch standard's Headers.get expects to look them up.
  const raw = response.headers;
  const headers: FetchHeaders = {
    get: (name: string) => {
      const value = raw[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    entries: () =>
      Object.entries(raw).map(([name, value]): [string, string] => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
  };
  const text = () => body.toString('utf8');
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: response.statusMessage ?? '',
    url: target.href,
    headers,
    text: async () => text(),
    json: async () => JSON.parse(text()),
    arrayBuffer: async () =>
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
  };
}
