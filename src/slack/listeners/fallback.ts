import type { AnyMiddlewareArgs } from '@slack/bolt';
import { ANSWER_ACTION } from '../views/check-in.js';
import { FORGET_ME_CANCEL, FORGET_ME_CONFIRM } from '../views/forget-me.js';
import { JOIN_APPROVE, JOIN_DECLINE } from '../views/join-request.js';
import { SURVEY_CALLBACK } from '../views/survey-modal.js';
import { COMMAND_NAME } from './commands.js';

const OUR_ACTIONS: ReadonlySet<unknown> = new Set([
  ANSWER_ACTION,
  FORGET_ME_CONFIRM,
  FORGET_ME_CANCEL,
  JOIN_APPROVE,
  JOIN_DECLINE,
]);

/** Whether one of the app's listeners takes this request; each of them acks what it takes. */
function isForOurListeners(body: Record<string, unknown>): boolean {
  if (body.type === 'event_callback') return true; // events are acked by the receiver itself
  if (body.command !== undefined) return body.command === COMMAND_NAME;
  if (body.type === 'block_actions' && Array.isArray(body.actions)) {
    return OUR_ACTIONS.has((body.actions[0] as { action_id?: unknown } | undefined)?.action_id);
  }
  if (body.type === 'view_submission') {
    return (body.view as { callback_id?: unknown } | undefined)?.callback_id === SURVEY_CALLBACK;
  }
  return false;
}

/**
 * What no listener of ours takes (an old message's button, a retired modal, a shortcut or an
 * options request the manifest does not declare) is acknowledged at once and goes no further.
 * Unacknowledged, Bolt would answer 404 after 3 s and the person would see an error. Checked
 * here by value rather than by catch-all listeners, whose id patterns Bolt matches with
 * String.match and would throw on ids that are not strings. Null when one of ours takes it.
 */
export function ackWhatNoListenerTakes(args: AnyMiddlewareArgs): Promise<void> | null {
  if (isForOurListeners(args.body as unknown as Record<string, unknown>)) return null;
  const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
  return ack ? ack() : Promise.resolve();
}
