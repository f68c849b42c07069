import type { CheckIns } from '../services/check-ins.js';
import { AppError } from '../services/errors.js';
import { type Db, immediateTransaction } from '../storage/database.js';
import { readSurveyAnswers, type StateValues, stateValues, surveyMetadata } from './views/survey-modal.js';

/**
 * A submitted check-in modal, as Slack sent it: who sent it, its metadata and its answers, read
 * (with zod) where they are recorded.
 */
export interface CheckInSubmission {
  userId: string;
  /** view.private_metadata: the round, and the check-in DM the modal was opened from (SurveyMetadata). */
  metadata: string;
  /** view.state.values, as Slack sent them (StateValues once read). */
  values: unknown;
}

/**
 * What the submission's ack says: close the modal (`thanksQueued` when the DM it came from will
 * change to "Thanks, recorded"), or these errors beside their fields (`unreadable` when the
 * submission itself could not be read, which is no person's mistake and is logged).
 */
export type CheckInOutcome =
  | { ok: true; thanksQueued: boolean }
  | { ok: false; errors: Record<string, string>; unreadable?: true };

/** The first question's block, where an error about the whole check-in is shown. */
const FIRST_BLOCK = { 'data-scientist': 'waiting_pct', engineer: 'rewrite_pct' } as const;

/** Before the role is known, an error about the whole check-in goes beside either first field. */
const besideFirstField = (message: string) => ({ waiting_pct: message, rewrite_pct: message });

/** The answer to a submission that could not be read (not one Slack's modal would send). */
export const UNREADABLE_SUBMISSION: CheckInOutcome = {
  ok: false,
  unreadable: true,
  errors: besideFirstField('This form could not be read. Close it and press the button in the DM again.'),
};

/** Reads the modal's answers for the member's role and records them; what cannot be, is said. */
export function recordCheckIn(checkIns: CheckIns, submission: CheckInSubmission): CheckInOutcome {
  const read = readSubmission(submission);
  if (!read) return UNREADABLE_SUBMISSION;
  let role: keyof typeof FIRST_BLOCK | undefined;
  try {
    const recorded = checkIns.submit(
      read.roundId,
      submission.userId,
      (asked) => {
        role = asked;
        return readSurveyAnswers(asked, read.values);
      },
      read.dm,
    );
    return recorded.ok
      ? { ok: true, thanksQueued: read.dm !== null }
      : { ok: false, errors: recorded.errors };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // Not asked, or the round closed: the role is not known yet.
    return {
      ok: false,
      errors: role === undefined ? besideFirstField(error.message) : { [FIRST_BLOCK[role]]: error.message },
    };
  }
}

/** The submission's round, the DM it came from and its answers; undefined when they cannot be read. */
function readSubmission(
  submission: CheckInSubmission,
): { roundId: number; dm: { channel: string; ts: string } | null; values: StateValues } | undefined {
  try {
    const metadata = surveyMetadata.safeParse(JSON.parse(submission.metadata));
    const values = stateValues.safeParse(submission.values);
    if (!metadata.success || !values.success) return undefined;
    const { roundId, channel, ts } = metadata.data;
    return { roundId, dm: channel && ts ? { channel, ts } : null, values: values.data };
  } catch {
    return undefined;
  }
}

type Waiting = {
  submission: CheckInSubmission;
  resolve: (outcome: CheckInOutcome) => void;
  reject: (error: unknown) => void;
};

/**
 * Records check-in submissions on the app's connection, on the thread that acks: the submissions
 * of one turn of the event loop in one transaction (each in a savepoint of its own: CheckIns.submit's
 * transaction, nested, so a refused or failed one rolls back alone), so a burst of them commits
 * once instead of once each. Nothing
 * is answered before the commit, and if it fails none of them is recorded and each says so: a
 * closed modal always means a stored answer.
 *
 * Not on a thread of its own (as the click on "Answer" is, CheckInThread): measured side by side
 * in one `npm run bench`, handing each turn's submissions to a thread and waiting for its answer
 * cost more CPU per submission than writing them here (the hand-over, the thread's second heap and
 * its garbage, its cold caches) and its wake-up took the acking thread's CPU while the thread wrote;
 * see the README's Acknowledgements for the figures.
 */
export class CheckInSubmissions {
  private waiting: Waiting[] = [];
  private written: Promise<void> | null = null;
  private began = 0;

  constructor(
    private readonly deps: {
      db: Db;
      checkIns: CheckIns;
      /** Called after a turn's submissions queued DMs' thanks (wakes the sender). */
      onQueued: () => void;
    },
  ) {}

  /** Records the submission with the others of this turn; resolves once they are committed. */
  record(submission: CheckInSubmission): Promise<CheckInOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ submission, resolve, reject });
      if (this.waiting.length === 1)
        this.written = new Promise((done) => setImmediate(() => done(this.write())));
    });
  }

  /** Resolves once the submissions already taken are written (for shutdown). */
  async settled(): Promise<void> {
    await this.written;
  }

  /** How many transactions the submissions have been written in. */
  get transactions(): number {
    return this.began;
  }

  private write(): void {
    const batch = this.waiting;
    this.waiting = [];
    let outcomes: Array<{ outcome: CheckInOutcome } | { error: unknown }>;
    this.began += 1;
    try {
      outcomes = immediateTransaction(this.deps.db, () =>
        batch.map(({ submission }) => {
          try {
            return { outcome: recordCheckIn(this.deps.checkIns, submission) };
          } catch (error) {
            return { error };
          }
        }),
      );
    } catch (error) {
      outcomes = batch.map(() => ({ error }));
    }
    let queued = false;
    batch.forEach(({ resolve, reject }, i) => {
      const done = outcomes[i] as (typeof outcomes)[number];
      if ('error' in done) reject(done.error);
      else {
        queued ||= done.outcome.ok && done.outcome.thanksQueued;
        resolve(done.outcome);
      }
    });
    if (queued) this.deps.onQueued();
  }
}
