import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { SURVEY_CALLBACK, stateValues, surveyMetadata } from '../views/survey-modal.js';
import type { ListenerDeps } from './deps.js';

type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

const submission = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({ values: stateValues }),
  }),
});

/**
 * Records a check-in. Invalid input goes back beside its field (`response_action: errors`);
 * a valid one closes the modal once the answer is stored. The ack waits on no Slack call: the
 * DM's change to "Thanks, recorded" is queued with the answer and sent by the outbox's sender.
 * The reading and the write happen on the check-in thread (CheckInThread), so requests behind
 * this one are not held up by them.
 */
export const submitCheckIn =
  (deps: ListenerDeps) =>
  async ({ ack, body }: ViewArgs): Promise<void> => {
    const parsed = submission.safeParse(body);
    const metadata = parsed.success ? parseMetadata(parsed.data.view.private_metadata) : undefined;
    if (!parsed.success || !metadata) {
      deps.logger.warn('ignored a malformed check-in submission');
      await ack({
        response_action: 'errors',
        errors: {
          waiting_pct: 'This form could not be read. Close it and press the button in the DM again.',
        },
      } as never);
      return;
    }
    const outcome = await deps.checkIns.record({
      roundId: metadata.roundId,
      userId: parsed.data.user.id,
      values: parsed.data.view.state.values,
      dm: metadata.channel && metadata.ts ? { channel: metadata.channel, ts: metadata.ts } : null,
    });
    await ack(outcome.ok ? undefined : ({ response_action: 'errors', errors: outcome.errors } as never));
  };

function parseMetadata(raw: string) {
  try {
    const result = surveyMetadata.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export function register(app: App, deps: ListenerDeps): void {
  app.view(SURVEY_CALLBACK, submitCheckIn(deps));
}
