import type { CadenceSlip, Scope } from '../domain/command.js';
import type { Cadence } from '../domain/types.js';
import type { Subscription, SubscriptionRepository } from '../storage/subscriptions.js';
import type { Team, TeamRepository } from '../storage/teams.js';
import { InvalidInputError, UnknownCadenceError } from './errors.js';
import type { MessageBuilder } from './messages.js';
import type { OrgService } from './org.js';
import { type Clock, SlackCallError, type SlackPort } from './ports.js';

/**
 * How the app stands in a channel it is asked to post in. Slack lets a bot post only where it is a
 * member (chat.postMessage `not_in_channel`): a public channel it can join itself
 * (conversations.join, scope channels:join); a private one it cannot, and one it is not in does
 * not even show in conversations.info (`channel_not_found`), so a person must `/invite` it.
 */
export type ChannelAccess =
  | { kind: 'member' }
  | { kind: 'joined' }
  /** Waiting for a person to type `/invite @tooth-tail` there; `error` is what Slack said. */
  | { kind: 'invite'; error: string };

/** Errors with which Slack refuses a post or file share into a channel, not a person's DM. */
export const CHANNEL_ERRORS: ReadonlySet<string> = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  // files.completeUploadExternal's names for the same refusals
  'no_permission',
  'invalid_channel',
  'posting_to_channel_denied',
]);

/**
 * The problem a refusal means, whichever method answered: files.completeUploadExternal says
 * `no_permission` where chat.postMessage says `not_in_channel`, so a digest and its chart refused
 * for the same reason count as one problem (and one notice).
 */
const PROBLEM_OF: Readonly<Record<string, string>> = {
  no_permission: 'not_in_channel',
  posting_to_channel_denied: 'not_in_channel',
  invalid_channel: 'channel_not_found',
};

export interface ChannelLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Where a command was run, as the slash command payload says. */
export interface CommandPlace {
  channelId: string;
  channelName: string;
}

/** A DM (`directmessage`, a `D…` id) or a group DM (`mpdm-…`) rather than a channel. */
export function isConversation(place: CommandPlace): boolean {
  return (
    place.channelId.startsWith('D') ||
    place.channelName === 'directmessage' ||
    place.channelName.startsWith('mpdm-')
  );
}

export const NOT_A_CHANNEL =
  'Digests go to channels, not to direct messages or group DMs. Run `/tooth-tail subscribe` in the channel that should get them, or name it: `/tooth-tail subscribe #channel`.';

/** The channels digests go to: membership at subscribe time, and refusals later. */
export class ChannelService {
  constructor(
    private readonly deps: {
      slack: SlackPort;
      org: OrgService;
      subscriptions: SubscriptionRepository;
      teams: TeamRepository;
      messages: MessageBuilder;
      clock: Clock;
      logger: ChannelLogger;
    },
  ) {}

  /**
   * Makes sure the app can post in the channel: conversations.info `is_member`, else joins a public
   * channel. Throws InvalidInputError for a DM, a group DM or an archived channel.
   */
  async access(channelId: string): Promise<ChannelAccess> {
    let info: Awaited<ReturnType<SlackPort['conversationInfo']>>;
    try {
      info = await this.deps.slack.conversationInfo(channelId);
    } catch (error) {
      // A private channel the app is not in looks, to the app, like no channel at all.
      if (error instanceof SlackCallError && error.slackError === 'channel_not_found')
        return { kind: 'invite', error: 'channel_not_found' };
      throw error;
    }
    if (info.isConversation) throw new InvalidInputError(NOT_A_CHANNEL);
    if (info.isArchived)
      throw new InvalidInputError(
        `<#${channelId}> is archived, so nothing can be posted there. Unarchive it, or pick another channel.`,
      );
    if (info.isMember) return { kind: 'member' };
    if (info.isPrivate) return { kind: 'invite', error: 'method_not_supported_for_channel_type' };
    try {
      await this.deps.slack.joinChannel(channelId);
      return { kind: 'joined' };
    } catch (error) {
      if (!(error instanceof SlackCallError) || !error.permanent) throw error;
      this.deps.logger.warn(`could not join ${channelId}: ${error.slackError}`);
      return { kind: 'invite', error: error.slackError };
    }
  }

  /**
   * `subscribe`: checks the channel (joining a public one), then stores the subscription. One the
   * app cannot post in yet is kept and shown as waiting for an invite; its creator was told how in
   * the reply, so the first digest refused the same way sends them no second notice.
   */
  async subscribe(input: {
    workspaceId: string;
    place: CommandPlace;
    channelId: string;
    named: boolean;
    scope: Scope;
    cadence: Cadence;
    /** The team name's other reading, with a cadence typed wrong at its end (see OrgService.subscribedTeam). */
    cadenceSlip?: CadenceSlip | null;
    createdBy: string;
  }): Promise<{ created: boolean; team: Team | null; access: ChannelAccess }> {
    if (!input.named && isConversation(input.place)) throw new InvalidInputError(NOT_A_CHANNEL);
    // Unknown team names, and cadences typed after a known one, are refused before any Slack call.
    if (input.scope.kind === 'team') {
      const { unknownCadence } = this.deps.org.subscribedTeam(
        input.workspaceId,
        input.scope.team,
        input.cadenceSlip ?? null,
      );
      if (unknownCadence !== null) throw new UnknownCadenceError(unknownCadence);
    }
    const access = await this.access(input.channelId);
    const { subscription, created, team } = this.deps.org.subscribe({
      workspaceId: input.workspaceId,
      channelId: input.channelId,
      scope: input.scope,
      cadence: input.cadence,
      createdBy: input.createdBy,
    });
    this.recordAccess(input.workspaceId, input.channelId, subscription.id, access);
    return { created, team, access };
  }

  /**
   * Records what `access` found for a new subscription (at `subscribe`, or a home channel at `team
   * add`): one the app cannot post in yet shows as waiting, and since its creator was told how in
   * the reply, the first digest refused the same way sends them no second notice.
   */
  recordAccess(
    workspaceId: string,
    channelId: string,
    subscriptionId: Subscription['id'],
    access: ChannelAccess,
  ): void {
    if (access.kind === 'invite') {
      // Recorded as the refusal the first digest will meet: a private channel the app cannot see
      // answers channel_not_found, one it can see but is not in not_in_channel.
      const problem = access.error === 'channel_not_found' ? 'channel_not_found' : 'not_in_channel';
      const now = this.deps.clock().toISOString();
      this.deps.subscriptions.recordProblem(workspaceId, channelId, problem, now);
      this.deps.subscriptions.claimProblemNotice(subscriptionId, problem);
    } else {
      this.deps.subscriptions.clearChannelProblems(workspaceId, channelId);
    }
  }

  /**
   * Slack refused a digest or chart in this channel for good. Every subscription there shows the
   * problem, and each one's creator gets one DM per problem with the fix (not one per digest).
   */
  async refused(workspaceId: string, channelId: string, refusal: string): Promise<void> {
    const error = PROBLEM_OF[refusal] ?? refusal;
    const now = this.deps.clock().toISOString();
    const subscriptions = this.deps.subscriptions.recordProblem(workspaceId, channelId, error, now);
    for (const subscription of subscriptions) {
      if (!this.deps.subscriptions.claimProblemNotice(subscription.id, error)) continue;
      const notice = this.deps.messages.channelProblem({
        channelId,
        error,
        scopeName: this.scopeName(subscription),
      });
      try {
        await this.deps.slack.postMessage(subscription.createdBy, notice);
      } catch (failure) {
        const reason = failure instanceof SlackCallError ? failure.slackError : (failure as Error).message;
        this.deps.logger.warn(
          `could not tell ${subscription.createdBy} that ${channelId} refuses digests (${error}): ${reason}`,
        );
      }
    }
  }

  /** A digest or chart reached the channel: whatever problem it had is over. */
  delivered(workspaceId: string, channelId: string): void {
    this.deps.subscriptions.clearChannelProblems(workspaceId, channelId);
  }

  /**
   * member_joined_channel for the app itself: someone invited it. Clears the channel's problems
   * and, when digests are meant for it, confirms in the channel which ones.
   */
  async appJoined(workspaceId: string, channelId: string): Promise<void> {
    this.deps.subscriptions.clearChannelProblems(workspaceId, channelId);
    const scopes = this.deps.subscriptions
      .inChannel(workspaceId, channelId)
      .map((s) => ({ scopeName: this.scopeName(s), cadence: s.cadence }));
    const homeOf = this.deps.teams
      .list(workspaceId)
      .filter((t) => t.channelId === channelId)
      .map((t) => t.name);
    if (scopes.length === 0 && homeOf.length === 0) return;
    await this.deps.slack.postMessage(
      channelId,
      this.deps.messages.channelReady({ channelId, scopes, homeOf }),
    );
    this.deps.logger.info(`added to ${channelId}: ${scopes.length} subscription(s) can post there now`);
  }

  private scopeName(subscription: Subscription): string | null {
    if (subscription.teamId === null) return null;
    return this.deps.teams.get(subscription.teamId)?.name ?? '(removed team)';
  }
}
