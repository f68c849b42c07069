// Control endpoints for a sandbox running in another process (the demo left up with `--keep`),
// used by `npm run sandbox -- --as <user> "<command>"`. Loopback only, like the whole sandbox.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, sendJson } from './http.js';
import type { CommandResult, Message, SandboxUser } from './types.js';

/** How long the CLI waits for the app's reply at the response_url. */
const REPLY_TIMEOUT_MS = 10_000;
/** When the ack itself carried a message, a later reply is optional, so wait less for one. */
const EXTRA_REPLY_TIMEOUT_MS = 500;

export interface ControlDeps {
  findUser(idOrName: string): SandboxUser | undefined;
  command(
    userId: string,
    text: string,
    options: { channelId?: string; command?: string },
  ): Promise<CommandResult>;
  messages(channel: string | undefined): Message[];
}

export const commandRequest = z.object({
  user: z.string().min(1),
  text: z.string(),
  channel: z.string().min(1).optional(),
  /** The slash command's name, default `/tooth-tail`. */
  command: z
    .string()
    .regex(/^\/\S+$/)
    .optional(),
});
export type CommandRequest = z.infer<typeof commandRequest>;

/** What POST /_sandbox/command answers. */
export const commandAnswer = z.object({
  status: z.number(),
  ack: z.unknown(),
  reply: z.unknown(),
});
export type CommandAnswer = z.infer<typeof commandAnswer>;

function hasContent(body: unknown): boolean {
  if (typeof body === 'string') return body !== '';
  return typeof body === 'object' && body !== null && ('text' in body || 'blocks' in body);
}

async function runCommand(deps: ControlDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse((await readBody(req)).toString('utf8'));
  } catch {
    return sendJson(res, 400, { error: 'body must be JSON: { "user": "alice", "text": "summary Fraud" }' });
  }
  const parsed = commandRequest.safeParse(json);
  if (!parsed.success) {
    return sendJson(res, 400, { error: `bad command request: ${z.prettifyError(parsed.error)}` });
  }
  const user = deps.findUser(parsed.data.user);
  if (user === undefined) return sendJson(res, 404, { error: `no sandbox user "${parsed.data.user}"` });
  let result: CommandResult;
  try {
    const { channel, command } = parsed.data;
    result = await deps.command(user.id, parsed.data.text, {
      ...(channel === undefined ? {} : { channelId: channel }),
      ...(command === undefined ? {} : { command }),
    });
  } catch (error) {
    return sendJson(res, 502, { error: error instanceof Error ? error.message : String(error) });
  }
  let reply: unknown = null;
  if (result.status === 200) {
    const timeout = hasContent(result.body) ? EXTRA_REPLY_TIMEOUT_MS : REPLY_TIMEOUT_MS;
    reply = await result.reply(timeout).catch(() => null);
  }
  const answer: CommandAnswer = { status: result.status, ack: result.body, reply };
  sendJson(res, 200, answer);
}

export async function handleControl(
  deps: ControlDeps,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (path === 'command' && req.method === 'POST') return runCommand(deps, req, res);
  if (path === 'messages' && req.method === 'GET') {
    return sendJson(res, 200, { messages: deps.messages(url.searchParams.get('channel') ?? undefined) });
  }
  sendJson(res, 404, { error: `no control endpoint ${req.method} /_sandbox/${path}` });
}
