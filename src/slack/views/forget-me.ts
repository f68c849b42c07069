import type { Reply } from './replies.js';

export const FORGET_ME_CONFIRM = 'forget_me_confirm';
export const FORGET_ME_CANCEL = 'forget_me_cancel';

/** `forget-me` asks before it deletes: an explicit button, not a typo away from losing answers. */
export function forgetMeConfirmation(): Reply {
  return {
    text: 'Delete all your check-in answers? Team summaries already computed are kept, without your answers.',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Delete all your check-in answers?*\nThis cannot be undone. Team summaries already computed are kept; they never held your individual answers.',
        },
      },
      {
        type: 'actions',
        block_id: 'forget_me',
        elements: [
          {
            type: 'button',
            action_id: FORGET_ME_CONFIRM,
            style: 'danger',
            text: { type: 'plain_text', text: 'Delete my answers' },
            value: 'confirm',
          },
          {
            type: 'button',
            action_id: FORGET_ME_CANCEL,
            text: { type: 'plain_text', text: 'Cancel' },
            value: 'cancel',
          },
        ],
      },
    ],
  };
}
