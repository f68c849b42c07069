// Shared set-up for the sandbox tests: a small workspace and a WebClient pointed at it.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type KnownBlock, type Logger, LogLevel, type RetryOptions, WebClient } from '@slack/web-api';
import { Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.js';

export const BOT_TOKEN = 'xoxb-sandbox-test';
export const APP_TOKEN = 'xapp-sandbox-test';
export const SIGNING_SECRET = 'sandbox-signing-secret';

export const ALICE = { id: 'U0ALICE', name: 'alice', realName: 'Alice Ng', tz: 'Europe/London' };
export const BOB = { id: 'U0BOB', name: 'bob', tz: 'America/Los_Angeles', isAdmin: true };
export const GONE = { id: 'U0GONE', name: 'gone', tz: 'UTC', deleted: true };
export const OTHER_BOT = { id: 'U0OTHERBOT', name: 'otherbot', tz: 'UTC', isBot: true };
export const GENERAL = { id: 'C0GENERAL', name: 'general' };
export const FRAUD = { id: 'C0FRAUD', name: 'fraud-ml' };

export function startSandbox(overrides: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  return Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    users: [ALICE, BOB, GONE, OTHER_BOT],
    channels: [GENERAL, FRAUD],
    ...overrides,
  });
}

/** Keeps expected error lines (Slack's response_metadata messages, retries) out of the test output. */
export function quietLogger(): Logger {
  let level = LogLevel.ERROR;
  return {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** A real @slack/web-api client against the sandbox; no retries unless asked, so failures are fast. */
export function clientFor(
  sandbox: Sandbox,
  options: { token?: string; retryConfig?: RetryOptions; rejectRateLimitedCalls?: boolean } = {},
): WebClient {
  return new WebClient(options.token ?? BOT_TOKEN, {
    slackApiUrl: sandbox.apiUrl,
    logger: quietLogger(),
    retryConfig: options.retryConfig ?? { retries: 0 },
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
  });
}

/** The Slack error code of a rejected Web API call. */
export async function slackError(
  call: Promise<unknown>,
): Promise<{ error: string; data: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: Record<string, unknown> }).data;
    if (data !== undefined && typeof data.error === 'string') return { error: data.error, data };
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function blocksOf(count: number): KnownBlock[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'section' as const,
    block_id: `b${i}`,
    text: { type: 'mrkdwn' as const, text: `line ${i}` },
  }));
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A bare HTTP endpoint standing in for the app where no Bolt behaviour is under test: it records
 * what the sandbox sent and acks with 200 and an empty body.
 */
export async function startRecordingApp(): Promise<{
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The bot joins these public channels as the app would (conversations.join): in the sandbox, as in
 * Slack, a bot posts only in channels it is a member of.
 */
export async function joinChannels(sandbox: Sandbox, ids: string[] = [GENERAL.id, FRAUD.id]): Promise<void> {
  const client = clientFor(sandbox);
  for (const channel of ids) await client.conversations.join({ channel });
}
