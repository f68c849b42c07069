import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../services/errors.js';
import { thanksMessage } from '../views/check-in.js';
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
 * a valid one closes the modal at once, and the DM is then updated to "Thanks, recorded".
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
    let recorded: ReturnType<typeof deps.rounds.submit>;
    try {
      recorded = deps.rounds.submit(metadata.roundId, userId, read.answers);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await ack({ response_action: 'errors', errors: { [FIRST_BLOCK[role]]: error.message } } as never);
      return;
    }
    await ack();
    if (metadata.channel && metadata.ts) {
      try {
        await deps.slack.updateMessage(
          metadata.channel,
          metadata.ts,
          thanksMessage({
            teamName: recorded.team.name,
            teamNames: recorded.teams.map((t) => t.name),
            roundId: recorded.round.id,
            closesAt: recorded.round.closesAt,
          }),
        );
      } catch (error) {
        // The answer is stored; a DM that keeps its old text is cosmetic.
        deps.logger.warn(`could not update the check-in DM: ${(error as Error).message}`);
      }
    }
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
