import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAliveFetch, SlackCalls } from '../../src/slack/keep-alive-fetch.js';

/** A loopback server that records what it was sent and answers with `answer`. */
async function server(
  answer: (
    req: IncomingMessage,
    body: string,
  ) => { status: number; headers?: Record<string, string>; body: string },
) {
  const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> =
    [];
  const http: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const out = answer(req, body);
      res.writeHead(out.status, out.headers ?? { 'content-type': 'application/json; charset=utf-8' });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/`;
  stops.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
  return { url, seen, http };
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()?.();
});

describe('keepAliveFetch, the Web API client transport', () => {
  it("carries the client's calls and Slack's answers both ways", async () => {
    const { url, seen } = await server(() => ({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': 'chat:write' },
      body: JSON.stringify({ ok: true, ts: '1.000200', channel: 'D1' }),
    }));
    const client = new WebClient('xoxb-1', { slackApiUrl: url, fetch: keepAliveFetch });
    const result = await client.chat.postMessage({ channel: 'U1', text: 'Thanks, recorded ✓' });
    expect(result).toMatchObject({ ok: true, ts: '1.000200', response_metadata: { scopes: ['chat:write'] } });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/chat.postMessage' });
    expect(seen[0]?.headers.authorization).toBe('Bearer xoxb-1');
    expect(new URLSearchParams(seen[0]?.body).get('text')).toBe('Thanks, recorded ✓');
    expect(Number(seen[0]?.headers['content-length'])).toBe(Buffer.byteLength(seen[0]?.body ?? ''));
  });

  it("hands the client Slack's errors, HTTP 429 with its Retry-After, and other statuses", async () => {
    let status = 200;
    const { url } = await server(() =>
      status === 429
        ? { status, headers: { 'retry-after': '7' }, body: '' }
        : status === 200
          ? { status, body: JSON.stringify({ ok: false, error: 'not_in_channel' }) }
          : { status, body: 'bad gateway' },
    );
    const client = new WebClient('xoxb-1', {
      slackApiUrl: url,
      fetch: keepAliveFetch,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: 'not_in_channel' },
    });
    status = 429;
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    status = 502;
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 502,
    });
  });

  it("gives up when the client's timeout passes, and reports a refused connection", async () => {
    const { url, http } = await server(() => ({ status: 200, body: '{"ok":true}' }));
    http.removeAllListeners('request');
    http.on('request', () => {}); // never answers
    const slow = new WebClient('xoxb-1', {
      slackApiUrl: url,
      fetch: keepAliveFetch,
      timeout: 50,
      retryConfig: { retries: 0 },
    });
    await expect(slow.auth.test()).rejects.toMatchObject({ code: ErrorCode.RequestError });
    const nowhere = new WebClient('xoxb-1', {
      slackApiUrl: 'http://127.0.0.1:1/api/',
      fetch: keepAliveFetch,
      retryConfig: { retries: 0 },
    });
    await expect(nowhere.auth.test()).rejects.toMatchObject({ code: ErrorCode.RequestError });
  });

  it('counts the calls Slack answered in the last second, whichever client made them, but not its 429s', async () => {
    let status = 200;
    const { url } = await server(() =>
      status === 429
        ? { status, headers: { 'retry-after': '1' }, body: '' }
        : { status, body: '{"ok":true}' },
    );
    let now = 0;
    const calls = new SlackCalls(() => now);
    const options = { slackApiUrl: url, fetch: calls.fetch, retryConfig: { retries: 0 } };
    const bolts = new WebClient('xoxb-1', options);
    const senders = new WebClient('xoxb-1', { ...options, rejectRateLimitedCalls: true });
    await bolts.users.list({});
    now = 400;
    await senders.chat.postMessage({ channel: 'U1', text: 'x' });
    status = 429;
    await expect(senders.chat.postMessage({ channel: 'U2', text: 'x' })).rejects.toBeDefined();
    expect(calls.lastSecond()).toBe(2);
    now = 1001;
    expect(calls.lastSecond()).toBe(1);
    now = 1401;
    expect(calls.lastSecond()).toBe(0);
    // Calls made on another thread (the check-in thread's client) are told, and age out alike.
    calls.count(3);
    calls.count(0);
    expect(calls.lastSecond()).toBe(3);
    now = 2402;
    expect(calls.lastSecond()).toBe(0);
  });

  it('leaves a body that is not text (a multipart upload) to the global fetch', async () => {
    const { url, seen } = await server(() => ({ status: 200, body: '{"ok":true}' }));
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'chart.png');
    const response = await keepAliveFetch(`${url}files.upload`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(seen[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  });
});
