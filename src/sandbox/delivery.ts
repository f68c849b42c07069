// How a person's action reaches the app: a signed HTTP post (HTTP mode) or an envelope over the
// WebSocket the app opened (Socket Mode). Either way the result is the app's ack.
import { signRequest } from './signing.js';
import type { SocketModeServer } from './socket-mode.js';

export type ActionKind = 'command' | 'interaction' | 'event';

export interface AckResult {
  status: number;
  body: unknown;
  ackMs: number;
}

export interface SignedPost {
  body: string;
  contentType: string;
  timestamp?: number;
  signature?: string;
  secret?: string;
  extra?: Record<string, string>;
}

/** Bolt's receivers compare the content type by exact equality, so no `; charset` here (FACTS.md). */
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export class SignedHttp {
  constructor(
    private readonly signingSecret: string,
    private readonly appUrl: () => string | undefined,
    private readonly timeoutMs: number,
  ) {}

  /** Posts with X-Slack-Signature and X-Slack-Request-Timestamp, signed with the real clock. */
  async post(
    input: SignedPost,
  ): Promise<{ status: number; text: string; contentType: string; ackMs: number }> {
    const url = this.appUrl();
    if (url === undefined)
      throw new Error('the sandbox has no appUrl: pass appUrl to Sandbox.start or call setAppUrl()');
    const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
    const signature =
      input.signature ?? signRequest(input.secret ?? this.signingSecret, timestamp, input.body);
    const started = Date.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': input.contentType,
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': signature,
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
          ...input.extra,
        },
        body: input.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      return {
        status: response.status,
        text,
        contentType: response.headers.get('content-type') ?? '',
        ackMs: Date.now() - started,
      };
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        return { status: 504, text: '', contentType: '', ackMs: Date.now() - started };
      }
      throw new Error(
        `could not reach the app at ${url}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function parseAckBody(text: string, contentType: string): unknown {
  if (text === '') return null;
  if (contentType.startsWith(JSON_TYPE)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export interface DeliverOptions {
  retryNum?: number;
  retryReason?: string;
}

export class Delivery {
  constructor(
    private readonly mode: () => 'http' | 'socket',
    private readonly http: SignedHttp,
    private readonly socket: SocketModeServer,
  ) {}

  /**
   * Sends one action. `payload` is the JSON Slack would build; over HTTP a command travels as its
   * form fields, an interaction as a form with one `payload` field, an event as JSON.
   */
  async deliver(
    kind: ActionKind,
    payload: Record<string, unknown>,
    options: DeliverOptions = {},
  ): Promise<AckResult> {
    if (this.mode() === 'socket') return this.overSocket(kind, payload, options);
    const { body, contentType } = encode(kind, payload);
    const extra: Record<string, string> = {};
    if (options.retryNum !== undefined) {
      extra['x-slack-retry-num'] = String(options.retryNum);
      extra['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
    }
    const answer = await this.http.post({ body, contentType, extra });
    return {
      status: answer.status,
      body: parseAckBody(answer.text, answer.contentType),
      ackMs: answer.ackMs,
    };
  }

  private overSocket(
    kind: ActionKind,
    payload: Record<string, unknown>,
    options: DeliverOptions,
  ): Promise<AckResult> {
    const type =
      kind === 'command' ? 'slash_commands' : kind === 'interaction' ? 'interactive' : 'events_api';
    // Slack lets the ack carry a response for commands and view submissions, not for clicks or events.
    const acceptsResponsePayload = kind === 'command' || payload.type === 'view_submission';
    return this.socket.send(type, payload, {
      acceptsResponsePayload,
      ...(options.retryNum === undefined ? {} : { retryAttempt: options.retryNum }),
      ...(options.retryReason === undefined ? {} : { retryReason: options.retryReason }),
    });
  }
}

function encode(kind: ActionKind, payload: Record<string, unknown>): { body: string; contentType: string } {
  switch (kind) {
    case 'command':
      return { body: new URLSearchParams(payload as Record<string, string>).toString(), contentType: FORM };
    case 'interaction':
      return {
        body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        contentType: FORM,
      };
    case 'event':
      return { body: JSON.stringify(payload), contentType: JSON_TYPE };
  }
}
