import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../services/errors.js';
import { readSurveyAnswers, SURVEY_CALLBACK, stateValues, surveyMetadata } from '../views/survey-modal.js';
import type { ListenerDeps } from './deps.js';

type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

const submission = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({ values: stateValues }),
  }),
});

/** The first question's block, where an error about the whole check-in is shown. */
const FIRST_BLOCK = { 'data-scientist': 'waiting_pct', engineer: 'rewrite_pct' } as const;

/**
 * Records a check-in. Invalid input goes back beside its field (`response_action: errors`);
 * a valid one closes the modal at once. The DM's change to "Thanks, recorded" is queued with the
 * answer and sent by the outbox's sender, so the ack waits on no Slack call.
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
    const userId = parsed.data.user.id;
    let role: 'data-scientist' | 'engineer';
    try {
      role = deps.rounds.checkInFor(metadata.roundId, userId).role;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await ack({
        response_action: 'errors',
        errors: { waiting_pct: error.message, rewrite_pct: error.message },
      } as never);
      return;
    }
    const read = readSurveyAnswers(role, parsed.data.view.state.values);
    if (!read.ok) {
      await ack({ response_action: 'errors', errors: read.errors } as never);
      return;
    }
    const dm = metadata.channel && metadata.ts ? { channel: metadata.channel, ts: metadata.ts } : null;
    try {
      deps.rounds.submit(metadata.roundId, userId, read.answers, dm);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await ack({ response_action: 'errors', errors: { [FIRST_BLOCK[role]]: error.message } } as never);
      return;
    }
    await ack();
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
