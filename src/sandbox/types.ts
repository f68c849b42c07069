// Public shapes of the sandbox: what tests configure it with and what they read back from it.

export interface SandboxUser {
  id: string;
  name: string;
  realName?: string;
  /** IANA zone, e.g. 'Europe/London'; users.info derives tz_label and tz_offset from it. */
  tz: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isBot?: boolean;
  /** Deactivated: users.info says `deleted: true` (see Sandbox.deactivateUser). */
  deleted?: boolean;
  /**
   * From another organisation, met in a Slack Connect channel: users.info answers with their own
   * team's id and `is_stranger: true` (docs.slack.dev/apis/slack-connect, "External members").
   */
  external?: boolean;
}

/** A Slack user group (`@fraud-ml`), which Slack calls a subteam in events. */
export interface SandboxUsergroup {
  /** `S…` */
  id: string;
  /** The mention name, without `@`. */
  handle: string;
  name?: string;
  users: string[];
  /** A disabled group: usergroups.users.list answers only with include_disabled. */
  disabled?: boolean;
}

export interface SandboxChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /**
   * Whether the app's bot user is in the channel. Off by default, as in Slack: an app is in a
   * channel only once it joined it (conversations.join) or a person invited it (`/invite`).
   */
  appIsMember?: boolean;
}

/**
 * Slack-like rate limits (src/sandbox/rate-limits.ts). Each one left out is Slack's default; null
 * turns it off.
 */
export interface SandboxLimits {
  /** chat.postMessage calls a second into one channel once its burst is spent. Default 1 (Slack's). */
  postMessagePerChannelPerSecond?: number | null;
  /** chat.postMessage calls one channel takes at once ("short bursts >1 allowed"). Default 3. */
  postMessagePerChannelBurst?: number;
  /**
   * Web API calls of any method in any one-second window, across the workspace: the ceiling Slack
   * keeps but does not publish. Default none; the bench sets 10, 20 or 50.
   */
  workspacePerSecond?: number | null;
  /** Calls a minute by method, over the tier table (METHOD_TIERS); null lifts a method's limit. */
  perMethodPerMinute?: Record<string, number | null>;
}

/**
 * What the sandbox does when the app DMs a deactivated user with chat.postMessage. The brief for
 * this sandbox asks for `account_inactive`; a Slack engineer has said the real API accepts such a
 * post (slackapi/python-slack-sdk#1156), which `'deliver'` reproduces.
 */
export type DeactivatedUserDm = 'account_inactive' | 'deliver';

export interface SandboxOptions {
  signingSecret: string;
  /** The only token accepted by Web API methods; any other token gets `invalid_auth`. */
  botToken: string;
  /** The xapp- token accepted by apps.connections.open (Socket Mode). */
  appToken?: string;
  /** Where signed requests go in HTTP mode, e.g. http://127.0.0.1:3000/slack/events. */
  appUrl?: string;
  /** How people's actions reach the app: signed HTTP posts, or envelopes over the app's WebSocket. */
  mode?: 'http' | 'socket';
  users?: SandboxUser[];
  channels?: SandboxChannel[];
  usergroups?: SandboxUsergroup[];
  /**
   * A workspace on Slack's free plan has no user groups: the usergroups methods answer
   * `plan_upgrade_required`. Default false.
   */
  freePlan?: boolean;
  /** Default 'T0SANDBOX'. */
  teamId?: string;
  /** Default 'UBOT'. */
  botUserId?: string;
  /** Default 'tooth-tail'. */
  botName?: string;
  /** Default 0: a random free port. The server binds 127.0.0.1 only. */
  port?: number;
  /**
   * The sandbox's clock in ms: trigger_id and response_url expiry, message ts, `at` stamps and the
   * instant at which users.info computes tz_offset. Request signatures and rate-limit windows use
   * the real clock, because Bolt checks signatures and the WebClient sleeps against real time.
   */
  now?: () => number;
  /** Slack's rate limits, answered with HTTP 429 + Retry-After; Slack's defaults unless set. */
  limits?: SandboxLimits;
  /** Default 'account_inactive'; see DeactivatedUserDm. */
  deactivatedUserDm?: DeactivatedUserDm;
  /** How long to wait for the app's ack of a Socket Mode envelope. Default 5000 ms. */
  socketAckTimeoutMs?: number;
  /** How often the sandbox pings each Socket Mode connection, as Slack does. Default 10000 ms. */
  socketPingIntervalMs?: number;
}

/** One Web API call as the sandbox saw it. */
export interface ApiCall {
  method: string;
  /** Arguments with JSON-string fields (blocks, view, files...) parsed and the token removed. */
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
  /** The HTTP status answered; 0 when the client gave up before an answer (see `delayNext`). */
  status: number;
  ok: boolean;
  error?: string;
}

export interface MessageVersion {
  text: string;
  blocks: unknown[] | undefined;
}

/** A message as a person would see it now, after any chat.update. */
export interface Message {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[] | undefined;
  threadTs: string | undefined;
  /** The user who posted it: the bot user for everything the app sends. */
  user: string;
  /** How many times chat.update (or a replace_original response) changed it. */
  updates: number;
  /** Every version, oldest first; the last one is the current text and blocks. */
  history: MessageVersion[];
  /** Set when the message came from a `response_type: in_channel` post to a response_url. */
  viaResponseUrl?: boolean;
}

export interface Ephemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  messageTs: string;
}

export interface ResponsePost {
  url: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the app posted; the body is the app's JSON
  body: any;
  at: number;
}

/** A file as files.completeUploadExternal shared it; not also listed in messages(). */
export interface SandboxFile {
  id: string;
  filename: string;
  title?: string;
  content: Buffer;
  channels: string[];
  threadTs?: string;
  initialComment?: string;
  altText?: string;
}

/** A modal or Home view as Slack holds it: the app's view plus id, hash, team_id and state. */
export interface View {
  id: string;
  hash: string;
  userId: string;
  view: SlackView;
}

export interface SlackView {
  id: string;
  team_id: string;
  type: string;
  hash: string;
  callback_id: string;
  private_metadata: string;
  external_id: string;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  blocks: unknown[];
  state: { values: Record<string, Record<string, StateValue>> };
  [key: string]: unknown;
}

export interface SelectOption {
  text: { type: 'plain_text'; text: string; emoji?: boolean };
  value: string;
  [key: string]: unknown;
}

/** `view.state.values[block_id][action_id]`, as Slack reports it for each element type. */
export interface StateValue {
  type: string;
  value?: string | null;
  selected_option?: SelectOption | null;
  selected_options?: SelectOption[];
  selected_user?: string | null;
  selected_users?: string[];
  selected_channel?: string | null;
  selected_conversation?: string | null;
  selected_date?: string | null;
  selected_time?: string | null;
  [key: string]: unknown;
}

export interface InteractionResult {
  /** HTTP status of the app's answer; 504 when a Socket Mode envelope was not acked in time. */
  status: number;
  /**
   * The ack body: parsed JSON, a plain string when the app answered text, or null when empty. In
   * Socket Mode it is the ack's `payload`, with an empty payload (`ack()`) reported as null too.
   */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the app acked with
  body: any;
  /** Milliseconds from sending to the ack: Slack shows the person an error past 3000. */
  ackMs: number;
  triggerId: string;
}

/** The result of an action that carries a response_url (a slash command or a message button). */
export interface RespondableResult extends InteractionResult {
  responseUrl: string;
  /** The first post to this response_url; rejects with a clear error after timeoutMs (default 5000). */
  // biome-ignore lint/suspicious/noExplicitAny: the app's JSON
  reply(timeoutMs?: number): Promise<any>;
  /**
   * What the person sees answer the action: the message in the ack body when it carries one
   * (Slack shows it at once), else the first post to the response_url, as reply().
   */
  // biome-ignore lint/suspicious/noExplicitAny: the app's JSON
  answer(timeoutMs?: number): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: the app's JSON
  replies(): any[];
}

export type CommandResult = RespondableResult;
export type ClickResult = RespondableResult;
