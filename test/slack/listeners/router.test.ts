import { describe, expect, it } from 'vitest';
import { handlerOf } from '../../../src/slack/listeners/router.js';

const handler = (name: string) => Object.assign(async () => {}, { handles: name });
const handlers = {
  command: handler('command'),
  actions: new Map<unknown, ReturnType<typeof handler>>([['check_in_answer', handler('answer')]]),
  view: handler('view'),
  events: new Map<unknown, ReturnType<typeof handler>>([['app_home_opened', handler('home')]]),
};
const picked = (body: Record<string, unknown>) =>
  (handlerOf(body, handlers) as ReturnType<typeof handler> | undefined)?.handles;

describe('handlerOf picks the one handler of a request by value', () => {
  it('routes the command, each known button, the check-in modal and each known event', () => {
    expect(picked({ command: '/tooth-tail', text: 'help' })).toBe('command');
    expect(picked({ type: 'block_actions', actions: [{ action_id: 'check_in_answer' }] })).toBe('answer');
    expect(picked({ type: 'view_submission', view: { callback_id: 'check_in_submit' } })).toBe('view');
    expect(picked({ type: 'event_callback', event: { type: 'app_home_opened' } })).toBe('home');
  });

  it('takes nothing else: other commands, buttons, modals, events, shortcuts and options', () => {
    for (const body of [
      { command: '/other' },
      { command: 42 },
      { type: 'block_actions', actions: [{ action_id: 'retired_button' }] },
      { type: 'block_actions', actions: [] },
      { type: 'block_actions', actions: [{ action_id: { toString: 'check_in_answer' } }] },
      { type: 'block_actions', actions: 'check_in_answer' },
      { type: 'view_submission', view: { callback_id: 'retired_modal' } },
      { type: 'view_submission' },
      { type: 'view_closed', view: { callback_id: 'check_in_submit' } },
      { type: 'event_callback', event: { type: 'message' } },
      { type: 'event_callback' },
      { type: 'shortcut', callback_id: 'x' },
      { type: 'block_suggestion', action_id: 'x' },
      { type: 'constructor' },
      {},
    ])
      expect(picked(body as Record<string, unknown>), JSON.stringify(body)).toBeUndefined();
  });
});
