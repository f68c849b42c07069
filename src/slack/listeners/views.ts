import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { UNREADABLE_SUBMISSION } from '../check-in-submissions.js';
import type { ListenerDeps } from './deps.js';

type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** What the listener reads of a submission: who, and the parts it hands to recordCheckIn. */
const submission = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({ values: z.unknown() }),
  }),
});

/**
 * Records a check-in. Invalid input goes back beside its field (`response_action: errors`);
 * a valid one closes the modal once the answer is stored. The ack waits on no Slack call: the
 * DM's change to "Thanks, recorded" is queued with the answer and sent by the outbox's sender.
 * Its answers are read where they are written (CheckInSubmissions: the submissions of one turn of
 * the event loop in one transaction).
 */
export const submitCheckIn =
  (deps: ListenerDeps) =>
  async ({ ack, body }: ViewArgs): Promise<void> => {
    const parsed = submission.safeParse(body);
    const outcome = parsed.success
      ? await deps.submissions.record({
          userId: parsed.data.user.id,
          metadata: parsed.data.view.private_metadata,
          values: parsed.data.view.state.values,
        })
      : UNREADABLE_SUBMISSION;
    if (!outcome.ok && outcome.unreadable) deps.logger.warn('ignored a malformed check-in submission');
    await ack(outcome.ok ? undefined : ({ response_action: 'errors', errors: outcome.errors } as never));
  };
