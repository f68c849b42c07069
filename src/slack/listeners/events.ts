import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
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

export function register(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
}
