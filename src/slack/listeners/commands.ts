import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Reply } from '../views/replies.js';
import type { ListenerDeps } from './deps.js';

export const COMMAND_NAME = '/tooth-tail';

const commandPayload = z.object({
  team_id: z.string().min(1),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  channel_name: z.string().default(''),
  text: z.string().default(''),
});

const asMessage = (reply: Reply) => ({
  response_type: reply.inChannel ? ('in_channel' as const) : ('ephemeral' as const),
  text: reply.text,
  ...(reply.blocks ? { blocks: reply.blocks as never } : {}),
});

/**
 * A kept reply is the same object for everyone it is given to, and so is its message: frozen, so
 * the HTTP receiver serialises it once (receiver.ts).
 */
const messages = new WeakMap<Reply, Readonly<ReturnType<typeof asMessage>>>();
const messageOf = (reply: Reply) => {
  let message = messages.get(reply);
  if (!message) {
    message = Object.freeze(asMessage(reply));
    messages.set(reply, message);
  }
  return message;
};

/**
 * Slack's deadline is 3 s. A command answered from the database alone replies in the ack itself
 * (one round trip fewer); any other is acknowledged at once and answered through the
 * response_url when its work is done.
 */
export const toothTailCommand =
  (deps: ListenerDeps) =>
  async ({ ack, command, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const parsed = commandPayload.safeParse(command);
    if (!parsed.success) {
      await ack();
      deps.logger.warn(`ignored a malformed slash command: ${parsed.error.message}`);
      await respond({
        response_type: 'ephemeral',
        text: 'Sorry, Slack sent that command without who or where; please try again.',
      });
      return;
    }
    const c = parsed.data;
    const context = {
      workspaceId: c.team_id,
      userId: c.user_id,
      channelId: c.channel_id,
      channelName: c.channel_name,
    };
    const prepared = deps.commands.prepare(context, c.text);
    if (prepared.local) {
      await ack(messageOf(await prepared.run()));
      return;
    }
    await ack();
    await respond(asMessage(await prepared.run()));
  };
