import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../services/errors.js';
import type { ModalRequest } from '../check-in-thread.js';
import { roleText } from '../commands/module.js';
import { sayEphemeral } from '../response-url.js';
import { ANSWER_ACTION } from '../views/check-in.js';
import { FORGET_ME_CANCEL, FORGET_ME_CONFIRM } from '../views/forget-me.js';
import { JOIN_APPROVE, JOIN_DECLINE, joinDecidedText, joinOutcomeText } from '../views/join-request.js';
import type { ListenerDeps } from './deps.js';

type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;

const answerClick = z.object({
  type: z.literal('block_actions'),
  trigger_id: z.string().min(1),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.object({ id: z.string().min(1) }).nullish(),
  container: z
    .object({
      type: z.string().optional(),
      channel_id: z.string().optional(),
      message_ts: z.string().optional(),
    })
    .optional(),
  response_url: z.string().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().regex(/^\d{1,12}$/) })).min(1),
});

/**
 * "Answer (1 min)" or "Edit my answers": opens the modal for the member's role in that round.
 * The trigger_id is valid for 3 s and one use, so the modal opens before anything slow. The
 * listener returns once the click is handed over: while Slack rate-limits views.open a click can
 * wait more than a second for its turn, and a listener still running would keep everything Bolt
 * made for the request alive that long (measured: under a burst of clicks, scavenges took about
 * twice as long as the floor's, and old-generation collections ran six times as often).
 */
export const openCheckIn =
  (deps: ListenerDeps) =>
  async ({ ack, body, client }: ActionArgs): Promise<void> => {
    await ack();
    const parsed = answerClick.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn(`ignored a malformed check-in click: ${parsed.error.message}`);
      return;
    }
    const click = parsed.data;
    const fromMessage = click.container?.type !== 'view';
    const request: ModalRequest = {
      roundId: Number(click.actions[0]?.value),
      userId: click.user.id,
      triggerId: click.trigger_id,
      channel: click.container?.channel_id ?? null,
      ts: click.container?.message_ts ?? null,
      responseUrl: fromMessage ? (click.response_url ?? null) : null,
    };
    const workspaceId = click.team?.id ?? click.user.team_id;
    void deps.modals
      .openModal(request)
      .then((opened) =>
        opened.ok || opened.told ? undefined : refuse(deps, client, request, workspaceId, opened),
      )
      .catch((error: Error) =>
        deps.logger.error(`opening the check-in of ${request.userId} failed: ${error.message}`),
      );
  };

/**
 * Says why the modal did not open. A click in a message carries a response_url; a click in the
 * Home tab (a view) does not: there the tab is refreshed, and the reason goes by DM.
 */
async function refuse(
  deps: ListenerDeps,
  client: ActionArgs['client'],
  request: ModalRequest,
  workspaceId: string | undefined,
  refusal: { refused: string },
): Promise<void> {
  if (request.responseUrl !== null) {
    await sayEphemeral(request.responseUrl, refusal.refused);
    return;
  }
  await client.chat.postMessage({ channel: request.userId, text: refusal.refused });
  if (workspaceId) {
    await client.views.publish({
      user_id: request.userId,
      view: (await deps.home.view(workspaceId, request.userId)) as never,
    });
  }
}

const forgetClick = z.object({
  user: z.object({ id: z.string().min(1) }),
  team: z.object({ id: z.string().min(1) }).nullish(),
});

/** The explicit confirmation of `forget-me`: deletes the person's raw answers, keeps summaries. */
export const confirmForgetMe =
  (deps: ListenerDeps) =>
  async ({ ack, body, respond }: ActionArgs): Promise<void> => {
    await ack();
    const parsed = forgetClick.safeParse(body);
    // Both buttons sit in the ephemeral reply to `forget-me`, whose clicks carry a response_url;
    // one without it (not from Slack) has nowhere to be answered, and nothing is deleted.
    if (!parsed.success || !parsed.data.team || respond === undefined) {
      deps.logger.warn('ignored a malformed forget-me click');
      return;
    }
    const deleted = deps.roundRepo.deleteResponsesOf(parsed.data.team.id, parsed.data.user.id);
    await respond({
      replace_original: true,
      text:
        deleted === 0
          ? 'You had no stored answers, so there was nothing to delete.'
          : `Deleted your ${deleted} answer${deleted === 1 ? '' : 's'}. Team summaries already computed are kept.`,
    });
  };

export const cancelForgetMe =
  () =>
  async ({ ack, respond }: ActionArgs): Promise<void> => {
    await ack();
    if (respond !== undefined) await respond({ replace_original: true, text: 'Nothing was deleted.' });
  };

const joinClick = z.object({
  user: z.object({ id: z.string().min(1) }),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().regex(/^\d{1,12}$/) })).min(1),
});

/**
 * Approve or Decline on a join request, clicked by one of the team's leads or an admin. The
 * first click decides; the message then says who decided, and the requester hears it by DM.
 */
export const decideJoin =
  (deps: ListenerDeps, approve: boolean) =>
  async ({ ack, body, respond }: ActionArgs): Promise<void> => {
    await ack();
    const parsed = joinClick.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn(`ignored a malformed join decision: ${parsed.error.message}`);
      return;
    }
    const deciderId = parsed.data.user.id;
    try {
      const decision = await deps.access.decide(Number(parsed.data.actions[0]?.value), deciderId, approve);
      const { request } = decision;
      const view = {
        requestId: request.id,
        teamName: decision.team?.name ?? 'a removed team',
        userId: request.userId,
        role: roleText(request),
        approved: request.status === 'approved',
        decidedBy: request.decidedBy ?? deciderId,
      };
      if (decision.kind === 'removed') {
        await respond({
          replace_original: true,
          text: `${view.teamName} has been removed; there is nothing to decide.`,
        });
        return;
      }
      await respond({ replace_original: true, text: joinDecidedText(view) });
      if (decision.kind === 'decided')
        await deps.slack.postMessage(request.userId, { text: joinOutcomeText(view) });
    } catch (error) {
      if (error instanceof AppError) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: error.message });
        return;
      }
      throw error;
    }
  };

/** The handler of each button of the app's, by action_id (the router picks one per click). */
export function actionHandlers(deps: ListenerDeps): ReadonlyMap<string, (args: ActionArgs) => Promise<void>> {
  return new Map([
    [JOIN_APPROVE, decideJoin(deps, true)],
    [JOIN_DECLINE, decideJoin(deps, false)],
    [ANSWER_ACTION, openCheckIn(deps)],
    [FORGET_ME_CONFIRM, confirmForgetMe(deps)],
    [FORGET_ME_CANCEL, cancelForgetMe()],
  ]);
}
