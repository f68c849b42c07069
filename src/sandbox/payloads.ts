// The payloads Slack sends to an app when a person acts, shaped as in FACTS.md ("Payload shapes").
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { messageJson } from './methods/chat.js';
import type { Message, SandboxUser, SandboxUsergroup, SelectOption, SlackView, StateValue } from './types.js';
import { dmChannelId, type Workspace } from './workspace.js';

/** Slack's legacy verification token; Bolt ignores it but real payloads carry one. */
const VERIFICATION_TOKEN = 'sandboxVerificationToken';

function userRef(workspace: Workspace, user: SandboxUser) {
  return { id: user.id, username: user.name, name: user.name, team_id: workspace.identity.teamId };
}

function teamRef(workspace: Workspace) {
  return { id: workspace.identity.teamId, domain: workspace.identity.teamDomain };
}

function actionTs(workspace: Workspace): string {
  return workspace.nextTs();
}

/**
 * A slash command's fields, in the order Slack sends them: a form post over HTTP, the envelope's
 * payload object in Socket Mode.
 */
export function commandPayload(
  workspace: Workspace,
  input: {
    user: SandboxUser;
    channelId: string;
    command: string;
    text: string;
    responseUrl: string;
    triggerId: string;
  },
): Record<string, string> {
  const channel = workspace.channels.get(input.channelId);
  return {
    token: VERIFICATION_TOKEN,
    team_id: workspace.identity.teamId,
    team_domain: workspace.identity.teamDomain,
    channel_id: input.channelId,
    channel_name: channel?.name ?? 'directmessage',
    user_id: input.user.id,
    user_name: input.user.name,
    command: input.command,
    text: input.text,
    api_app_id: workspace.identity.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  };
}

const elementShape = z.looseObject({ type: z.string(), action_id: z.string() });
type Element = z.infer<typeof elementShape>;

export interface FoundElement {
  element: Element;
  blockId: string;
}

/** The interactive element with this action_id in actions blocks, section accessories or inputs. */
export function findElement(blocks: readonly unknown[], actionId: string): FoundElement | undefined {
  for (const raw of blocks) {
    const block = z
      .looseObject({
        block_id: z.string(),
        elements: z.array(z.unknown()).optional(),
        accessory: z.unknown().optional(),
        element: z.unknown().optional(),
      })
      .safeParse(raw);
    if (!block.success) continue;
    const candidates = [...(block.data.elements ?? []), block.data.accessory, block.data.element];
    for (const candidate of candidates) {
      const element = elementShape.safeParse(candidate);
      if (element.success && element.data.action_id === actionId) {
        return { element: element.data, blockId: block.data.block_id };
      }
    }
  }
  return undefined;
}

export function listActionIds(blocks: readonly unknown[]): string[] {
  const ids: string[] = [];
  const collect = (value: unknown) => {
    const element = elementShape.safeParse(value);
    if (element.success) ids.push(`${element.data.action_id} (${element.data.type})`);
  };
  for (const raw of blocks) {
    if (typeof raw !== 'object' || raw === null) continue;
    const b = raw as { elements?: unknown; accessory?: unknown; element?: unknown };
    if (Array.isArray(b.elements)) b.elements.forEach(collect);
    collect(b.accessory);
    collect(b.element);
  }
  return ids;
}

function buttonAction(workspace: Workspace, found: FoundElement, value: string | undefined) {
  const { element, blockId } = found;
  return {
    type: element.type,
    action_id: element.action_id,
    block_id: blockId,
    text: element.text,
    ...(value === undefined ? {} : { value }),
    ...(element.style === undefined ? {} : { style: element.style }),
    action_ts: actionTs(workspace),
  };
}

/** block_actions for a button in a message the app posted. */
export function messageBlockActions(
  workspace: Workspace,
  input: {
    user: SandboxUser;
    message: Message;
    found: FoundElement;
    value: string | undefined;
    triggerId: string;
    responseUrl: string;
  },
): Record<string, unknown> {
  const { message } = input;
  const channel = workspace.channels.get(message.channel);
  return {
    type: 'block_actions',
    user: userRef(workspace, input.user),
    api_app_id: workspace.identity.appId,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: input.triggerId,
    team: teamRef(workspace),
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: channel?.name ?? 'directmessage' },
    message: messageJson(workspace, message),
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [buttonAction(workspace, input.found, input.value)],
  };
}

/** block_actions for a button inside a modal or the Home tab; these carry no response_url. */
export function viewBlockActions(
  workspace: Workspace,
  input: {
    user: SandboxUser;
    view: SlackView;
    found: FoundElement;
    value: string | undefined;
    triggerId: string;
  },
): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: userRef(workspace, input.user),
    api_app_id: workspace.identity.appId,
    token: VERIFICATION_TOKEN,
    container: { type: 'view', view_id: input.view.id },
    trigger_id: input.triggerId,
    team: teamRef(workspace),
    enterprise: null,
    is_enterprise_install: false,
    view: input.view,
    actions: [buttonAction(workspace, input.found, input.value)],
  };
}

export function viewSubmission(
  workspace: Workspace,
  input: {
    user: SandboxUser;
    view: SlackView;
    values: Record<string, Record<string, StateValue>>;
    hash: string;
    triggerId: string;
  },
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: teamRef(workspace),
    user: userRef(workspace, input.user),
    api_app_id: workspace.identity.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId,
    view: { ...input.view, hash: input.hash, state: { values: input.values } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** The Events API wrapper around one event (FACTS.md: event_id, event_time, authorizations). */
export function eventCallback(
  workspace: Workspace,
  event: object,
  eventId: string = `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
): Record<string, unknown> {
  const { teamId, appId, botUserId } = workspace.identity;
  return {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: appId,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(workspace.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomUUID()}`,
  };
}

/** `subteam_members_changed`: only the delta of a user group's members, as Slack sends it. */
export function subteamMembersChanged(
  workspace: Workspace,
  input: { subteamId: string; added: string[]; removed: string[]; previousUpdate: number },
): object {
  const now = workspace.now() / 1000;
  return {
    type: 'subteam_members_changed',
    subteam_id: input.subteamId,
    team_id: workspace.identity.teamId,
    date_previous_update: input.previousUpdate,
    date_update: Math.floor(now),
    added_users: input.added,
    added_users_count: input.added.length,
    removed_users: input.removed,
    removed_users_count: input.removed.length,
    event_ts: now.toFixed(6),
  };
}

/** `subteam_updated`: the whole group, members included (Slack truncates `users` at 500). */
export function subteamUpdated(workspace: Workspace, group: SandboxUsergroup): object {
  const now = workspace.now() / 1000;
  return {
    type: 'subteam_updated',
    subteam: {
      id: group.id,
      team_id: workspace.identity.teamId,
      is_usergroup: true,
      is_subteam: true,
      name: group.name ?? group.handle,
      description: '',
      handle: group.handle,
      is_external: false,
      date_create: Math.floor(now) - 86_400,
      date_update: Math.floor(now),
      date_delete: group.disabled ? Math.floor(now) : 0,
      auto_type: null,
      created_by: workspace.identity.botUserId,
      updated_by: workspace.identity.botUserId,
      deleted_by: null,
      prefs: { channels: [], groups: [] },
      users: group.users.slice(0, 500),
      user_count: group.users.length,
      channel_count: 0,
    },
    event_ts: now.toFixed(6),
  };
}

export function appHomeOpened(workspace: Workspace, user: SandboxUser, view: SlackView | undefined): object {
  return {
    type: 'app_home_opened',
    user: user.id,
    channel: dmChannelId(user.id),
    tab: 'home',
    ...(view === undefined ? {} : { view }),
    event_ts: workspace.nextTs(),
  };
}

// ----- view_submission state from plain answers (fillAndSubmit) -----

const optionShape = z.looseObject({
  text: z.looseObject({ type: z.literal('plain_text'), text: z.string() }),
  value: z.string(),
});
const inputBlock = z.object({
  type: z.literal('input'),
  block_id: z.string(),
  element: z.looseObject({
    type: z.string(),
    action_id: z.string(),
    options: z.array(optionShape).optional(),
    option_groups: z.array(z.looseObject({ options: z.array(optionShape) })).optional(),
  }),
});
type InputElement = z.infer<typeof inputBlock>['element'];

function optionsOf(element: InputElement): SelectOption[] {
  return [
    ...(element.options ?? []),
    ...(element.option_groups ?? []).flatMap((g) => g.options),
  ] as SelectOption[];
}

function pickOption(element: InputElement, blockId: string, value: string): SelectOption {
  const options = optionsOf(element);
  const option = options.find((o) => o.value === value);
  if (option === undefined) {
    const known = options.map((o) => JSON.stringify(o.value)).join(', ');
    throw new Error(
      `input "${blockId}" (${element.type}) has no option with value "${value}"; options: ${known}`,
    );
  }
  return option;
}

const splitList = (answer: string) =>
  answer
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** What Slack reports for one element: its answer, or the element's empty value when unanswered. */
function stateValue(element: InputElement, blockId: string, answer: string | undefined): StateValue {
  const type = element.type;
  switch (type) {
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: answer === undefined ? null : pickOption(element, blockId, answer) };
    case 'checkboxes':
    case 'multi_static_select':
      return {
        type,
        selected_options:
          answer === undefined ? [] : splitList(answer).map((v) => pickOption(element, blockId, v)),
      };
    case 'users_select':
      return { type, selected_user: answer ?? null };
    case 'multi_users_select':
      return { type, selected_users: answer === undefined ? [] : splitList(answer) };
    case 'conversations_select':
      return { type, selected_conversation: answer ?? null };
    case 'channels_select':
      return { type, selected_channel: answer ?? null };
    case 'datepicker':
      return { type, selected_date: answer ?? null };
    case 'timepicker':
      return { type, selected_time: answer ?? null };
    default:
      // plain_text_input, number_input (whose value Slack sends as a string), email and url inputs.
      return { type, value: answer ?? null };
  }
}

/**
 * `view.state.values` for a modal from answers keyed by block_id. Every input block is reported,
 * unanswered ones with their empty value, as Slack does.
 */
export function stateFromAnswers(
  view: SlackView,
  answers: Record<string, string | number>,
): Record<string, Record<string, StateValue>> {
  const inputs = view.blocks.flatMap((b) => {
    const parsed = inputBlock.safeParse(b);
    return parsed.success ? [parsed.data] : [];
  });
  const known = new Set(inputs.map((b) => b.block_id));
  const unknown = Object.keys(answers).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new Error(
      `view ${view.id} (${view.callback_id}) has no input block ${unknown.map((k) => `"${k}"`).join(', ')}; ` +
        `input blocks: ${[...known].join(', ') || 'none'}`,
    );
  }
  const values: Record<string, Record<string, StateValue>> = {};
  for (const block of inputs) {
    const answer = answers[block.block_id];
    values[block.block_id] = {
      [block.element.action_id]: stateValue(
        block.element,
        block.block_id,
        answer === undefined ? undefined : String(answer),
      ),
    };
  }
  return values;
}
