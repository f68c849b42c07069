import { expect } from 'vitest';
import type { Answers } from '../../src/domain/types.js';
import type { Harness } from './harness.js';

/** CheckIns.submit's `answersFor` for answers already made: the same whatever role was asked. */
export const given = (answers: Answers) => () => ({ ok: true as const, answers });

/** A data scientist's answers as the modal takes them (block_id → value). */
export const DS_ANSWERS = { waiting_pct: '10', infra_pct: '5', path_to_prod: 'self-serve' } as const;
/** An engineer's answers as the modal takes them. */
export const ENG_ANSWERS = { rewrite_pct: '20', support_pct: '10', platform_pct: '30' } as const;

/** The newest check-in DM the person has: waits for it to arrive. */
export const latestCheckIn = (h: Harness, userId: string) =>
  h.sandbox.waitFor(
    () =>
      h.sandbox
        .dm(userId)
        .filter((m) => JSON.stringify(m.blocks ?? []).includes('check_in_answer'))
        .at(-1),
    5000,
    `a check-in DM to ${userId}`,
  );

/** The person presses the newest check-in DM's button and submits the modal with these answers. */
export async function answerCheckIn(
  h: Harness,
  userId: string,
  answers: Record<string, string | number> = DS_ANSWERS,
): Promise<void> {
  const dm = await latestCheckIn(h, userId);
  const click = await h.sandbox.clickButton(userId, { channel: userId, ts: dm.ts }, 'check_in_answer');
  expect(click.status).toBe(200);
  await h.sandbox.waitFor(() => h.sandbox.openViews(userId).at(-1), 5000, `a modal for ${userId}`);
  const submitted = await h.sandbox.fillAndSubmit(userId, answers);
  expect(submitted.status).toBe(200);
  expect(submitted.body).toBeNull();
}
