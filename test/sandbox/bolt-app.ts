// A small real Bolt app used by the HTTP and Socket Mode tests: a slash command, a button that
// opens a modal, a modal that validates, and a Home tab.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock, Logger, ModalView } from '@slack/web-api';
import { LogLevel } from '@slack/web-api';

export interface Recorded {
  submissions: Array<Record<string, Record<string, unknown>>>;
  clicks: Array<{ actionId: string; value: string | undefined }>;
  warnings: string[];
  /** Debug lines, only kept when the test asks for them. */
  debug?: string[];
}

export const CHECKIN_MODAL: ModalView = {
  type: 'modal',
  callback_id: 'checkin',
  private_metadata: 'round-1',
  title: { type: 'plain_text', text: 'Weekly check-in' },
  submit: { type: 'plain_text', text: 'Submit' },
  blocks: [
    {
      type: 'input',
      block_id: 'waiting',
      label: { type: 'plain_text', text: 'Time spent waiting on engineers' },
      element: {
        type: 'static_select',
        action_id: 'value',
        options: [
          { text: { type: 'plain_text', text: 'none' }, value: '0' },
          { text: { type: 'plain_text', text: 'about 20%' }, value: '20' },
        ],
      },
    },
    {
      type: 'input',
      block_id: 'path',
      label: { type: 'plain_text', text: 'Path to production' },
      element: {
        type: 'radio_buttons',
        action_id: 'value',
        options: [
          { text: { type: 'plain_text', text: 'Shipped it myself' }, value: 'self-serve' },
          { text: { type: 'plain_text', text: 'Engineers rewrote it' }, value: 'rewrite' },
        ],
      },
    },
    {
      type: 'input',
      block_id: 'hours',
      label: { type: 'plain_text', text: 'Hours lost' },
      element: { type: 'number_input', action_id: 'value', is_decimal_allowed: false },
    },
    {
      type: 'input',
      block_id: 'blocker',
      optional: true,
      label: { type: 'plain_text', text: 'What slowed you down most?' },
      element: { type: 'plain_text_input', action_id: 'value', multiline: true },
    },
  ],
};

export const PROMPT_BLOCKS: KnownBlock[] = [
  { type: 'section', block_id: 'intro', text: { type: 'mrkdwn', text: '*Fraud ML* weekly check-in' } },
  {
    type: 'actions',
    block_id: 'prompt',
    elements: [
      {
        type: 'button',
        action_id: 'answer',
        text: { type: 'plain_text', text: 'Answer (1 min)' },
        value: 'round-1',
      },
    ],
  },
];

/** A logger that keeps Bolt quiet but remembers warnings and errors, so tests can assert there were none. */
export function recordingLogger(recorded: Recorded): Logger {
  let level = LogLevel.INFO;
  const remember = (...messages: unknown[]) => {
    recorded.warnings.push(messages.map(String).join(' '));
  };
  return {
    debug: (...messages: unknown[]) => {
      recorded.debug?.push(messages.map(String).join(' '));
    },
    info: () => {},
    warn: remember,
    error: remember,
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function registerListeners(app: App, recorded: Recorded): void {
  app.command('/tooth-tail', async ({ ack, command, respond }) => {
    if (command.text === 'slow') {
      await ack({ text: 'Working on it…' });
      await respond({ text: 'Done: slow' });
      return;
    }
    await ack();
    await respond({
      text: `Summary for ${command.text}`,
      blocks: [{ type: 'header', text: { type: 'plain_text', text: `Summary: ${command.text}` } }],
    });
  });

  app.action<BlockAction<ButtonAction>>('answer', async ({ ack, body, action, client }) => {
    await ack();
    recorded.clicks.push({ actionId: action.action_id, value: action.value });
    // A trigger_id is valid for 3 s and one use: open the modal straight after the ack.
    await client.views.open({ trigger_id: body.trigger_id, view: CHECKIN_MODAL });
  });

  app.view('checkin', async ({ ack, view }) => {
    const values = view.state.values;
    recorded.submissions.push(values);
    if (values.waiting?.value?.selected_option == null) {
      await ack({ response_action: 'errors', errors: { waiting: 'Pick one' } });
      return;
    }
    await ack();
  });

  app.event('app_home_opened', async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: {
        type: 'home',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Your teams: Fraud ML' } }],
      },
    });
  });
}
