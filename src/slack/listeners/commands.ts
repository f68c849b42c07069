import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { ListenerDeps } from './deps.js';

export const COMMAND_NAME = '/tooth-tail';

const commandPayload = z.object({
  team_id: z.string().min(1),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  channel_name: z.string().default(''),
  text: z.string().default(''),
});

/** Acknowledge at once (Slack's 3 s deadline), then answer through the response_url. */
export const toothTailCommand =
  (deps: ListenerDeps) =>
  async ({ ack, command, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const parsed = commandPayload.safeParse(command);
    if (!parsed.success) {
      deps.logger.warn(`ignored a malformed slash command: ${parsed.error.message}`);
      await respond({
        response_type: 'ephemeral',
        text: 'Sorry, Slack sent that command without who or where; please try again.',
      });
      return;
    }
    const c = parsed.data;
    const reply = await deps.commands.run(
      { workspaceId: c.team_id, userId: c.user_id, channelId: c.channel_id, channelName: c.channel_name },
      c.text,
    );
    await respond({
      response_type: reply.inChannel ? 'in_channel' : 'ephemeral',
      text: reply.text,
      ...(reply.blocks ? { blocks: reply.blocks as never } : {}),
    });
  };

export function register(app: App, deps: ListenerDeps): void {
  app.command(COMMAND_NAME, toothTailCommand(deps));
}
