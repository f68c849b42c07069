import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../services/errors.js';
import { type SlackUserObject, toSlackUser } from '../gateway.js';
import type { ListenerDeps } from './deps.js';

type HomeArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;
type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;

const teamOf = (body: unknown): string | undefined => {
  const id = (body as { team_id?: unknown }).team_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
};

/** Publishes the person's Home tab. Idempotent, so Slack's retries of the event do no harm. */
export const appHomeOpened =
  (deps: ListenerDeps) =>
  async ({ event, body, client }: HomeArgs): Promise<void> => {
    if (event.tab !== undefined && event.tab !== 'home') return;
    const workspaceId = teamOf(body);
    if (!workspaceId || !event.user) return;
    await client.views.publish({
      user_id: event.user,
      view: (await deps.home.view(workspaceId, event.user)) as never,
    });
  };

const memberJoined = z.object({ user: z.string().min(1), channel: z.string().min(1) });

/**
 * member_joined_channel (docs.slack.dev/reference/events/member_joined_channel): when the member
 * who joined is the app's own bot user, someone added it (`/invite @tooth-tail`), so the channel's
 * waiting subscriptions can post now; the app confirms in the channel.
 */
export const memberJoinedChannel =
  (deps: ListenerDeps) =>
  async ({ event, body, context }: EventArgs): Promise<void> => {
    const parsed = memberJoined.safeParse(event);
    const workspaceId = teamOf(body);
    if (!parsed.success || !workspaceId || parsed.data.user !== context.botUserId) return;
    await deps.channels.appJoined(workspaceId, parsed.data.channel);
  };

const userChange = z.object({
  user: z.looseObject({ id: z.string().min(1), deleted: z.boolean().optional() }),
});

/**
 * user_change (docs.slack.dev/reference/events/user_change, scope users:read) carries the whole
 * user object; `deleted: true` means the account was deactivated.
 */
export const userChanged =
  (deps: ListenerDeps) =>
  async ({ event, body }: EventArgs): Promise<void> => {
    const parsed = userChange.safeParse(event);
    const workspaceId = teamOf(body);
    if (!parsed.success || !workspaceId) return;
    const user = parsed.data.user as SlackUserObject & { id: string };
    deps.departures.userChanged(workspaceId, toSlackUser(user.id, user, workspaceId));
  };

const tokensRevoked = z.object({ tokens: z.object({ bot: z.array(z.string()).optional() }) });

/**
 * tokens_revoked (docs.slack.dev/reference/events/tokens_revoked) lists the user ids whose tokens
 * were revoked; the app holds only a bot token, so only `tokens.bot` matters.
 */
export const tokensWereRevoked =
  (deps: ListenerDeps) =>
  async ({ event, body }: EventArgs): Promise<void> => {
    const parsed = tokensRevoked.safeParse(event);
    const workspaceId = teamOf(body);
    if (!parsed.success || !workspaceId || (parsed.data.tokens.bot ?? []).length === 0) return;
    deps.installs.uninstalled(workspaceId, 'tokens_revoked');
  };

/**
 * app_uninstalled (docs.slack.dev/reference/events/app_uninstalled); it may come before or after
 * tokens_revoked, and either one alone stops the workspace.
 */
export const appUninstalled =
  (deps: ListenerDeps) =>
  async ({ body }: EventArgs): Promise<void> => {
    const workspaceId = teamOf(body);
    if (workspaceId) deps.installs.uninstalled(workspaceId, 'app_uninstalled');
  };

const UNINSTALL_EVENTS: ReadonlySet<unknown> = new Set(['app_uninstalled', 'tokens_revoked']);

/**
 * A signed request from a workspace marked uninstalled means it has the app again (Slack sends
 * commands, clicks and events only to installed apps): auth.test confirms it, and sends and
 * schedules resume before this request is handled.
 */
export function resumeReinstalledWorkspaces(
  deps: Pick<ListenerDeps, 'installs'>,
): (body: unknown) => Promise<void> | null {
  return (body) => {
    const b = body as { team_id?: unknown; team?: { id?: unknown } | null; event?: { type?: unknown } };
    const workspaceId = typeof b.team_id === 'string' ? b.team_id : b.team?.id;
    if (
      typeof workspaceId === 'string' &&
      !UNINSTALL_EVENTS.has(b.event?.type) &&
      !deps.installs.isActive(workspaceId)
    )
      return deps.installs.checkReinstall(workspaceId).then(() => undefined);
    return null;
  };
}

/** The handler of each event the app subscribes to, by its type (the router picks one per event). */
export function eventHandlers(deps: ListenerDeps): ReadonlyMap<string, (args: EventArgs) => Promise<void>> {
  return new Map([
    ['app_home_opened', appHomeOpened(deps) as (args: EventArgs) => Promise<void>],
    ['member_joined_channel', memberJoinedChannel(deps)],
    ['user_change', userChanged(deps)],
    ['tokens_revoked', tokensWereRevoked(deps)],
    ['app_uninstalled', appUninstalled(deps)],
    ['subteam_members_changed', usergroupChanged(deps)],
    ['subteam_updated', usergroupChanged(deps)],
  ]);
}

const subteamEvent = z.object({
  team_id: z.string().min(1),
  event: z.union([
    z.object({ type: z.literal('subteam_members_changed'), subteam_id: z.string().min(1) }),
    z.object({ type: z.literal('subteam_updated'), subteam: z.object({ id: z.string().min(1) }) }),
  ]),
});

/**
 * A Slack user group changed (`subteam_members_changed` carries only the delta; `subteam_updated`
 * also fires for a new name, handle or a disabled group): every team that follows the group is
 * reconciled from the group's full member list, so a retried or out-of-order event is harmless.
 */
export const usergroupChanged =
  (deps: ListenerDeps) =>
  async ({ body }: AllMiddlewareArgs & { body: unknown }): Promise<void> => {
    const parsed = subteamEvent.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn(`ignored a malformed user group event: ${parsed.error.message}`);
      return;
    }
    const { team_id: workspaceId, event } = parsed.data;
    const usergroupId = event.type === 'subteam_members_changed' ? event.subteam_id : event.subteam.id;
    try {
      for (const result of await deps.rosterSync.groupChanged(workspaceId, usergroupId)) {
        const { added, changed, removed } = result;
        if (added.length + changed.length + removed.length > 0)
          deps.logger.info(
            `roster of team ${result.team.id} follows user group ${usergroupId}: +${added.length} ~${changed.length} -${removed.length}`,
          );
      }
    } catch (error) {
      // The roster is left as it was; the next change of the group, or `roster sync`, tries again.
      if (error instanceof AppError)
        deps.logger.warn(`could not follow user group ${usergroupId} (${error.code}): ${error.message}`);
      else throw error;
    }
  };
