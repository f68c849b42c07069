import type { Delivery } from '../storage/outbox.js';
import { CHANNEL_ERRORS, type ChannelService } from './channels.js';
import type { DepartureService } from './departures.js';
import type { Directory } from './directory.js';
import type { InstallService } from './installs.js';
import { SlackCallError } from './ports.js';

/** What a DM to a person can be refused with when that person is gone. */
const PERSON_GONE = new Set(['account_inactive', 'user_not_found', 'user_disabled', 'cannot_dm_bot']);

const isCheckIn = (d: Delivery): d is Delivery & { userId: string } =>
  (d.kind === 'prompt' || d.kind === 'reminder') && d.userId !== null;

/** A channel (C…, G…), not a person's DM. */
const isChannel = (channel: string): boolean => /^[CG]/.test(channel);

/**
 * What real Slack does to a delivery beyond rate limits: a workspace that uninstalled the app, a
 * person who was deactivated, a channel the app cannot post in. The sender asks it before a send,
 * and after Slack refused one for good, what to record.
 */
export class DeliveryGuard {
  constructor(
    private readonly deps: {
      installs: InstallService;
      departures: DepartureService;
      channels: ChannelService;
      directory: Directory;
    },
  ) {}

  /** Why the delivery must not be sent at all, or null. */
  before(delivery: Delivery): string | null {
    if (!this.deps.installs.isActive(delivery.workspaceId)) return 'app_uninstalled';
    if (isCheckIn(delivery) && this.deps.directory.cached(delivery.workspaceId, delivery.userId)?.deleted) {
      this.deps.departures.departed(delivery.workspaceId, delivery.userId, 'users.info');
      return 'user_deactivated';
    }
    return null;
  }

  /**
   * Slack refused the delivery. A dead bot token uninstalls the workspace (skipped, never retried);
   * a DM refused because the person is deactivated (confirmed by users.info) ends their
   * memberships (skipped); a channel refusal is recorded on its subscriptions and told to their
   * creators once (failed). Everything else is a plain failure.
   */
  async refused(
    delivery: Delivery,
    error: unknown,
  ): Promise<{ status: 'failed' | 'skipped'; reason: string }> {
    if (!(error instanceof SlackCallError)) return { status: 'failed', reason: (error as Error).message };
    const code = error.slackError;
    if (await this.deps.installs.tokenFailed(delivery.workspaceId, code))
      return { status: 'skipped', reason: `app_uninstalled: ${code}` };
    if (
      isCheckIn(delivery) &&
      PERSON_GONE.has(code) &&
      (await this.isGone(delivery.workspaceId, delivery.userId))
    ) {
      this.deps.departures.departed(delivery.workspaceId, delivery.userId, `users.info after ${code}`);
      return { status: 'skipped', reason: 'user_deactivated' };
    }
    if (isChannel(delivery.channel) && CHANNEL_ERRORS.has(code))
      await this.deps.channels.refused(delivery.workspaceId, delivery.channel, code);
    return { status: 'failed', reason: code };
  }

  /** A post reached a channel: its subscriptions' problems are over. */
  sent(delivery: Delivery): void {
    if (isChannel(delivery.channel)) this.deps.channels.delivered(delivery.workspaceId, delivery.channel);
  }

  /** users.info now, not the cache: is the person deactivated, or unknown to Slack? */
  private async isGone(workspaceId: string, userId: string): Promise<boolean> {
    try {
      const user = await this.deps.directory.user(workspaceId, userId, 0);
      return user === undefined || user.deleted;
    } catch {
      return false;
    }
  }
}
