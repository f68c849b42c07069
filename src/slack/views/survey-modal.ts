import { z } from 'zod';
import {
  type Answers,
  BLOCKER_MAX_LENGTH,
  PATHS_TO_PROD,
  type PathToProd,
  PERCENT_BUCKETS,
  type PercentBucket,
  type Role,
} from '../../domain/types.js';
import { CONFIDENTIAL_NOTE, escapeText, listOf } from './format.js';

export const SURVEY_CALLBACK = 'check_in_submit';

const PERCENT_LABELS: Record<PercentBucket, string> = {
  0: 'none',
  5: 'about 5%',
  10: 'about 10%',
  20: 'about 20%',
  30: 'about 30%',
  50: 'about half',
  70: '70% or more',
};

/** How each path-to-prod answer reads to a person; the stored slug never does. */
export const PATH_LABELS: Record<PathToProd, string> = {
  'self-serve': 'I shipped it myself on a paved path',
  rewrite: 'Engineers re-implemented it',
  paired: 'Built jointly with engineers',
  'diy-infra': 'I built the infrastructure myself to ship it',
  'not-shipped': 'Not shipped yet',
  'n/a': 'Not applicable',
};

/** Where the check-in was answered from, so the DM can be updated after the submission. */
export const surveyMetadata = z.object({
  roundId: z.number().int().positive(),
  channel: z.string().max(64).nullable(),
  ts: z.string().max(64).nullable(),
});
export type SurveyMetadata = z.infer<typeof surveyMetadata>;

const option = (value: string, label: string) => ({ text: { type: 'plain_text', text: label }, value });

const percentInput = (blockId: string, label: string, hint: string, initial: PercentBucket | undefined) => ({
  type: 'input',
  block_id: blockId,
  label: { type: 'plain_text', text: label },
  hint: { type: 'plain_text', text: hint },
  element: {
    type: 'static_select',
    action_id: 'value',
    placeholder: { type: 'plain_text', text: 'Pick one' },
    options: PERCENT_BUCKETS.map((b) => option(String(b), PERCENT_LABELS[b])),
    ...(initial === undefined ? {} : { initial_option: option(String(initial), PERCENT_LABELS[initial]) }),
  },
});

const blockerInput = (initial: string | null | undefined) => ({
  type: 'input',
  block_id: 'blocker',
  optional: true,
  label: { type: 'plain_text', text: 'What slowed you down most? (optional)' },
  hint: {
    type: 'plain_text',
    text: 'Never shown, quoted or posted. If your org turns on blocker themes, it may count toward an unattributed theme that at least k people named. Up to 500 characters.',
  },
  element: {
    type: 'plain_text_input',
    action_id: 'value',
    multiline: true,
    max_length: BLOCKER_MAX_LENGTH,
    ...(initial ? { initial_value: initial } : {}),
  },
});

/** The check-in modal for a member's role (SPEC section 3), pre-filled when editing. */
export function surveyModal(input: {
  teamName: string;
  /** Other teams whose open check-in this one answer is recorded for too. */
  alsoFor?: readonly string[];
  role: Role;
  metadata: SurveyMetadata;
  previous?: Answers | undefined;
}): Record<string, unknown> {
  const prev = input.previous;
  const tooth = prev?.role === 'data-scientist' ? prev : undefined;
  const tail = prev?.role === 'engineer' ? prev : undefined;
  const questions =
    input.role === 'data-scientist'
      ? [
          percentInput(
            'waiting_pct',
            'Time spent waiting on engineers',
            'Deploys, pipelines, access, reviews, someone rewriting your work.',
            tooth?.waitingPct,
          ),
          percentInput(
            'infra_pct',
            'Time doing engineering or infra yourself',
            'Environments, pipelines, deployment, cloud or network configuration.',
            tooth?.infraPct,
          ),
          {
            type: 'input',
            block_id: 'path_to_prod',
            label: { type: 'plain_text', text: 'How did your latest work reach production?' },
            element: {
              type: 'static_select',
              action_id: 'value',
              placeholder: { type: 'plain_text', text: 'Pick one' },
              options: PATHS_TO_PROD.map((p) => option(p, PATH_LABELS[p])),
              ...(tooth ? { initial_option: option(tooth.pathToProd, PATH_LABELS[tooth.pathToProd]) } : {}),
            },
          },
        ]
      : [
          percentInput(
            'rewrite_pct',
            "Time turning data scientists' work into production code",
            'For example a pandas to PySpark rewrite.',
            tail?.rewritePct,
          ),
          percentInput(
            'support_pct',
            'Time unblocking data scientists ad hoc',
            'Access, environments, debugging.',
            tail?.supportPct,
          ),
          percentInput(
            'platform_pct',
            'Time building reusable self-service tooling',
            'Paved paths, platforms.',
            tail?.platformPct,
          ),
        ];
  return {
    type: 'modal',
    callback_id: SURVEY_CALLBACK,
    private_metadata: JSON.stringify(input.metadata),
    title: { type: 'plain_text', text: 'tooth-tail check-in' },
    submit: { type: 'plain_text', text: prev ? 'Update' : 'Submit' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `*${escapeText(input.teamName)}*, since the last check-in (about a week).${input.alsoFor && input.alsoFor.length > 0 ? ` One answer counts for each of your teams: it is recorded for ${escapeText(listOf(input.alsoFor))} too.` : ''}\n${CONFIDENTIAL_NOTE}`,
          },
        ],
      },
      ...questions,
      blockerInput(prev?.blocker),
    ],
  };
}

/** view.state.values as Slack sends it: block_id → action_id → state of that element. */
export const stateValues = z.record(
  z.string(),
  z.record(
    z.string(),
    z.object({
      type: z.string().optional(),
      value: z.string().nullish(),
      selected_option: z.object({ value: z.string() }).nullish(),
    }),
  ),
);
export type StateValues = z.infer<typeof stateValues>;

export type ReadResult = { ok: true; answers: Answers } | { ok: false; errors: Record<string, string> };

const bucket = z.coerce.number().pipe(z.literal(PERCENT_BUCKETS));

/**
 * Reads the modal's answers for a role. Returns errors keyed by block_id, ready for
 * `response_action: errors`, for anything missing, outside the buckets, or inconsistent.
 */
export function readSurveyAnswers(role: Role, values: StateValues): ReadResult {
  const errors: Record<string, string> = {};
  const selected = (blockId: string) => values[blockId]?.value?.selected_option?.value;
  const percent = (blockId: string): PercentBucket | undefined => {
    const raw = selected(blockId);
    if (raw === undefined) {
      errors[blockId] = 'Pick one.';
      return undefined;
    }
    const parsed = bucket.safeParse(raw);
    if (!parsed.success) {
      errors[blockId] = 'Pick one of the listed amounts.';
      return undefined;
    }
    return parsed.data as PercentBucket;
  };
  const rawBlocker = values.blocker?.value?.value?.trim() ?? '';
  if (rawBlocker.length > BLOCKER_MAX_LENGTH) errors.blocker = `Keep it to ${BLOCKER_MAX_LENGTH} characters.`;
  const blocker = rawBlocker === '' ? null : rawBlocker;

  if (role === 'data-scientist') {
    const waitingPct = percent('waiting_pct');
    const infraPct = percent('infra_pct');
    const rawPath = selected('path_to_prod');
    const pathToProd = PATHS_TO_PROD.find((p) => p === rawPath);
    if (pathToProd === undefined)
      errors.path_to_prod = rawPath === undefined ? 'Pick one.' : 'Pick one of the listed answers.';
    if (waitingPct !== undefined && infraPct !== undefined && waitingPct + infraPct > 100) {
      errors.infra_pct = 'Waiting and infrastructure work together cannot be more than all of your time.';
    }
    if (Object.keys(errors).length > 0 || waitingPct === undefined || infraPct === undefined || !pathToProd) {
      return { ok: false, errors };
    }
    return { ok: true, answers: { role, waitingPct, infraPct, pathToProd, blocker } };
  }
  const rewritePct = percent('rewrite_pct');
  const supportPct = percent('support_pct');
  const platformPct = percent('platform_pct');
  if (
    rewritePct !== undefined &&
    supportPct !== undefined &&
    platformPct !== undefined &&
    rewritePct + supportPct + platformPct > 100
  ) {
    errors.platform_pct = 'These three together cannot be more than all of your time.';
  }
  if (
    Object.keys(errors).length > 0 ||
    rewritePct === undefined ||
    supportPct === undefined ||
    platformPct === undefined
  ) {
    return { ok: false, errors };
  }
  return { ok: true, answers: { role, rewritePct, supportPct, platformPct, blocker } };
}
