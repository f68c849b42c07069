import { ErrorCode, type UsersListResponse, type WebClient } from '@slack/web-api';
import type { SlackPort } from '../services/ports.js';
import { SlackCallError } from '../services/ports.js';
import type { MessagePayload } from '../storage/outbox.js';
import type { SlackUser } from '../storage/users.js';

/**
 * Turns what the Web API client throws into a SlackCallError with Slack's error code. An `ok: false`
 * answer (user_not_found, account_inactive, …) is permanent: the client does not retry it and
 * neither do we. HTTP and network errors arrive here only after the client's bounded retries.
 */
export function toSlackCallError(error: unknown): SlackCallError {
  const e = error as {
    code?: string;
    data?: { error?: string };
    message?: string;
    retryAfter?: number;
    original?: { message?: string };
  };
  if (e.code === ErrorCode.PlatformError && e.data?.error) {
    return new SlackCallError(e.data.error, true);
  }
  // With rejectRateLimitedCalls the client hands an HTTP 429 back at once, with its Retry-After.
  if (e.code === ErrorCode.RateLimitedError)
    return new SlackCallError('ratelimited', false, e.message, e.retryAfter);
  if (e.code === ErrorCode.HTTPError) return new SlackCallError('http_error', false, e.message);
  // Without it, the client sleeps out each 429 and then throws a plain Error inside its retry
  // policy (WebClient.makeRequest); when the policy runs out, that error arrives wrapped as a
  // request error. It is still a rate limit, and passes later.
  if (e.code === ErrorCode.RequestError && e.original?.message?.startsWith('A rate limit was exceeded'))
    return new SlackCallError('ratelimited', false, e.message);
  if (e.code === ErrorCode.RequestError) return new SlackCallError('request_error', false, e.message);
  return new SlackCallError('unknown_error', false, e.message);
}

/** files.getUploadURLExternal refuses longer alt text (`alt_txt_too_large`). */
export const MAX_ALT_TXT = 1000;

const call = async <T>(fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (error) {
    throw toSlackCallError(error);
  }
};

/** The parts of Slack's user object (users.info, users.list, user_change) the app reads. */
export interface SlackUserObject {
  id?: string;
  name?: string;
  team_id?: string;
  tz?: string;
  deleted?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_bot?: boolean;
  is_stranger?: boolean;
}

/**
 * What the app keeps of a user object (docs.slack.dev/reference/objects/user-object): `deleted`
 * once the account is deactivated, `is_bot` for bots, and whether the person belongs to another
 * organisation: Slack marks people met through Slack Connect with `is_stranger`, and their
 * `team_id` is their own organisation's, not this workspace's.
 */
export function toSlackUser(
  userId: string,
  user: SlackUserObject | undefined,
  homeTeamId: string | undefined,
): Omit<SlackUser, 'fetchedAt'> {
  const otherTeam =
    homeTeamId !== undefined &&
    user?.team_id !== undefined &&
    user.team_id !== '' &&
    user.team_id !== homeTeamId;
  return {
    userId,
    name: user?.name ?? null,
    tz: user?.tz ?? null,
    isAdmin: user?.is_admin === true,
    isOwner: user?.is_owner === true || user?.is_primary_owner === true,
    isBot: user?.is_bot === true,
    deleted: user?.deleted === true,
    isExternal: user?.is_stranger === true || otherTeam,
  };
}

/** SlackPort over the Web API client (with its own 429 and retry handling). */
export class SlackGateway implements SlackPort {
  private homeTeam: Promise<string | undefined> | undefined;

  constructor(private readonly client: WebClient) {}

  /** This workspace's team id, from auth.test once; undefined when Slack cannot say. */
  private homeTeamId(): Promise<string | undefined> {
    this.homeTeam ??= this.authTest().then(
      (auth) => auth.teamId,
      () => {
        this.homeTeam = undefined;
        return undefined;
      },
    );
    return this.homeTeam;
  }

  async authTest(): Promise<{ teamId: string; botUserId: string }> {
    const result = await call(() => this.client.auth.test());
    return { teamId: result.team_id ?? '', botUserId: result.user_id ?? '' };
  }

  async conversationInfo(channel: string) {
    const { channel: c } = await call(() => this.client.conversations.info({ channel }));
    return {
      id: c?.id ?? channel,
      name: c?.name ?? null,
      isMember: c?.is_member === true,
      isPrivate: c?.is_private === true,
      isArchived: c?.is_archived === true,
      isConversation: c?.is_im === true || c?.is_mpim === true,
    };
  }

  async joinChannel(channel: string): Promise<void> {
    await call(() => this.client.conversations.join({ channel }));
  }

  async postMessage(channel: string, message: MessagePayload): Promise<{ channel: string; ts: string }> {
    const result = await call(() =>
      this.client.chat.postMessage({
        channel,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks as never } : {}),
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return { channel: result.channel as string, ts: result.ts as string };
  }

  async updateMessage(channel: string, ts: string, message: MessagePayload): Promise<void> {
    await call(() =>
      this.client.chat.update({
        channel,
        ts,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks as never } : {}),
      }),
    );
  }

  async userInfo(userId: string) {
    const { user } = await call(() => this.client.users.info({ user: userId }));
    return toSlackUser(userId, user as SlackUserObject | undefined, await this.homeTeamId());
  }

  /**
   * users.list is Tier 2 (20+ calls a minute) but returns up to 200 people a call: Slack's
   * pagination guide recommends a `limit` of 100-200. For a large team that is far fewer calls
   * than one users.info (Tier 4, 100+ a minute) per person.
   */
  async *listUsers() {
    try {
      for await (const page of this.client.paginate('users.list', { limit: 200 })) {
        const members = (page as UsersListResponse).members ?? [];
        const home = await this.homeTeamId();
        yield members
          .filter((m) => m.id !== undefined)
          .map((m) => toSlackUser(m.id as string, m as SlackUserObject, home));
      }
    } catch (error) {
      throw toSlackCallError(error);
    }
  }

  async findUserByName(name: string): Promise<string | undefined> {
    const wanted = name.toLowerCase();
    return call(async () => {
      for await (const page of this.client.paginate('users.list', { limit: 200 })) {
        const members =
          (
            page as {
              members?: Array<{
                id?: string;
                name?: string;
                deleted?: boolean;
                profile?: { display_name?: string };
              }>;
            }
          ).members ?? [];
        const match = members.find(
          (m) =>
            !m.deleted &&
            (m.name?.toLowerCase() === wanted || m.profile?.display_name?.toLowerCase() === wanted),
        );
        if (match?.id) return match.id;
      }
      return undefined;
    });
  }

  async usergroupMembers(usergroupId: string): Promise<string[]> {
    const result = await call(() => this.client.usergroups.users.list({ usergroup: usergroupId }));
    return result.users ?? [];
  }

  async findUsergroupByHandle(handle: string): Promise<{ id: string; handle: string } | undefined> {
    const wanted = handle.toLowerCase();
    const result = await call(() => this.client.usergroups.list({}));
    const match = (result.usergroups ?? []).find((g) => g.handle?.toLowerCase() === wanted);
    return match?.id && match.handle ? { id: match.id, handle: match.handle } : undefined;
  }

  async findChannelByName(name: string): Promise<string | undefined> {
    const wanted = name.toLowerCase();
    return call(async () => {
      for await (const page of this.client.paginate('conversations.list', {
        limit: 200,
        exclude_archived: true,
        types: 'public_channel,private_channel',
      })) {
        const channels = (page as { channels?: Array<{ id?: string; name?: string }> }).channels ?? [];
        const match = channels.find((c) => c.name?.toLowerCase() === wanted);
        if (match?.id) return match.id;
      }
      return undefined;
    });
  }

  /**
   * Files upload v2 in its three documented steps, by hand: @slack/web-api 8's filesUploadV2
   * sends the screen-reader text as `alt_text`, but files.getUploadURLExternal documents `alt_txt`
   * (at most 1,000 characters), so through the helper the alt text never reached Slack.
   */
  async uploadFile(input: Parameters<SlackPort['uploadFile']>[0]): Promise<void> {
    // files.completeUploadExternal needs a channel id; a person's DM id comes from conversations.open.
    const channelId = /^[UW]/.test(input.channel)
      ? ((await call(() => this.client.conversations.open({ users: input.channel }))).channel?.id as string)
      : input.channel;
    const ticket = await call(() =>
      this.client.files.getUploadURLExternal({
        filename: input.filename,
        length: input.content.length,
        ...(input.altText ? { alt_txt: input.altText.slice(0, MAX_ALT_TXT) } : {}),
      } as never),
    );
    const uploadUrl = ticket.upload_url as string;
    const fileId = ticket.file_id as string;
    // The upload URL is absolute and takes the raw bytes (files.getUploadURLExternal, "Usage info").
    const upload = await fetch(uploadUrl, {
      method: 'POST',
      body: new Uint8Array(input.content),
      headers: { 'content-type': 'application/octet-stream' },
    }).catch((error: Error) => {
      throw new SlackCallError('request_error', false, `upload to ${uploadUrl} failed: ${error.message}`);
    });
    if (!upload.ok) throw new SlackCallError('http_error', false, `upload answered HTTP ${upload.status}`);
    await call(() =>
      this.client.files.completeUploadExternal({
        files: [{ id: fileId, title: input.title }],
        channel_id: channelId,
        ...(input.initialComment ? { initial_comment: input.initialComment } : {}),
        ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      } as never),
    );
  }
}
