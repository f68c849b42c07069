import type { ChartRequest, MessagePayload } from '../storage/outbox.js';
import type { SlackUser } from '../storage/users.js';

/** What the services need from Slack. The slack/ layer implements it over the Web API client. */
export interface SlackPort {
  /** Posts a message; a user id as `channel` posts into the app's DM with that person. */
  postMessage(channel: string, message: MessagePayload): Promise<{ channel: string; ts: string }>;
  updateMessage(channel: string, ts: string, message: MessagePayload): Promise<void>;
  /** Throws SlackCallError('user_not_found') for an unknown person. */
  userInfo(userId: string): Promise<Omit<SlackUser, 'fetchedAt'>>;
  /** Everyone in the workspace, a page at a time (users.list). */
  listUsers(): AsyncIterable<Array<Omit<SlackUser, 'fetchedAt'>>>;
  /** The id of a person by their handle, or undefined. */
  findUserByName(name: string): Promise<string | undefined>;
  /**
   * The members of a Slack user group (usergroups.users.list). Throws SlackCallError with Slack's
   * code: `no_such_subteam` (no such group, or it was disabled), `plan_upgrade_required` (a free
   * workspace has no groups), `missing_scope` (the app lacks usergroups:read).
   */
  usergroupMembers(usergroupId: string): Promise<string[]>;
  /** The user group with this handle (`fraud-ml` for `@fraud-ml`), or undefined. */
  findUsergroupByHandle(handle: string): Promise<{ id: string; handle: string } | undefined>;
  /** The id of a channel by its name, or undefined. */
  findChannelByName(name: string): Promise<string | undefined>;
  /** auth.test: whose token this is. Throws SlackCallError (e.g. invalid_auth) for a dead token. */
  authTest(): Promise<{ teamId: string; botUserId: string }>;
  /** conversations.info, as far as the app needs it; throws SlackCallError('channel_not_found'). */
  conversationInfo(channel: string): Promise<ConversationInfo>;
  /** conversations.join (public channels only; scope channels:join). */
  joinChannel(channel: string): Promise<void>;
  /** Uploads a file (files upload v2) into a channel, or into a person's DM when given a user id. */
  uploadFile(input: {
    channel: string;
    filename: string;
    title: string;
    content: Buffer;
    initialComment?: string;
    altText?: string;
    threadTs?: string;
  }): Promise<void>;
}

export interface ConversationInfo {
  id: string;
  name: string | null;
  isMember: boolean;
  isPrivate: boolean;
  isArchived: boolean;
  /** A DM or group DM rather than a channel. */
  isConversation: boolean;
}

/**
 * A Web API call that Slack answered with an error (ok: false) or that failed after its retries.
 * `permanent` errors (user_not_found, account_inactive, …) will fail again; the others (HTTP 429
 * `ratelimited`, 5xx, timeouts) may pass later. `retryAfterSeconds` is a 429's Retry-After.
 */
export class SlackCallError extends Error {
  readonly code: string;
  constructor(
    readonly slackError: string,
    readonly permanent: boolean,
    message?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message ?? `Slack answered ${slackError}`);
    this.code = slackError;
  }
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** A rendered chart: PNG bytes and alt text that states its figures in words. */
export interface RenderedChart {
  png: Buffer;
  altText: string;
  filename: string;
  title: string;
}

/** Renders digest charts; null when there is nothing to draw (every band withheld). */
export interface ChartRenderer {
  render(request: ChartRequest): Promise<RenderedChart | null>;
}
