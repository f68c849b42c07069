// The sandbox (SPEC section 8): a loopback stand-in for the Slack Web API that records what the app
// shows people and plays those people, over signed HTTP or Socket Mode. Nothing reaches Slack.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { type ControlDeps, handleControl } from './control.js';
import { Delivery, SignedHttp } from './delivery.js';
import { FaultQueue } from './faults.js';
import { BodyTooLargeError, readBody, sendJson, sendText } from './http.js';
import { assertTimeZone, userJson } from './methods/users.js';
import { pushView, replaceView } from './methods/views.js';
import {
  appHomeOpened,
  commandPayload,
  eventCallback,
  type FoundElement,
  findElement,
  listActionIds,
  messageBlockActions,
  stateFromAnswers,
  subteamMembersChanged,
  subteamUpdated,
  viewBlockActions,
  viewSubmission,
} from './payloads.js';
import { RateLimiter } from './rate-limits.js';
import { type ResponseSource, ResponseUrls } from './response-urls.js';
import { SocketModeServer } from './socket-mode.js';
import type {
  ApiCall,
  ClickResult,
  CommandResult,
  Ephemeral,
  InteractionResult,
  Message,
  RespondableResult,
  ResponsePost,
  SandboxChannel,
  SandboxFile,
  SandboxLimits,
  SandboxOptions,
  SandboxUser,
  SandboxUsergroup,
  StateValue,
  View,
} from './types.js';
import { waitFor } from './wait.js';
import { WebApi } from './web-api.js';
import { dmChannelId, Workspace } from './workspace.js';

export { signRequest } from './signing.js';
export type * from './types.js';

const DEFAULT_ACK_TIMEOUT_MS = 5000;

/** Whether an ack body is a message (text or blocks) rather than empty. */
const hasMessage = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && ('text' in body || 'blocks' in body);

/** What a view_submission ack may ask Slack to do with the modal. */
const viewAck = z.looseObject({
  response_action: z.enum(['errors', 'update', 'push', 'clear']),
  view: z.record(z.string(), z.unknown()).optional(),
});

export class Sandbox {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `http://127.0.0.1:PORT/api/`: the app's SLACK_API_URL / clientOptions.slackApiUrl. */
  readonly apiUrl: string;

  private readonly workspace: Workspace;
  private readonly faults = new FaultQueue();
  private readonly limiter: RateLimiter;
  private readonly socket: SocketModeServer;
  private readonly responseUrls: ResponseUrls;
  private readonly http: SignedHttp;
  private readonly delivery: Delivery;
  private readonly webApi: WebApi;
  private appUrl: string | undefined;
  private mode: 'http' | 'socket';
  private stopping: Promise<void> | undefined;

  /** Starts the server on 127.0.0.1 (never another interface) and resolves once it listens. */
  static async start(options: SandboxOptions): Promise<Sandbox> {
    for (const user of options.users ?? []) assertTimeZone(user.tz);
    // Node closes an idle keep-alive connection after 5 s by default; a client (the app's
    // response_url POST) reusing it just then fails with "fetch failed". Slack's own servers keep
    // connections longer, so the sandbox does too.
    const server = createServer({ keepAliveTimeout: 65_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new Sandbox(options, server, (server.address() as AddressInfo).port);
  }

  private constructor(
    options: SandboxOptions,
    private readonly server: Server,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.url}/api/`;
    this.appUrl = options.appUrl;
    this.mode = options.mode ?? 'http';
    this.workspace = new Workspace(
      {
        teamId: options.teamId ?? 'T0SANDBOX',
        teamDomain: 'sandbox',
        botUserId: options.botUserId ?? 'UBOT',
        botId: 'B0SANDBOX',
        botName: options.botName ?? 'tooth-tail',
        appId: 'A0SANDBOX',
      },
      options.now ?? Date.now,
      options.deactivatedUserDm ?? 'account_inactive',
    );
    for (const user of options.users ?? []) this.workspace.users.set(user.id, { ...user });
    for (const channel of options.channels ?? []) this.workspace.channels.set(channel.id, { ...channel });
    for (const group of options.usergroups ?? []) this.addUsergroup(group);
    this.workspace.freePlan = options.freePlan ?? false;
    this.limiter = new RateLimiter(options.limits);
    const ackTimeoutMs = options.socketAckTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.socket = new SocketModeServer({
      appId: this.workspace.identity.appId,
      ackTimeoutMs,
      pingIntervalMs: options.socketPingIntervalMs ?? 10_000,
    });
    this.responseUrls = new ResponseUrls(this.workspace);
    this.http = new SignedHttp(options.signingSecret, () => this.appUrl, ackTimeoutMs);
    this.delivery = new Delivery(() => this.mode, this.http, this.socket);
    this.webApi = new WebApi({
      workspace: this.workspace,
      faults: this.faults,
      limiter: this.limiter,
      tokens: { bot: options.botToken, app: options.appToken },
      baseUrl: this.url,
      issueSocketUrl: () => this.socket.issueUrl(this.url.replace(/^http/, 'ws')),
    });
    server.on('request', (req, res) => void this.handle(req, res));
    server.on('upgrade', (req, socket, head) => this.socket.handleUpgrade(req, socket, head));
  }

  // ----- configuration -----

  setAppUrl(url: string): void {
    this.appUrl = url;
  }

  setMode(mode: 'http' | 'socket'): void {
    this.mode = mode;
  }

  addUser(user: SandboxUser): void {
    assertTimeZone(user.tz);
    this.workspace.users.set(user.id, { ...user });
  }

  updateUser(id: string, patch: Partial<Omit<SandboxUser, 'id'>>): void {
    const user = this.requireUser(id);
    if (patch.tz !== undefined) assertTimeZone(patch.tz);
    Object.assign(user, patch);
  }

  addUsergroup(group: SandboxUsergroup): void {
    this.workspace.usergroups.set(group.id, { ...group, users: [...group.users] });
  }

  usergroup(id: string): SandboxUsergroup | undefined {
    return this.workspace.usergroups.get(id);
  }

  /**
   * Someone changes a user group's members in Slack: the group becomes `users`, and Slack sends
   * `subteam_members_changed` with the delta (signed, like every event). `alsoUpdated` sends the
   * `subteam_updated` event Slack sends beside it, with the group's full member list.
   */
  async setUsergroupMembers(
    id: string,
    users: string[],
    options: { alsoUpdated?: boolean } = {},
  ): Promise<{ status: number; body: unknown }> {
    const group = this.workspace.usergroups.get(id);
    if (group === undefined) throw new Error(`no sandbox user group ${id}`);
    const before = new Set(group.users);
    const after = new Set(users);
    const previousUpdate = Math.floor(this.workspace.now() / 1000) - 60;
    group.users = [...after];
    const ack = await this.sendEvent(
      subteamMembersChanged(this.workspace, {
        subteamId: id,
        added: users.filter((u) => !before.has(u)),
        removed: [...before].filter((u) => !after.has(u)),
        previousUpdate,
      }),
    );
    if (options.alsoUpdated) return this.sendEvent(subteamUpdated(this.workspace, group));
    return ack;
  }

  addChannel(channel: SandboxChannel): void {
    this.workspace.channels.set(channel.id, { ...channel });
  }

  // ----- what people and admins do in Slack, with the events Slack sends for it -----

  /**
   * A person types `/invite @tooth-tail` in the channel: the bot becomes a member and Slack sends
   * member_joined_channel with the bot's own user id (docs.slack.dev/reference/events/
   * member_joined_channel: `channel_type` is `C` for a public channel, `G` for a private one,
   * `inviter` the person who added it).
   */
  async inviteApp(channelId: string, byUserId?: string): Promise<{ status: number; body: unknown }> {
    const channel = this.requireChannel(channelId);
    if (channel.isArchived) throw new Error(`${channelId} is archived; nobody can invite the app there`);
    channel.appIsMember = true;
    const { botUserId, teamId } = this.workspace.identity;
    return this.sendEvent({
      type: 'member_joined_channel',
      user: botUserId,
      channel: channel.id,
      channel_type: channel.isPrivate ? 'G' : 'C',
      team: teamId,
      ...(byUserId === undefined ? {} : { inviter: this.requireUser(byUserId).id }),
      event_ts: this.workspace.nextTs(),
    });
  }

  /** Someone removes the app from a channel (`/kick`, or channel settings). */
  removeApp(channelId: string): void {
    this.requireChannel(channelId).appIsMember = false;
  }

  /** Archived channels refuse posts with `is_archived` until unarchived. */
  archiveChannel(channelId: string, archived = true): void {
    this.requireChannel(channelId).isArchived = archived;
  }

  /** A deleted channel is gone: every method answers `channel_not_found` for it. */
  deleteChannel(channelId: string): void {
    this.requireChannel(channelId);
    this.workspace.channels.delete(channelId);
  }

  /**
   * An admin deactivates an account: users.info says `deleted: true` from now on, and Slack sends
   * user_change with the whole user object (docs.slack.dev/reference/events/user_change, scope
   * users:read). `event: false` plays an app that was down and missed the event.
   */
  async deactivateUser(userId: string, options: { event?: boolean } = {}): Promise<void> {
    const user = this.requireUser(userId);
    user.deleted = true;
    if (options.event !== false) await this.sendUserChange(user.id);
  }

  /** An admin reactivates a deactivated account: user_change with `deleted: false`. */
  async reactivateUser(userId: string, options: { event?: boolean } = {}): Promise<void> {
    const user = this.requireUser(userId);
    user.deleted = false;
    if (options.event !== false) await this.sendUserChange(user.id);
  }

  /** user_change carrying the person's user object as users.info shows it now. */
  sendUserChange(userId: string): Promise<{ status: number; body: unknown }> {
    const user = this.requireUser(userId);
    return this.sendEvent({
      type: 'user_change',
      user: userJson(this.workspace, user),
      cache_ts: Math.floor(this.workspace.now() / 1000),
      event_ts: this.workspace.nextTs(),
    });
  }

  /**
   * The workspace uninstalls the app. Its bot token stops working at once: every call with it is
   * answered `tokenError` (`account_inactive` by default: "Authentication token is for a deleted
   * user or workspace when using a bot token", in each method's error table). Slack then sends
   * tokens_revoked (the bot's user id under `tokens.bot`) and app_uninstalled; their order is not
   * guaranteed (docs.slack.dev/reference/events/app_uninstalled, /tokens_revoked). `events: false`
   * plays an app that missed both.
   */
  async uninstallApp(options: { tokenError?: string; events?: boolean } = {}): Promise<void> {
    this.workspace.botTokenError = options.tokenError ?? 'account_inactive';
    if (options.events === false) return;
    await this.sendEvent({ type: 'tokens_revoked', tokens: { bot: [this.workspace.identity.botUserId] } });
    await this.sendEvent({ type: 'app_uninstalled' });
  }

  /** The workspace installs the app again: the bot token works again (the app is told nothing). */
  reinstallApp(): void {
    this.workspace.botTokenError = undefined;
  }

  /** The number of Socket Mode connections the app holds open. */
  get socketConnections(): number {
    return this.socket.connectionCount;
  }

  /**
   * Closes the server and every connection; calling it again does nothing. In Socket Mode, stop the
   * app first: a Socket Mode client whose server goes away keeps trying to reconnect.
   */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async close(): Promise<void> {
    await this.socket.close();
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error === undefined ? resolve() : reject(error)));
      this.server.closeAllConnections();
    });
  }

  // ----- fault injection -----

  /**
   * The next `times` calls of `method` ('*' for any) get HTTP 429 with this Retry-After; with
   * `channel`, only calls into that channel (a user id: that person's DM).
   */
  rateLimitNext(
    method: string,
    options: { retryAfterSeconds: number; times?: number; channel?: string },
  ): void {
    this.faults.add(
      method,
      { kind: 'rate_limited', retryAfterSeconds: options.retryAfterSeconds },
      options.times,
      options.channel === undefined ? undefined : this.conversationId(options.channel),
    );
  }

  /**
   * The next `times` calls of `method` ('*' for any) fail: HTTP `status`, else `{ ok:false, error }`;
   * with `channel`, only calls into that channel (a user id: that person's DM).
   */
  failNext(
    method: string,
    options: { error?: string; status?: number; times?: number; channel?: string },
  ): void {
    const fault =
      options.status !== undefined
        ? ({ kind: 'status', status: options.status } as const)
        : ({ kind: 'error', error: options.error ?? 'internal_error' } as const);
    this.faults.add(
      method,
      fault,
      options.times,
      options.channel === undefined ? undefined : this.conversationId(options.channel),
    );
  }

  /**
   * The next `times` calls of `method` ('*' for any) are held for `ms` before they are handled, as
   * a slow Slack would. A client that gives up first (its request timeout) closes the connection;
   * that call is then recorded with status 0 and error `timed_out`, and has no effect.
   */
  delayNext(method: string, options: { ms: number; times?: number }): void {
    if (!Number.isFinite(options.ms) || options.ms < 0)
      throw new RangeError(`ms must be a non-negative number, got ${options.ms}`);
    this.faults.add(method, { kind: 'delay', ms: options.ms }, options.times);
  }

  /** Replaces the rate limits: each one left out is Slack's default again, null turns one off. */
  setLimits(limits: SandboxLimits): void {
    this.limiter.setLimits(limits);
  }

  // ----- records -----

  get calls(): ApiCall[] {
    return this.workspace.calls;
  }

  get ephemerals(): Ephemeral[] {
    return this.workspace.ephemerals;
  }

  get responses(): ResponsePost[] {
    return this.workspace.responses;
  }

  get files(): SandboxFile[] {
    return this.workspace.files;
  }

  /** Every message as people see it now; a user id as `channel` means the bot's DM with them. */
  messages(channel?: string): Message[] {
    return this.workspace.messages(channel === undefined ? undefined : this.conversationId(channel));
  }

  dm(userId: string): Message[] {
    return this.workspace.messages(dmChannelId(userId));
  }

  openViews(userId: string): View[] {
    return this.workspace.openViews(userId);
  }

  homeView(userId: string): View['view'] | undefined {
    const id = this.workspace.homes.get(userId);
    return id === undefined ? undefined : this.workspace.views.get(id)?.view;
  }

  /** The id of the person's published Home view, for clickViewButton. */
  homeViewId(userId: string): string | undefined {
    return this.workspace.homes.get(userId);
  }

  /** A trigger_id as if the person had just acted, for driving views.open directly in tests. */
  issueTriggerId(userId: string): string {
    return this.workspace.issueTrigger(this.requireUser(userId).id);
  }

  /**
   * A response_url for a click on a message in `channel` as if the person had just made it (Slack
   * issues one per interaction, each taking 5 posts): for replaying a captured click.
   */
  issueResponseUrl(channel: string, ts: string): string {
    return this.responseUrls.issue(this.url, { kind: 'message', channel, ts });
  }

  waitFor<T>(fn: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return waitFor(fn, timeoutMs, what);
  }

  // ----- playing people -----

  /**
   * Runs a slash command as `userId`. The channel defaults to the first configured channel, or the
   * person's DM with the app when there is none.
   */
  async command(
    userId: string,
    text: string,
    options: { channelId?: string; command?: string } = {},
  ): Promise<CommandResult> {
    const user = this.requireUser(userId);
    const channelId =
      options.channelId ?? this.workspace.channels.keys().next().value ?? dmChannelId(user.id);
    const command = options.command ?? '/tooth-tail';
    const triggerId = this.workspace.issueTrigger(user.id);
    const responseUrl = this.responseUrls.issue(this.url, { kind: 'command', channel: channelId });
    const payload = commandPayload(this.workspace, {
      user,
      channelId,
      command,
      text,
      responseUrl,
      triggerId,
    });
    const ack = await this.delivery.deliver('command', payload);
    this.showCommandAck(ack.body, channelId, user.id);
    return this.respondable({ ...ack, triggerId }, responseUrl, `${command} ${text}`.trim(), user);
  }

  /** Clicks the button with `actionId` in a message the app posted (channel may be a user id for a DM). */
  async clickButton(
    userId: string,
    message: { channel: string; ts: string },
    actionId: string,
    options: { value?: string; blockId?: string } = {},
  ): Promise<ClickResult> {
    const user = this.requireUser(userId);
    const channel = this.conversationId(message.channel);
    const target = this.workspace.findMessage(channel, message.ts);
    if (target === undefined) {
      const known = this.workspace
        .messages(channel)
        .map((m) => m.ts)
        .join(', ');
      throw new Error(`no message ${message.ts} in ${channel}; messages there: ${known || 'none'}`);
    }
    const found = this.findButton(
      target.blocks ?? [],
      actionId,
      options.blockId,
      `message ${target.ts} in ${channel}`,
    );
    const triggerId = this.workspace.issueTrigger(user.id);
    const source: ResponseSource = { kind: 'message', channel, ts: target.ts };
    const responseUrl = this.responseUrls.issue(this.url, source);
    const value = options.value ?? stringField(found.element.value);
    const payload = messageBlockActions(this.workspace, {
      user,
      message: target,
      found,
      value,
      triggerId,
      responseUrl,
    });
    const ack = await this.delivery.deliver('interaction', payload);
    return this.respondable({ ...ack, triggerId }, responseUrl, `click on ${actionId}`, user);
  }

  /** Clicks a button inside an open modal or the person's Home tab (pass the view id). */
  async clickViewButton(
    userId: string,
    viewId: string,
    actionId: string,
    options: { value?: string; blockId?: string } = {},
  ): Promise<InteractionResult> {
    const user = this.requireUser(userId);
    const view = this.workspace.views.get(viewId);
    if (view === undefined || view.userId !== user.id) throw new Error(`${user.id} has no view ${viewId}`);
    const found = this.findButton(view.view.blocks, actionId, options.blockId, `view ${viewId}`);
    const triggerId = this.workspace.issueTrigger(user.id);
    const value = options.value ?? stringField(found.element.value);
    const payload = viewBlockActions(this.workspace, { user, view: view.view, found, value, triggerId });
    return { ...(await this.delivery.deliver('interaction', payload)), triggerId };
  }

  /**
   * Submits an open modal with these state values. The modal then changes as the ack asks: closed
   * on an empty ack, kept on `errors`, replaced on `update`, stacked on `push`, all closed on `clear`.
   */
  async submitView(
    userId: string,
    viewId: string,
    values: Record<string, Record<string, StateValue>>,
    options: { hash?: string } = {},
  ): Promise<InteractionResult> {
    const user = this.requireUser(userId);
    const view = this.workspace.openViews(user.id).find((v) => v.id === viewId);
    if (view === undefined) {
      const open = this.workspace.openViews(user.id).map((v) => `${v.id} (${v.view.callback_id})`);
      throw new Error(`${user.id} has no open modal ${viewId}; open: ${open.join(', ') || 'none'}`);
    }
    const triggerId = this.workspace.issueTrigger(user.id);
    const hash = options.hash ?? view.hash;
    const payload = viewSubmission(this.workspace, { user, view: view.view, values, hash, triggerId });
    const ack = await this.delivery.deliver('interaction', payload);
    if (ack.status === 200) this.applyViewAck(user.id, view, ack.body);
    return { ...ack, triggerId };
  }

  /**
   * Answers the person's most recent open modal: each key is an input block's block_id, each value
   * the answer (an option's value for selects and radio buttons, text or a number for inputs).
   */
  async fillAndSubmit(userId: string, answers: Record<string, string | number>): Promise<InteractionResult> {
    const user = this.requireUser(userId);
    const top = this.workspace.openViews(user.id).at(-1);
    if (top === undefined) throw new Error(`${user.id} has no open modal to fill in`);
    return this.submitView(user.id, top.id, stateFromAnswers(top.view, answers));
  }

  /** The person opens the app's Home tab: an app_home_opened event. */
  async openHome(userId: string): Promise<{ status: number; body: unknown }> {
    const user = this.requireUser(userId);
    const event = appHomeOpened(this.workspace, user, this.homeView(user.id));
    const ack = await this.delivery.deliver('event', eventCallback(this.workspace, event));
    return { status: ack.status, body: ack.body };
  }

  /**
   * Delivers an event, wrapped in event_callback unless it already is one (or a url_verification).
   * `retryNum` adds x-slack-retry-num / x-slack-retry-reason (HTTP) or retry_attempt (Socket Mode).
   */
  async sendEvent(
    event: object,
    options: { retryNum?: number; retryReason?: string; eventId?: string } = {},
  ): Promise<{ status: number; body: unknown }> {
    const type = (event as { type?: unknown }).type;
    const payload =
      type === 'event_callback' || type === 'url_verification'
        ? (event as Record<string, unknown>)
        : eventCallback(this.workspace, event, options.eventId);
    const ack = await this.delivery.deliver('event', payload, options);
    return { status: ack.status, body: ack.body };
  }

  /** Posts any body to the app with a signature; override the timestamp, signature or secret to forge one. */
  async sendSigned(
    body: string,
    contentType: string,
    headers: { timestamp?: number; signature?: string; secret?: string; extra?: Record<string, string> } = {},
  ): Promise<{ status: number; text: string }> {
    const answer = await this.http.post({ body, contentType, ...headers });
    return { status: answer.status, text: answer.text };
  }

  // ----- internals -----

  private requireChannel(channelId: string): SandboxChannel {
    const channel = this.workspace.channels.get(channelId);
    if (channel === undefined) {
      const known = [...this.workspace.channels.keys()].join(', ');
      throw new Error(`no sandbox channel "${channelId}"; channels: ${known || 'none'}`);
    }
    return channel;
  }

  private requireUser(idOrName: string): SandboxUser {
    const user = this.workspace.findUser(idOrName);
    if (user === undefined) {
      const known = [...this.workspace.users.values()].map((u) => `${u.id} (${u.name})`).join(', ');
      throw new Error(`no sandbox user "${idOrName}"; users: ${known}`);
    }
    return user;
  }

  /** A channel id, or `D…` for a user id, as messages are recorded under the DM's id. */
  private conversationId(channel: string): string {
    return /^[UW]/.test(channel) ? dmChannelId(channel) : channel;
  }

  private findButton(
    blocks: unknown[],
    actionId: string,
    blockId: string | undefined,
    where: string,
  ): FoundElement {
    const scoped =
      blockId === undefined
        ? blocks
        : blocks.filter((b) => (b as { block_id?: unknown }).block_id === blockId);
    const found = findElement(scoped, actionId);
    if (found === undefined) {
      const known = listActionIds(blocks).join(', ') || 'none';
      throw new Error(`no element with action_id "${actionId}" in ${where}; elements: ${known}`);
    }
    if (found.element.type !== 'button') {
      throw new Error(`"${actionId}" in ${where} is a ${found.element.type}, not a button`);
    }
    return found;
  }

  /**
   * A command's ack may carry its reply, which Slack shows at once: `in_channel` as a message in
   * the channel, otherwise only to the person (recorded with the ephemerals).
   */
  private showCommandAck(body: unknown, channel: string, userId: string): void {
    if (!hasMessage(body)) return;
    const message = body as { text?: unknown; blocks?: unknown; response_type?: unknown };
    const text = typeof message.text === 'string' ? message.text : '';
    const blocks = Array.isArray(message.blocks) ? message.blocks : undefined;
    if (message.response_type === 'in_channel') {
      this.workspace.postMessage({ channel, text, blocks, threadTs: undefined, viaResponseUrl: true });
      return;
    }
    this.workspace.ephemerals.push({
      channel,
      user: userId,
      text,
      ...(blocks === undefined ? {} : { blocks }),
      messageTs: this.workspace.nextTs(),
    });
  }

  private respondable(
    ack: InteractionResult,
    responseUrl: string,
    what: string,
    user: SandboxUser,
  ): RespondableResult {
    const posts = () => this.responseUrls.postsTo(responseUrl);
    const reply = (timeoutMs = 5000) =>
      waitFor(
        () => posts()[0],
        timeoutMs,
        `a reply to ${what} (as ${user.name}) at its response_url; the ack was HTTP ${ack.status}`,
      ).then((post) => post.body);
    return {
      ...ack,
      responseUrl,
      reply,
      // An ack that carries a message is what the person sees first, as in Slack.
      answer: (timeoutMs = 5000) => (hasMessage(ack.body) ? Promise.resolve(ack.body) : reply(timeoutMs)),
      replies: () => posts().map((p) => p.body),
    };
  }

  private applyViewAck(userId: string, view: View, body: unknown): void {
    const ack = viewAck.safeParse(body);
    if (!ack.success) {
      this.workspace.closeTopModal(userId);
      return;
    }
    const { response_action: action, view: next } = ack.data;
    if (action === 'clear') this.workspace.closeModals(userId);
    if (action === 'update' && next !== undefined) replaceView(this.workspace, view, next, undefined);
    if (action === 'push' && next !== undefined) pushView(this.workspace, userId, next);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.url);
      const [, area, rest] = /^\/([^/]+)\/?(.*)$/.exec(url.pathname) ?? [];
      if (area === 'api' && rest !== undefined && rest !== '')
        return await this.webApi.handle(rest, req, res, url);
      if (area === 'upload' && req.method === 'POST' && rest !== undefined) {
        return await this.webApi.handleUpload(rest, req, res);
      }
      if (area === 'response' && req.method === 'POST' && rest !== undefined) {
        const answer = this.responseUrls.receive(rest, (await readBody(req)).toString('utf8'));
        return sendText(res, answer.status, answer.text);
      }
      if (area === '_sandbox') return await handleControl(this.controlDeps(), rest ?? '', req, res, url);
      sendJson(res, 404, { ok: false, error: 'not_found', path: url.pathname });
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = error instanceof BodyTooLargeError ? 413 : 500;
      sendJson(res, status, { ok: false, error: 'internal_error', detail: String(error) });
    }
  }

  private controlDeps(): ControlDeps {
    return {
      findUser: (idOrName) => this.workspace.findUser(idOrName),
      command: (userId, text, options) => this.command(userId, text, options),
      messages: (channel) => this.messages(channel),
    };
  }
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
