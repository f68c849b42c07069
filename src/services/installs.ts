import type { InstallRepository } from '../storage/installs.js';
import type { OutboxRepository } from '../storage/outbox.js';
import { type Clock, SlackCallError, type SlackPort } from './ports.js';

export interface InstallLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Bot-token errors that say the token is dead, whatever method answered them. */
const TOKEN_DEAD = new Set(['invalid_auth', 'token_revoked', 'account_inactive', 'not_authed']);

/**
 * Whether a workspace still has the app. An uninstall (app_uninstalled, tokens_revoked, or a call
 * answered with a dead-token error) stops every send and schedule for that workspace at once:
 * pending deliveries become `skipped`, nothing is retried against the dead token, and it is logged
 * once. A reinstall is recognised by a successful auth.test for the workspace: at start-up, and when
 * a signed request from the workspace arrives while it is marked uninstalled (someone ran a command
 * or Slack sent an event, which Slack does only for an installed app). The data stays until an
 * admin deletes it (`tooth-tail delete-workspace`).
 */
export class InstallService {
  /**
   * The workspaces marked uninstalled, held in memory too: every request asks (to spot a
   * reinstall), and its acknowledgement should not wait on the database.
   */
  private readonly gone: Set<string>;

  constructor(
    private readonly deps: {
      installs: InstallRepository;
      outbox: OutboxRepository;
      slack: SlackPort;
      clock: Clock;
      logger: InstallLogger;
    },
  ) {
    this.gone = new Set(deps.installs.uninstalledWorkspaces());
  }

  isActive(workspaceId: string): boolean {
    return !this.gone.has(workspaceId);
  }

  /** Marks the workspace uninstalled and skips its pending deliveries; true the first time. */
  uninstalled(workspaceId: string, reason: string): boolean {
    const now = this.deps.clock().toISOString();
    this.gone.add(workspaceId);
    if (!this.deps.installs.markUninstalled(workspaceId, reason, now)) return false;
    const skipped = this.deps.outbox.skipPendingOfWorkspace(workspaceId, `app_uninstalled: ${reason}`, now);
    this.deps.logger.warn(
      `workspace ${workspaceId} uninstalled tooth-tail (${reason}): sends and schedules stopped, ${skipped} pending deliveries skipped; its data is kept until deleted`,
    );
    return true;
  }

  /**
   * A call with the bot token failed with `error`. invalid_auth and token_revoked always mean a
   * dead token; account_inactive is also what Slack may answer for a DM to a deactivated person, so
   * auth.test decides. Returns whether the token is dead (and the workspace is now uninstalled).
   */
  async tokenFailed(workspaceId: string, error: string): Promise<boolean> {
    if (!TOKEN_DEAD.has(error)) return false;
    if (error === 'account_inactive') {
      try {
        await this.deps.slack.authTest();
        return false;
      } catch (check) {
        if (!(check instanceof SlackCallError) || !TOKEN_DEAD.has(check.slackError)) return false;
      }
    }
    this.uninstalled(workspaceId, error);
    return true;
  }

  /** If the workspace is marked uninstalled and auth.test now succeeds for it, resumes it. */
  async checkReinstall(workspaceId: string): Promise<boolean> {
    if (this.isActive(workspaceId)) return false;
    try {
      const auth = await this.deps.slack.authTest();
      if (auth.teamId !== workspaceId) return false;
    } catch {
      return false;
    }
    this.gone.delete(workspaceId);
    // No row to clear when an admin deleted the workspace's data meanwhile: it resumes all the same.
    this.deps.installs.markReinstalled(workspaceId);
    this.deps.logger.info(`workspace ${workspaceId} has tooth-tail again: sends and schedules resume`);
    return true;
  }

  /** At start-up: a workspace marked uninstalled whose token works again was reinstalled. */
  async checkAllReinstalls(): Promise<void> {
    for (const workspaceId of this.deps.installs.uninstalledWorkspaces())
      await this.checkReinstall(workspaceId);
  }
}
