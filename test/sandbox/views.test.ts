import type { ModalView } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { ALICE, BOB, blocksOf, clientFor, slackError, startSandbox } from './helpers.js';

let now: number;
let sandbox: Sandbox;

beforeEach(async () => {
  now = Date.parse('2025-03-01T09:00:00Z');
  sandbox = await startSandbox({ now: () => now });
});

afterEach(async () => {
  await sandbox.stop();
});

function modal(title = 'Weekly check-in', blockCount = 1): ModalView {
  return {
    type: 'modal',
    callback_id: 'checkin',
    private_metadata: '{"round":1}',
    title: { type: 'plain_text', text: title },
    submit: { type: 'plain_text', text: 'Submit' },
    blocks: blocksOf(blockCount),
  };
}

describe('trigger_id', () => {
  it('opens a modal once per trigger_id and records it as open for that person', async () => {
    const client = clientFor(sandbox);
    const triggerId = sandbox.issueTriggerId(ALICE.id);
    const opened = await client.views.open({ trigger_id: triggerId, view: modal() });
    expect(opened.view).toMatchObject({
      type: 'modal',
      callback_id: 'checkin',
      private_metadata: '{"round":1}',
      team_id: 'T0SANDBOX',
      state: { values: {} },
    });
    const [open] = sandbox.openViews(ALICE.id);
    expect(open).toMatchObject({ id: opened.view?.id, hash: opened.view?.hash, userId: ALICE.id });
    expect(sandbox.openViews(BOB.id)).toEqual([]);
    expect((await slackError(client.views.open({ trigger_id: triggerId, view: modal() }))).error).toBe(
      'exchanged_trigger_id',
    );
    expect((await slackError(client.views.open({ trigger_id: '1.2.3', view: modal() }))).error).toBe(
      'invalid_trigger_id',
    );
  });

  it('expires a trigger_id after 3 seconds', async () => {
    const client = clientFor(sandbox);
    const fresh = sandbox.issueTriggerId(ALICE.id);
    const stale = sandbox.issueTriggerId(ALICE.id);
    now += 3000;
    await expect(client.views.open({ trigger_id: fresh, view: modal() })).resolves.toMatchObject({
      ok: true,
    });
    now += 1;
    expect((await slackError(client.views.open({ trigger_id: stale, view: modal() }))).error).toBe(
      'expired_trigger_id',
    );
  });
});

describe('modal validation', () => {
  it('refuses a 25-character title with invalid_arguments naming the field', async () => {
    const client = clientFor(sandbox);
    const failure = await slackError(
      client.views.open({ trigger_id: sandbox.issueTriggerId(ALICE.id), view: modal('x'.repeat(25)) }),
    );
    expect(failure.error).toBe('invalid_arguments');
    expect(failure.data.response_metadata).toMatchObject({
      messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'],
    });
    await expect(
      client.views.open({ trigger_id: sandbox.issueTriggerId(ALICE.id), view: modal('x'.repeat(24)) }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('refuses more than 100 blocks, and input blocks without a submit button', async () => {
    const client = clientFor(sandbox);
    expect(
      (
        await slackError(
          client.views.open({ trigger_id: sandbox.issueTriggerId(ALICE.id), view: modal('t', 101) }),
        )
      ).error,
    ).toBe('invalid_arguments');
    const noSubmit: ModalView = {
      type: 'modal',
      title: { type: 'plain_text', text: 'Check-in' },
      blocks: [
        {
          type: 'input',
          block_id: 'blocker',
          label: { type: 'plain_text', text: 'Blocker' },
          element: { type: 'plain_text_input', action_id: 'value' },
        },
      ],
    };
    const failure = await slackError(
      client.views.open({ trigger_id: sandbox.issueTriggerId(ALICE.id), view: noSubmit }),
    );
    expect(JSON.stringify(failure.data)).toContain('/view/submit');
  });

  it('refuses a number_input without is_decimal_allowed', async () => {
    const view = {
      ...modal(),
      blocks: [
        {
          type: 'input',
          block_id: 'pct',
          label: { type: 'plain_text', text: 'Percent' },
          element: { type: 'number_input', action_id: 'value' },
        },
      ],
    } as unknown as ModalView;
    const failure = await slackError(
      clientFor(sandbox).views.open({ trigger_id: sandbox.issueTriggerId(ALICE.id), view }),
    );
    expect(JSON.stringify(failure.data)).toContain('/view/blocks/0/element/is_decimal_allowed');
  });
});

describe('views.update, views.push, views.publish', () => {
  it('updates by view_id, refusing a stale hash', async () => {
    const client = clientFor(sandbox);
    const opened = await client.views.open({ trigger_id: sandbox.issueTriggerId(ALICE.id), view: modal() });
    const id = opened.view?.id ?? '';
    const hash = opened.view?.hash ?? '';
    const updated = await client.views.update({ view_id: id, hash, view: modal('Thanks') });
    expect(updated.view?.hash).not.toBe(hash);
    expect(sandbox.openViews(ALICE.id)[0]?.view).toMatchObject({ title: { text: 'Thanks' } });
    expect((await slackError(client.views.update({ view_id: id, hash, view: modal('Again') }))).error).toBe(
      'hash_conflict',
    );
    expect((await slackError(client.views.update({ view_id: 'V0NOPE', view: modal() }))).error).toBe(
      'not_found',
    );
  });

  it('pushes onto the modal stack, at most three deep', async () => {
    const client = clientFor(sandbox);
    await client.views.open({ trigger_id: sandbox.issueTriggerId(ALICE.id), view: modal('One') });
    await client.views.push({ trigger_id: sandbox.issueTriggerId(ALICE.id), view: modal('Two') });
    await client.views.push({ trigger_id: sandbox.issueTriggerId(ALICE.id), view: modal('Three') });
    expect(sandbox.openViews(ALICE.id).map((v) => (v.view.title as { text: string }).text)).toEqual([
      'One',
      'Two',
      'Three',
    ]);
    expect(
      (
        await slackError(
          client.views.push({ trigger_id: sandbox.issueTriggerId(ALICE.id), view: modal('Four') }),
        )
      ).error,
    ).toBe('push_limit_reached');
  });

  it('publishes a Home tab per person, keeping its id across publishes', async () => {
    const client = clientFor(sandbox);
    const first = await client.views.publish({
      user_id: ALICE.id,
      view: { type: 'home', blocks: blocksOf(2) },
    });
    const second = await client.views.publish({
      user_id: ALICE.id,
      view: { type: 'home', blocks: blocksOf(3) },
    });
    expect(second.view?.id).toBe(first.view?.id);
    expect(sandbox.homeView(ALICE.id)?.blocks).toHaveLength(3);
    expect(sandbox.homeView(BOB.id)).toBeUndefined();
    const tooBig = { type: 'home' as const, blocks: blocksOf(101) };
    expect((await slackError(client.views.publish({ user_id: ALICE.id, view: tooBig }))).error).toBe(
      'invalid_arguments',
    );
  });
});
