// What every Web API method implementation shares: its context, its error type, argument parsing.
import { type ZodType, z } from 'zod';
import { errorLine } from '../block-kit.js';
import type { Workspace } from '../workspace.js';

/** A Slack `{ ok: false, error }` answer; `extra` carries e.g. response_metadata.messages. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

export function invalidArguments(messages: string[], error = 'invalid_arguments'): SlackApiError {
  return new SlackApiError(error, { response_metadata: { messages } });
}

export interface MethodContext {
  args: Record<string, unknown>;
  workspace: Workspace;
  /** `http://127.0.0.1:PORT`, for absolute URLs the sandbox hands out (upload_url). */
  baseUrl: string;
  /** A one-use Socket Mode URL for apps.connections.open. */
  issueSocketUrl(): string;
}

export interface Method {
  /** Socket Mode's connection call takes the app-level token; everything else the bot token. */
  token: 'bot' | 'app';
  run(ctx: MethodContext): Record<string, unknown>;
}

/** The method's arguments, or Slack's `invalid_arguments` naming each bad field. */
export function parseArgs<T extends ZodType>(schema: T, args: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(args);
  if (!result.success) throw invalidArguments(result.error.issues.map((issue) => errorLine(issue, [])));
  return result.data;
}

// Form bodies carry every value as a string; JSON bodies carry real booleans and numbers.
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');
export const count = z.coerce.number().int().min(0);
export const text = z.string();
