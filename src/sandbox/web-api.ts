// The Web API endpoint: POST {apiUrl}{method}, answered in Slack's JSON shapes, plus upload_urls.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultQueue } from './faults.js';
import {
  InvalidBodyError,
  mediaType,
  parseApiArgs,
  parseMultipart,
  readBody,
  sendJson,
  sendText,
  tokenOf,
} from './http.js';
import { METHODS, SlackApiError } from './methods/index.js';
import type { RateLimiter } from './rate-limits.js';
import type { ApiCall } from './types.js';
import { dmChannelId, type Workspace } from './workspace.js';

export interface WebApiDeps {
  workspace: Workspace;
  faults: FaultQueue;
  limiter: RateLimiter;
  tokens: { bot: string; app: string | undefined };
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  issueSocketUrl(): string;
}

type Json = Record<string, unknown>;

export class WebApi {
  constructor(private readonly deps: WebApiDeps) {}

  /**
   * One Web API call: injected faults first (they are what the test asked for), then
   * unknown_method, authentication, rate limits, and finally the method itself. Every call is
   * recorded with what it was answered.
   */
  async handle(method: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    let args: Json;
    try {
      args = await parseApiArgs(req, body, url);
    } catch (error) {
      if (!(error instanceof InvalidBodyError)) throw error;
      return this.answer(res, { method, args: {}, token: undefined }, 200, {
        ok: false,
        error: error.slackError,
      });
    }
    const token = tokenOf(req, args);
    const { token: _token, ...callArgs } = args;
    const call = { method, args: callArgs, token };
    const reply = (status: number, json: Json, headers?: Record<string, string>) =>
      this.answer(res, call, status, json, headers);

    const fault = this.deps.faults.take(method, limitKey(callArgs.channel));
    if (fault?.kind === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      // A client that timed out has closed the connection: the call never reached "Slack".
      if (res.destroyed || req.socket.destroyed)
        return this.record(call, 0, { ok: false, error: 'timed_out' });
    }
    if (fault?.kind === 'rate_limited') {
      return reply(
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
    }
    if (fault?.kind === 'status') return reply(fault.status, { ok: false, error: 'internal_error' });
    if (fault?.kind === 'error') return reply(200, { ok: false, error: fault.error });

    const implementation = METHODS[method];
    if (implementation === undefined) return reply(200, { ok: false, error: 'unknown_method' });
    const authError = this.authError(implementation.token, token);
    if (authError !== undefined) return reply(200, { ok: false, error: authError });
    const admitted = this.deps.limiter.admit(method, limitKey(callArgs.channel));
    if (!admitted.ok) {
      // Slack answers a limit with HTTP 429 and Retry-After in whole seconds.
      return reply(
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(admitted.retryAfterSeconds) },
      );
    }
    try {
      const { workspace, baseUrl, issueSocketUrl } = this.deps;
      return reply(200, implementation.run({ args: callArgs, workspace, baseUrl, issueSocketUrl }));
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      return reply(200, { ok: false, error: error.error, ...error.extra });
    }
  }

  /**
   * The POST to an upload_url. @slack/web-api 8 sends it as multipart/form-data with the bytes in a
   * field named `body` (filename `Untitled`), because serializeBody turns any Buffer argument into a
   * multipart part (WebClient.postFileUploadsToExternalURL); raw bytes are accepted too.
   */
  async handleUpload(fileId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const upload = this.deps.workspace.uploads.get(fileId);
    const body = await readBody(req);
    if (upload === undefined) return sendText(res, 404, 'file_not_found');
    let content = body;
    if (mediaType(req) === 'multipart/form-data') {
      const form = await parseMultipart(req, body);
      const part =
        form.get('file') ?? form.get('body') ?? [...form.values()].find((v) => typeof v !== 'string');
      if (part === undefined || part === null || typeof part === 'string')
        return sendText(res, 400, 'no_file_data');
      content = Buffer.from(await part.arrayBuffer());
    }
    upload.content = content;
    sendText(res, 200, `OK - ${content.length}`);
  }

  /** `not_authed` without a token; `not_allowed_token_type` for our other kind of token. */
  private authError(kind: 'bot' | 'app', token: string | undefined): string | undefined {
    if (token === undefined) return 'not_authed';
    const { bot, app } = this.deps.tokens;
    const [expected, other] = kind === 'bot' ? [bot, app] : [app, bot];
    if (token === bot && this.deps.workspace.botTokenError !== undefined)
      return this.deps.workspace.botTokenError;
    if (expected !== undefined && token === expected) return undefined;
    return other !== undefined && token === other ? 'not_allowed_token_type' : 'invalid_auth';
  }

  private answer(
    res: ServerResponse,
    call: Pick<ApiCall, 'method' | 'args' | 'token'>,
    status: number,
    json: Json,
    headers: Record<string, string> = {},
  ): void {
    this.record(call, status, json);
    sendJson(res, status, json, headers);
  }

  private record(call: Pick<ApiCall, 'method' | 'args' | 'token'>, status: number, json: Json): void {
    const ok = json.ok === true;
    const record: ApiCall = { ...call, at: this.deps.workspace.now(), status, ok };
    if (!ok && typeof json.error === 'string') record.error = json.error;
    this.deps.workspace.calls.push(record);
  }
}

/** Per-channel limits count a user id and its DM (`D` + user id) as one channel. */
function limitKey(channel: unknown): string | undefined {
  if (typeof channel !== 'string') return undefined;
  return /^[UW]/.test(channel) ? dmChannelId(channel) : channel;
}
