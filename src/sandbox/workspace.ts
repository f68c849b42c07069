// The sandbox's Slack workspace: people, channels, and everything the app has shown them.
import { withGeneratedIds } from './block-kit.js';
import { MessageClock, newTriggerId } from './ids.js';
import type {
  ApiCall,
  DeactivatedUserDm,
  Ephemeral,
  Message,
  ResponsePost,
  SandboxChannel,
  SandboxFile,
  SandboxUser,
  SandboxUsergroup,
  View,
} from './types.js';

/** A `trigger_id` is valid for 3 s and for one views.open (FACTS.md). */
export const TRIGGER_TTL_MS = 3000;

export interface Trigger {
  userId: string;
  issuedAt: number;
  used: boolean;
}

export interface PendingUpload {
  id: string;
  filename: string;
  length: number;
  altText: string | undefined;
  content: Buffer | undefined;
}

export type ConversationResult =
  | { ok: true; channelId: string; dmUser: SandboxUser | undefined; channel: SandboxChannel | undefined }
  | { ok: false; error: string };

export interface WorkspaceIdentity {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  botName: string;
  appId: string;
}

export function dmChannelId(userId: string): string {
  return `D${userId}`;
}

export class Workspace {
  readonly users = new Map<string, SandboxUser>();
  readonly channels = new Map<string, SandboxChannel>();
  readonly usergroups = new Map<string, SandboxUsergroup>();
  /** Slack's free plan has no user groups. */
  freePlan = false;
  readonly calls: ApiCall[] = [];
  readonly ephemerals: Ephemeral[] = [];
  readonly responses: ResponsePost[] = [];
  readonly files: SandboxFile[] = [];
  readonly uploads = new Map<string, PendingUpload>();
  readonly triggers = new Map<string, Trigger>();
  readonly views = new Map<string, View>();
  /** Each person's modal stack, bottom first (views.push adds on top, at most 3). */
  readonly modalStacks = new Map<string, string[]>();
  /** The id of each person's published Home view. */
  readonly homes = new Map<string, string>();
  /**
   * Set once the app is uninstalled: what every call with the bot token is answered instead
   * (see Sandbox.uninstallApp). Undefined while the app is installed.
   */
  botTokenError: string | undefined;
  private readonly messageList: Message[] = [];
  private readonly clock: MessageClock;

  constructor(
    readonly identity: WorkspaceIdentity,
    readonly now: () => number,
    readonly deactivatedUserDm: DeactivatedUserDm,
  ) {
    this.clock = new MessageClock(now);
    this.users.set(identity.botUserId, {
      id: identity.botUserId,
      name: identity.botName,
      tz: 'UTC',
      isBot: true,
    });
  }

  nextTs(): string {
    return this.clock.next();
  }

  issueTrigger(userId: string): string {
    const id = newTriggerId();
    this.triggers.set(id, { userId, issuedAt: this.now(), used: false });
    return id;
  }

  /** Resolves a user by id, or by name for people typing `--as alice` at the CLI. */
  findUser(idOrName: string): SandboxUser | undefined {
    const byId = this.users.get(idOrName);
    if (byId !== undefined) return byId;
    const name = idOrName.replace(/^@/, '');
    return [...this.users.values()].find((u) => u.name === name);
  }

  /**
   * Where a message to `target` goes. A user id means the app's DM with that person, whose id here
   * is `D` + the user id (FACTS.md: chat.postMessage with a user id needs no conversations.open).
   */
  resolveConversation(target: string, allowUserIds: boolean): ConversationResult {
    const channel = this.channels.get(target);
    if (channel !== undefined) return { ok: true, channelId: channel.id, channel, dmUser: undefined };
    const user = this.users.get(this.dmUserId(target, allowUserIds) ?? '');
    if (user === undefined) return { ok: false, error: 'channel_not_found' };
    if (user.isBot) return { ok: false, error: 'cannot_dm_bot' };
    if (user.deleted && this.deactivatedUserDm === 'account_inactive')
      return { ok: false, error: 'account_inactive' };
    return { ok: true, channelId: dmChannelId(user.id), dmUser: user, channel: undefined };
  }

  /** The person behind a DM id (`D` + user id), or behind a plain user id when those are allowed. */
  private dmUserId(target: string, allowUserIds: boolean): string | undefined {
    if (/^D[UW]/.test(target)) return target.slice(1);
    return allowUserIds && /^[UW]/.test(target) ? target : undefined;
  }

  postMessage(input: {
    channel: string;
    text: string;
    blocks: unknown[] | undefined;
    threadTs: string | undefined;
    viaResponseUrl?: boolean;
  }): Message {
    const blocks = input.blocks === undefined ? undefined : withGeneratedIds(input.blocks);
    const message: Message = {
      channel: input.channel,
      ts: this.nextTs(),
      text: input.text,
      blocks,
      threadTs: input.threadTs,
      user: this.identity.botUserId,
      updates: 0,
      history: [{ text: input.text, blocks }],
    };
    if (input.viaResponseUrl) message.viaResponseUrl = true;
    this.messageList.push(message);
    return message;
  }

  findMessage(channel: string, ts: string): Message | undefined {
    return this.messageList.find((m) => m.channel === channel && m.ts === ts);
  }

  /** chat.update semantics: omitted blocks keep the previous blocks; an empty array removes them. */
  updateMessage(message: Message, text: string | undefined, blocks: unknown[] | undefined): void {
    if (text !== undefined) message.text = text;
    if (blocks !== undefined) message.blocks = blocks.length === 0 ? undefined : withGeneratedIds(blocks);
    message.updates += 1;
    message.history.push({ text: message.text, blocks: message.blocks });
  }

  deleteMessage(message: Message): void {
    const index = this.messageList.indexOf(message);
    if (index >= 0) this.messageList.splice(index, 1);
  }

  messages(channel?: string): Message[] {
    return channel === undefined
      ? [...this.messageList]
      : this.messageList.filter((m) => m.channel === channel);
  }

  /** The modals a person has open, bottom of the stack first. */
  openViews(userId: string): View[] {
    return (this.modalStacks.get(userId) ?? []).flatMap((id) => {
      const view = this.views.get(id);
      return view === undefined ? [] : [view];
    });
  }

  closeModals(userId: string): void {
    for (const id of this.modalStacks.get(userId) ?? []) this.views.delete(id);
    this.modalStacks.delete(userId);
  }

  closeTopModal(userId: string): void {
    const stack = this.modalStacks.get(userId) ?? [];
    const top = stack.pop();
    if (top !== undefined) this.views.delete(top);
    if (stack.length === 0) this.modalStacks.delete(userId);
  }
}
