import type { MessageBuilder } from '../../services/messages.js';
import { channelProblemMessage, channelReadyMessage } from './channel-notices.js';
import { checkInMessage, thanksMessage } from './check-in.js';
import { periodDigest, teamDigest } from './digest.js';
import { orgDigest } from './org-table.js';

/** The Block Kit wording of everything the services send, for the composition root to inject. */
export const blockKitMessages: MessageBuilder = {
  checkIn: checkInMessage,
  thanks: thanksMessage,
  teamDigest,
  periodDigest,
  orgDigest,
  channelProblem: channelProblemMessage,
  channelReady: channelReadyMessage,
};
