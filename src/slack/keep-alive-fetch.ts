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
