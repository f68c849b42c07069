import type { MessagePayload } from '../../storage/outbox.js';
import { CONFIDENTIAL_NOTE, escapeText, listOf, slackDate } from './format.js';

export const ANSWER_ACTION = 'check_in_answer';

/** The button's value names the round; the modal reads the role from the round's roster. */
const answerButton = (roundId: number, label: string) => ({
  type: 'actions',
  block_id: 'check_in_actions',
  elements: [
    {
      type: 'button',
      action_id: ANSWER_ACTION,
      text: { type: 'plain_text', text: label },
      style: 'primary',
      value: String(roundId),
    },
  ],
});

/** The check-in DM (and its reminders). */
export function checkInMessage(input: {
  teamName: string;
  roundId: number;
  closesAt: string;
  reminder: number;
}): MessagePayload {
  const team = escapeText(input.teamName);
  const lead =
    input.reminder === 0
      ? `*${team} check-in*: how did your last week go? Four quick questions, about a minute.`
      : `*Reminder: ${team} check-in* closes ${slackDate(input.closesAt)}. It takes about a minute.`;
  return {
    text:
      input.reminder === 0
        ? `${team} check-in: four quick, confidential questions (about a minute).`
        : `Reminder: the ${team} check-in is still open.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: lead } },
      answerButton(input.roundId, 'Answer (1 min)'),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${CONFIDENTIAL_NOTE} Open until ${slackDate(input.closesAt)}. If you are on several teams, this one check-in counts for each of them.`,
          },
        ],
      },
    ],
  };
}

/** What the check-in DM becomes once answered: thanks, and a way to change the answer. */
export function thanksMessage(input: {
  teamName: string;
  roundId: number;
  closesAt: string;
  /** Every team the answers were recorded for, when more than the round's own. */
  teamNames?: readonly string[];
}): MessagePayload {
  const names = input.teamNames && input.teamNames.length > 1 ? listOf(input.teamNames) : input.teamName;
  return {
    text: `Thanks, recorded for ${escapeText(names)}. You can edit your answers until the check-in closes.`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:white_check_mark: *Thanks, recorded for ${escapeText(names)}.* You can change your answers until ${slackDate(input.closesAt)}.`,
        },
      },
      {
        type: 'actions',
        block_id: 'check_in_actions',
        elements: [
          {
            type: 'button',
            action_id: ANSWER_ACTION,
            text: { type: 'plain_text', text: 'Edit my answers' },
            value: String(input.roundId),
          },
        ],
      },
    ],
  };
}
