import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../services/errors.js';
import type { ListenerDeps } from './deps.js';

type HomeArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** Publishes the person's Home tab. Idempotent, so Slack's retries of the event do no harm. */
export const appHomeOpened =
  (deps: ListenerDeps) =>
  async ({ event, body, client }: HomeArgs): Promise<void> => {
    if (event.tab !== undefined && event.tab !== 'home') return;
    const workspaceId = (body as { team_id?: string }).team_id;
    if (!workspaceId || !event.user) return;
    await client.views.publish({
      user_id: event.user,
      view: (await deps.home.view(workspaceId, event.user)) as never,
    });
  };

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

export function register(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
  app.event('subteam_members_changed', usergroupChanged(deps));
  app.event('subteam_updated', usergroupChanged(deps));
}
