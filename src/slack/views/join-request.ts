// The `join` request a team's leads (or the admins) decide, and the words around it.
import { escapeText } from './format.js';
import type { Reply } from './replies.js';

export const JOIN_APPROVE = 'join_approve';
export const JOIN_DECLINE = 'join_decline';

export interface JoinRequestView {
  requestId: number;
  teamName: string;
  userId: string;
  role: string;
}

/** The DM to each approver: who asks to join which team as what, with Approve and Decline. */
export function joinRequestMessage(input: JoinRequestView): Reply {
  const text = `<@${input.userId}> asks to join *${escapeText(input.teamName)}* as ${input.role}.`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${text}\nApproving puts them on the roster: they get its check-ins and count in its ratio from the next round.`,
        },
      },
      {
        type: 'actions',
        block_id: 'join_request',
        elements: [
          {
            type: 'button',
            action_id: JOIN_APPROVE,
            style: 'primary',
            text: { type: 'plain_text', text: 'Approve' },
            value: String(input.requestId),
          },
          {
            type: 'button',
            action_id: JOIN_DECLINE,
            text: { type: 'plain_text', text: 'Decline' },
            value: String(input.requestId),
          },
        ],
      },
    ],
  };
}

/** What replaces the buttons once the request is decided, for whoever looks at it. */
export function joinDecidedText(input: JoinRequestView & { approved: boolean; decidedBy: string }): string {
  return input.approved
    ? `:white_check_mark: <@${input.decidedBy}> approved <@${input.userId}> joining *${escapeText(input.teamName)}* as ${input.role}.`
    : `<@${input.decidedBy}> declined <@${input.userId}> joining *${escapeText(input.teamName)}* as ${input.role}.`;
}

/** The requester's DM with the outcome. */
export function joinOutcomeText(input: JoinRequestView & { approved: boolean; decidedBy: string }): string {
  return input.approved
    ? `<@${input.decidedBy}> approved your request: you are on *${escapeText(input.teamName)}* as ${input.role}, and will get its next check-in by DM.`
    : `<@${input.decidedBy}> declined your request to join *${escapeText(input.teamName)}* as ${input.role}. Ask them if you think that is a mistake.`;
}
