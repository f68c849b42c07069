import type { AllMiddlewareArgs, AnyMiddlewareArgs, App } from '@slack/bolt';
import { repeatedEvents } from '../dedupe.js';
import { SURVEY_CALLBACK } from '../views/survey-modal.js';
import { actionHandlers } from './actions.js';
import { COMMAND_NAME, toothTailCommand } from './commands.js';
import type { ListenerDeps } from './deps.js';
import { eventHandlers, resumeReinstalledWorkspaces } from './events.js';
import { submitCheckIn } from './views.js';

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;
type Handler = (args: Args) => Promise<void>;

/**
 * The handler of a request: `/tooth-tail`, one of the app's buttons, the check-in modal's
 * submission or an event it subscribes to. Undefined for anything else (an old message's button,
 * a retired modal, another command, a shortcut or an options request the manifest does not
 * declare). Read by value: ids that are not strings match nothing.
 */
export function handlerOf(
  body: Record<string, unknown>,
  handlers: {
    command: Handler;
    actions: ReadonlyMap<unknown, Handler>;
    view: Handler;
    events: ReadonlyMap<unknown, Handler>;
  },
): Handler | undefined {
  if (body.type === 'event_callback')
    return handlers.events.get((body.event as { type?: unknown } | undefined)?.type);
  if (body.command !== undefined) return body.command === COMMAND_NAME ? handlers.command : undefined;
  if (body.type === 'block_actions' && Array.isArray(body.actions))
    return handlers.actions.get((body.actions[0] as { action_id?: unknown } | undefined)?.action_id);
  if (body.type === 'view_submission')
    return (body.view as { callback_id?: unknown } | undefined)?.callback_id === SURVEY_CALLBACK
      ? handlers.view
      : undefined;
  return undefined;
}

/**
 * Every request's one link after Bolt's own: it picks the app's handler for the request, drops a
 * repeated event, resumes a reinstalled workspace, then runs the handler. The app registers no
 * Bolt listeners (`app.command`, `app.action`, …): Bolt runs the matcher chain of every listener
 * for every request, each link a fresh copy of the request's arguments and a promise, and that
 * was the largest share of what the app's acks cost above a bare Bolt app's (measured in one
 * process: Bolt's dispatch of a command through a global middleware and four listeners took
 * 77–92 µs, through this one middleware 23–31 µs; README, Acknowledgements). Bolt still verifies,
 * parses, authorizes, builds `ack`/`respond`/`say`/`client` and sends errors to `app.error`.
 *
 * What no handler takes is acknowledged at once and goes no further; unacknowledged, Bolt would
 * answer 404 after 3 s and the person would see an error. Events are acked by Bolt itself.
 */
export function register(app: App, deps: ListenerDeps): void {
  // Each handler reads the arguments of its kind of request, which handlerOf has picked by.
  const handlers = {
    command: toothTailCommand(deps) as Handler,
    actions: actionHandlers(deps) as ReadonlyMap<unknown, Handler>,
    view: submitCheckIn(deps) as Handler,
    events: eventHandlers(deps) as ReadonlyMap<unknown, Handler>,
  };
  const isRepeat = repeatedEvents();
  const resume = resumeReinstalledWorkspaces(deps);
  app.use((args) => {
    const body = args.body as unknown as Record<string, unknown>;
    const handler = handlerOf(body, handlers);
    if (handler === undefined) {
      const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
      return ack ? ack() : Promise.resolve();
    }
    if (isRepeat(body)) return Promise.resolve();
    const resuming = resume(body);
    return resuming === null ? handler(args) : resuming.then(() => handler(args));
  });
}
