import type { Logger } from '@slack/bolt';

/** What Bolt's extended error handler is given (its type is not exported by name). */
interface ListenerErrorArgs {
  error: Error & { code?: string; original?: unknown };
  body: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What a request from Slack was, in a few words for a log line: the event type, the command, the
 * button or the modal. Never its text or a modal's answers, which may be a person's own words.
 */
export function describeRequest(body: unknown): string {
  if (!isObject(body)) return 'a request';
  const who = typeof body.user_id === 'string' ? ` from ${body.user_id}` : '';
  if (isObject(body.event) && typeof body.event.type === 'string') return `the ${body.event.type} event`;
  if (typeof body.command === 'string') return `the ${body.command} command${who}`;
  const user = isObject(body.user) && typeof body.user.id === 'string' ? ` from ${body.user.id}` : '';
  if (Array.isArray(body.actions) && isObject(body.actions[0]))
    return `the ${String(body.actions[0].action_id)} action${user}`;
  if (isObject(body.view) && typeof body.view.callback_id === 'string')
    return `the ${body.view.callback_id} ${String(body.type)}${user}`;
  return typeof body.type === 'string' ? `a ${body.type} request` : 'a request';
}

/**
 * Bolt's error handler: an error thrown by a listener (a database locked past its busy timeout,
 * a Slack call that failed) is logged once, with its code and what Slack had sent, and goes no
 * further: the process goes on serving everyone else, and the person or Slack tries again.
 */
export const logListenerError =
  (logger: Logger) =>
  async ({ error, body }: ListenerErrorArgs): Promise<void> => {
    const original = (error as { original?: unknown }).original;
    const code =
      (isObject(original) && typeof original.code === 'string' ? original.code : undefined) ?? error.code;
    logger.error(`handling ${describeRequest(body)} failed (${code}): ${error.message}`);
  };
