// response_url endpoints: where the app answers a slash command or a click after acking.
import { z } from 'zod';
import { messageBlockErrors } from './block-kit.js';
import { randomUUIDShort } from './ids.js';
import type { ResponsePost } from './types.js';
import type { Workspace } from './workspace.js';

/** A response_url accepts up to 5 posts within 30 minutes (FACTS.md). */
const MAX_POSTS = 5;
const TTL_MS = 30 * 60 * 1000;

export type ResponseSource =
  | { kind: 'command'; channel: string }
  | { kind: 'message'; channel: string; ts: string };

interface ResponseUrl {
  url: string;
  createdAt: number;
  source: ResponseSource;
  posts: ResponsePost[];
}

const booleanish = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((v) => v === true || v === 'true');

const responseBody = z.looseObject({
  text: z.string().optional(),
  blocks: z.array(z.unknown()).optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: booleanish.optional(),
  delete_original: booleanish.optional(),
  thread_ts: z.string().optional(),
});

export interface ResponseAnswer {
  status: number;
  text: string;
}

export class ResponseUrls {
  private readonly byId = new Map<string, ResponseUrl>();

  constructor(private readonly workspace: Workspace) {}

  issue(baseUrl: string, source: ResponseSource): string {
    const id = randomUUIDShort();
    const url = `${baseUrl}/response/${id}`;
    this.byId.set(id, { url, createdAt: this.workspace.now(), source, posts: [] });
    return url;
  }

  postsTo(url: string): ResponsePost[] {
    return [...this.byId.values()].find((r) => r.url === url)?.posts ?? [];
  }

  /** Handles a POST to /response/<id>, answering as Slack does: 200 `ok`, or 404/400 with a reason. */
  receive(id: string, raw: string): ResponseAnswer {
    const target = this.byId.get(id);
    if (target === undefined) return { status: 404, text: 'no_service' };
    if (this.workspace.now() - target.createdAt > TTL_MS) return { status: 404, text: 'expired_url' };
    if (target.posts.length >= MAX_POSTS) return { status: 404, text: 'used_url' };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { status: 400, text: 'invalid_payload' };
    }
    const parsed = responseBody.safeParse(json);
    if (!parsed.success) return { status: 400, text: 'invalid_payload' };
    if (parsed.data.blocks !== undefined && messageBlockErrors(parsed.data.blocks).length > 0) {
      return { status: 400, text: 'invalid_blocks' };
    }
    const post: ResponsePost = { url: target.url, body: json, at: this.workspace.now() };
    target.posts.push(post);
    this.workspace.responses.push(post);
    this.apply(target.source, parsed.data);
    return { status: 200, text: 'ok' };
  }

  /** What the person sees change: the original message replaced or deleted, or a new channel message. */
  private apply(source: ResponseSource, body: z.infer<typeof responseBody>): void {
    const original =
      source.kind === 'message' ? this.workspace.findMessage(source.channel, source.ts) : undefined;
    if (original !== undefined && body.delete_original) {
      this.workspace.deleteMessage(original);
    } else if (original !== undefined && body.replace_original) {
      this.workspace.updateMessage(original, body.text ?? '', body.blocks ?? []);
    } else if (body.response_type === 'in_channel') {
      this.workspace.postMessage({
        channel: source.channel,
        text: body.text ?? '',
        blocks: body.blocks,
        threadTs: body.thread_ts,
        viaResponseUrl: true,
      });
    }
  }
}
