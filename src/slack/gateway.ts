import { ErrorCode, type UsersListResponse, type WebClient } from '@slack/web-api';
import type { SlackPort } from '../services/ports.js';
import { SlackCallError } from '../services/ports.js';
import type { MessagePayload } from '../storage/outbox.js';

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

/** The fields the app reads of a users.info `user` or a users.list member. */
interface MemberFields {
  name?: string;
  tz?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
}

/** What the app keeps of a users.info or users.list member. */
function slackUser(userId: string, user: MemberFields | undefined) {
  return {
    userId,
    name: user?.name ?? null,
    tz: user?.tz ?? null,
    isAdmin: user?.is_admin === true,
    isOwner: user?.is_owner === true || user?.is_primary_owner === true,
    isBot: user?.is_bot === true,
    deleted: user?.deleted === true,
  };
}

const call = async <T>(fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (error) {
    throw toSlackCallError(error);
  }
};

/** SlackPort over the Web API client (with its own 429 and retry handling). */
export class SlackGateway implements SlackPort {
  constructor(private readonly client: WebClient) {}

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
    return slackUser(userId, user);
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
        yield members.filter((m) => m.id !== undefined).map((m) => slackUser(m.id as string, m));
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

  async uploadFile(input: Parameters<SlackPort['uploadFile']>[0]): Promise<void> {
    // files.completeUploadExternal needs a channel id; a person's DM id comes from conversations.open.
    const channelId = /^[UW]/.test(input.channel)
      ? ((await call(() => this.client.conversations.open({ users: input.channel }))).channel?.id as string)
      : input.channel;
    await call(() =>
      this.client.filesUploadV2({
        channel_id: channelId,
        file: input.content,
        filename: input.filename,
        title: input.title,
        ...(input.initialComment ? { initial_comment: input.initialComment } : {}),
        ...(input.altText ? { alt_text: input.altText } : {}),
        ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      } as never),
    );
  }
}
