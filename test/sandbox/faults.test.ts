import { type WebAPIHTTPError, type WebAPIRateLimitedError, WebClient, WebClientEvent } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import {
  ALICE,
  BOT_TOKEN,
  clientFor,
  FRAUD,
  GENERAL,
  joinChannels,
  quietLogger,
  slackError,
  startSandbox,
} from './helpers.js';

let sandbox: Sandbox;
/** The calls a test made, after the channel joins of the set-up. */
const calls = () => sandbox.calls.filter((c) => c.method !== 'conversations.join');

beforeEach(async () => {
  sandbox = await startSandbox();
  await joinChannels(sandbox);
});

afterEach(async () => {
  await sandbox.stop();
});

describe('rate limits', () => {
  it('answers HTTP 429 with Retry-After, which the WebClient waits out and retries', async () => {
    sandbox.rateLimitNext('chat.postMessage', { retryAfterSeconds: 1 });
    const client = clientFor(sandbox, { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 10 } });
    const pauses: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => pauses.push(seconds));
    const started = Date.now();
    const result = await client.chat.postMessage({ channel: GENERAL.id, text: 'digest' });
    expect(result.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(pauses).toEqual([1]);
    expect(calls().map((c) => [c.method, c.status, c.error])).toEqual([
      ['chat.postMessage', 429, 'ratelimited'],
      ['chat.postMessage', 200, undefined],
    ]);
    expect(sandbox.messages(GENERAL.id)).toHaveLength(1);
  });

  it('limits chat.postMessage per channel and all calls per workspace when limits are set', async () => {
    sandbox.setLimits({ postMessagePerChannelPerSecond: 1, postMessagePerChannelBurst: 1 });
    const client = clientFor(sandbox, { rejectRateLimitedCalls: true });
    await client.chat.postMessage({ channel: GENERAL.id, text: 'one' });
    const limited = client.chat.postMessage({ channel: GENERAL.id, text: 'two' });
    await expect(limited).rejects.toBeInstanceOf(Error);
    await limited.catch((error: WebAPIRateLimitedError) => expect(error.retryAfter).toBe(1));
    await expect(
      client.chat.postMessage({ channel: FRAUD.id, text: 'other channel' }),
    ).resolves.toMatchObject({
      ok: true,
    });
    // A user id and its DM id are one channel.
    await client.chat.postMessage({ channel: ALICE.id, text: 'dm' });
    await expect(
      client.chat.postMessage({ channel: `D${ALICE.id}`, text: 'dm again' }),
    ).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
    });

    sandbox.setLimits({ workspacePerSecond: 2, postMessagePerChannelPerSecond: null });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await client.auth.test();
    await client.users.info({ user: ALICE.id });
    await expect(client.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error' });
  });
});

describe("Slack's rate limits, on by default", () => {
  it('lets a channel take a short burst of chat.postMessage, then about one a second', async () => {
    const client = clientFor(sandbox, { rejectRateLimitedCalls: true });
    for (const text of ['one', 'two', 'three']) await client.chat.postMessage({ channel: GENERAL.id, text });
    const refused = await client.chat.postMessage({ channel: GENERAL.id, text: 'four' }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
    // Another channel has its own allowance.
    await expect(client.chat.postMessage({ channel: FRAUD.id, text: 'elsewhere' })).resolves.toMatchObject({
      ok: true,
    });
    expect(sandbox.messages(GENERAL.id)).toHaveLength(3);
  });

  it('limits each method to its tier: users.list (Tier 2) takes 20 calls, then says when to come back', async () => {
    const client = clientFor(sandbox, { rejectRateLimitedCalls: true });
    for (let i = 0; i < 20; i++) await client.users.list({ limit: 200 });
    const refused = await client.users.list({ limit: 200 }).catch((e) => e);
    // A minute's quota of 20 refills one call every 3 s.
    expect(refused).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 3 });
    // Other methods have their own limits.
    await expect(client.users.info({ user: ALICE.id })).resolves.toMatchObject({ ok: true });
    expect(sandbox.calls.filter((c) => c.status === 429).map((c) => c.method)).toEqual(['users.list']);
  });

  it('takes per-method limits set by a test, and lifts one set to null', async () => {
    sandbox.setLimits({ perMethodPerMinute: { 'users.info': 2, 'users.list': null } });
    const client = clientFor(sandbox, { rejectRateLimitedCalls: true });
    await client.users.info({ user: ALICE.id });
    await client.users.info({ user: ALICE.id });
    await expect(client.users.info({ user: ALICE.id })).rejects.toMatchObject({ retryAfter: 30 });
    for (let i = 0; i < 25; i++) await client.users.list({ limit: 200 });
    expect(sandbox.calls.filter((c) => c.status === 429)).toHaveLength(1);
  });

  it('counts every method against a workspace ceiling a test sets, and answers how long to wait', async () => {
    sandbox.setLimits({ workspacePerSecond: 3 });
    const client = clientFor(sandbox, { rejectRateLimitedCalls: true });
    await client.auth.test();
    await client.users.info({ user: ALICE.id });
    await client.chat.postMessage({ channel: GENERAL.id, text: 'one' });
    await expect(client.chat.postMessage({ channel: FRAUD.id, text: 'two' })).rejects.toMatchObject({
      retryAfter: 1,
    });
  });
});

describe('failures', () => {
  it('answers an HTTP 500 once, which fails a client without retries and is retried by one with', async () => {
    sandbox.failNext('chat.postMessage', { status: 500 });
    const error = await clientFor(sandbox)
      .chat.postMessage({ channel: GENERAL.id, text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as WebAPIHTTPError).code).toBe('slack_webapi_http_error');
    expect((error as WebAPIHTTPError).statusCode).toBe(500);

    sandbox.failNext('chat.postMessage', { status: 503, times: 2 });
    const retrying = clientFor(sandbox, { retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 10 } });
    await expect(retrying.chat.postMessage({ channel: GENERAL.id, text: 'y' })).resolves.toMatchObject({
      ok: true,
    });
    expect(calls().map((c) => c.status)).toEqual([500, 503, 503, 200]);
  });

  it('answers an ok:false error, which the client does not retry', async () => {
    sandbox.failNext('users.info', { error: 'fatal_error' });
    const client = clientFor(sandbox, { retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 10 } });
    expect((await slackError(client.users.info({ user: ALICE.id }))).error).toBe('fatal_error');
    await expect(client.users.info({ user: ALICE.id })).resolves.toMatchObject({ ok: true });
    expect(calls()).toHaveLength(2);
  });
});

describe('delays', () => {
  const clientWithTimeout = (timeout: number, retries = 0) =>
    new WebClient(BOT_TOKEN, {
      slackApiUrl: sandbox.apiUrl,
      logger: quietLogger(),
      retryConfig: { retries, minTimeout: 10, maxTimeout: 10 },
      timeout,
    });

  it('holds the next calls of a method, then answers them as usual', async () => {
    sandbox.delayNext('chat.postMessage', { ms: 300 });
    const started = Date.now();
    await expect(
      clientFor(sandbox).chat.postMessage({ channel: GENERAL.id, text: 'slow' }),
    ).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // Only the next call: this one is answered at once.
    const again = Date.now();
    await clientFor(sandbox).chat.postMessage({ channel: GENERAL.id, text: 'fast' });
    expect(Date.now() - again).toBeLessThan(250);
    expect(sandbox.messages(GENERAL.id).map((m) => m.text)).toEqual(['slow', 'fast']);
  });

  it('drops a held call whose client timed out: no answer, no effect, recorded as timed_out', async () => {
    sandbox.delayNext('chat.postMessage', { ms: 400, times: 2 });
    const error = await clientWithTimeout(100, 1)
      .chat.postMessage({ channel: GENERAL.id, text: 'never' })
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('slack_webapi_request_error');
    await sandbox.waitFor(() => calls().length === 2, 2000, 'both held calls to end');
    expect(calls().map((c) => [c.method, c.status, c.error])).toEqual([
      ['chat.postMessage', 0, 'timed_out'],
      ['chat.postMessage', 0, 'timed_out'],
    ]);
    expect(sandbox.messages(GENERAL.id)).toHaveLength(0);
    // The faults are used up: the next call goes through.
    await expect(
      clientWithTimeout(100).chat.postMessage({ channel: GENERAL.id, text: 'now' }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('refuses a negative delay', () => {
    expect(() => sandbox.delayNext('chat.postMessage', { ms: -1 })).toThrow(RangeError);
  });
});
