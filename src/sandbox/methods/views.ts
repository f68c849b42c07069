// views.open, views.push, views.update and views.publish.
import { z } from 'zod';
import { viewErrors, withGeneratedIds } from '../block-kit.js';
import { newViewHash, slackId } from '../ids.js';
import type { SlackView, View } from '../types.js';
import { TRIGGER_TTL_MS, type Workspace } from '../workspace.js';
import { invalidArguments, type Method, parseArgs, SlackApiError } from './method.js';

/** Slack keeps at most three views in a modal stack. */
const MAX_STACK = 3;

const viewArgs = z.object({
  view: z.record(z.string(), z.unknown(), { error: 'must be a view object' }),
  trigger_id: z.string().optional(),
  view_id: z.string().optional(),
  external_id: z.string().optional(),
  hash: z.string().optional(),
  user_id: z.string().optional(),
});

/**
 * A trigger_id is valid for 3 s and for one use (FACTS.md). Slack tells the three failures apart:
 * never issued, already exchanged, expired.
 */
function consumeTrigger(workspace: Workspace, triggerId: string | undefined): string {
  if (triggerId === undefined || triggerId === '') {
    throw invalidArguments(['[ERROR] missing required field: trigger_id [json-pointer:/trigger_id]']);
  }
  const trigger = workspace.triggers.get(triggerId);
  if (trigger === undefined) throw new SlackApiError('invalid_trigger_id');
  if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
  if (workspace.now() - trigger.issuedAt > TRIGGER_TTL_MS) throw new SlackApiError('expired_trigger_id');
  trigger.used = true;
  return trigger.userId;
}

function checkView(view: Record<string, unknown>, type: 'modal' | 'home'): void {
  const problems = viewErrors(view, type);
  if (problems.length > 0) throw invalidArguments(problems);
}

function buildView(
  workspace: Workspace,
  input: Record<string, unknown>,
  ids: { id: string; rootViewId: string; previousViewId: string | null },
): SlackView {
  const { teamId, appId, botId } = workspace.identity;
  const str = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : '');
  return {
    ...input,
    id: ids.id,
    team_id: teamId,
    type: str('type'),
    blocks: withGeneratedIds(Array.isArray(input.blocks) ? input.blocks : []),
    private_metadata: str('private_metadata'),
    callback_id: str('callback_id'),
    external_id: str('external_id'),
    state: { values: {} },
    hash: newViewHash(workspace.now()),
    clear_on_close: input.clear_on_close === true,
    notify_on_close: input.notify_on_close === true,
    root_view_id: ids.rootViewId,
    previous_view_id: ids.previousViewId,
    app_id: appId,
    app_installed_team_id: teamId,
    bot_id: botId,
  };
}

function store(workspace: Workspace, userId: string, view: SlackView): View {
  const record: View = { id: view.id, hash: view.hash, userId, view };
  workspace.views.set(view.id, record);
  return record;
}

export const open: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(viewArgs, args);
    checkView(a.view, 'modal');
    const userId = consumeTrigger(workspace, a.trigger_id);
    const id = slackId('V');
    workspace.closeModals(userId);
    const view = store(
      workspace,
      userId,
      buildView(workspace, a.view, { id, rootViewId: id, previousViewId: null }),
    );
    workspace.modalStacks.set(userId, [id]);
    return { ok: true, view: view.view };
  },
};

export const push: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(viewArgs, args);
    checkView(a.view, 'modal');
    const userId = consumeTrigger(workspace, a.trigger_id);
    const depth = workspace.modalStacks.get(userId)?.length ?? 0;
    if (depth === 0) throw new SlackApiError('not_found');
    if (depth >= MAX_STACK) throw new SlackApiError('push_limit_reached');
    const view = pushView(workspace, userId, a.view);
    if (view === undefined) throw new SlackApiError('internal_error');
    return { ok: true, view: view.view };
  },
};

/** A view_id, or an external_id the app set; `not_found` when neither names a view. */
function findView(workspace: Workspace, viewId: string | undefined, externalId: string | undefined): View {
  const found =
    viewId !== undefined
      ? workspace.views.get(viewId)
      : [...workspace.views.values()].find(
          (v) => externalId !== undefined && v.view.external_id === externalId,
        );
  if (found === undefined) throw new SlackApiError('not_found');
  return found;
}

/** Replaces a view in place; a stale `hash` means someone else updated it first (`hash_conflict`). */
export function replaceView(
  workspace: Workspace,
  existing: View,
  input: Record<string, unknown>,
  hash: string | undefined,
): View {
  if (hash !== undefined && hash !== '' && hash !== existing.hash) throw new SlackApiError('hash_conflict');
  const view = buildView(workspace, input, {
    id: existing.id,
    rootViewId: existing.view.root_view_id,
    previousViewId: existing.view.previous_view_id,
  });
  return store(workspace, existing.userId, view);
}

export const update: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(viewArgs, args);
    const existing = findView(workspace, a.view_id, a.external_id);
    checkView(a.view, existing.view.type === 'home' ? 'home' : 'modal');
    return { ok: true, view: replaceView(workspace, existing, a.view, a.hash).view };
  },
};

export const publish: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(viewArgs, args);
    const user = workspace.users.get(a.user_id ?? '');
    if (user === undefined || user.isBot) throw new SlackApiError('user_not_found');
    checkView(a.view, 'home');
    const homeId = workspace.homes.get(user.id);
    const existing = homeId === undefined ? undefined : workspace.views.get(homeId);
    if (existing !== undefined)
      return { ok: true, view: replaceView(workspace, existing, a.view, a.hash).view };
    const id = slackId('V');
    const view = store(
      workspace,
      user.id,
      buildView(workspace, a.view, { id, rootViewId: id, previousViewId: null }),
    );
    workspace.homes.set(user.id, id);
    return { ok: true, view: view.view };
  },
};

/** A view pushed onto a person's modal stack, as `response_action: push` does. */
export function pushView(
  workspace: Workspace,
  userId: string,
  input: Record<string, unknown>,
): View | undefined {
  const stack = workspace.modalStacks.get(userId) ?? [];
  const [root] = stack;
  const top = stack.at(-1);
  if (root === undefined || top === undefined || stack.length >= MAX_STACK) return undefined;
  const id = slackId('V');
  const view = store(
    workspace,
    userId,
    buildView(workspace, input, { id, rootViewId: root, previousViewId: top }),
  );
  stack.push(id);
  return view;
}
