import fs from 'node:fs';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { CheckIns } from '../../src/services/check-ins.js';
import {
  busyText,
  CheckInThread,
  ModalRateLimit,
  type OpenView,
  openCheckInModal,
} from '../../src/slack/check-in-thread.js';
import { blockKitMessages } from '../../src/slack/views/messages.js';
import type { Db } from '../../src/storage/database.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { migratedDatabase, seedTeam } from '../helpers/db.js';
import { offlineSlack } from '../helpers/offline-slack.js';
import { offlineServices } from '../helpers/services.js';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const clock = () => NOW;
const TOKEN = 'xoxb-thread-test';

describe('CheckInThread: the check-in modal opened from a thread of its own', () => {
  let sandbox: Sandbox;
  let db: Db;
  let file: string;
  let cleanup: () => void;
  let roundId: number;
  let writers: CheckInThread[];
  let warnings: string[];
  let slackCalls: number;

  beforeAll(async () => {
    sandbox = await Sandbox.start({
      signingSecret: 'thread-test-secret',
      botToken: TOKEN,
      users: ['UD1', 'UD2', 'U0STRANGER'].map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
      channels: [],
    });
  });
  afterAll(() => sandbox.stop());

  beforeEach(async () => {
    ({ db, file, cleanup } = migratedDatabase());
    const services = offlineServices(db, { clock, slack: offlineSlack(), anonymityThreshold: 3 });
    const rounds = services.roundService;
    const team = new TeamRepository(db).get(
      seedTeam(db, { name: 'Vision', members: ['UD1', 'UD2'], createdBy: 'U1' }),
    );
    if (!team) throw new Error('the seeded team is missing');
    roundId = (await rounds.open(team, { openedBy: 'U1' })).id;
    writers = [];
    warnings = [];
    slackCalls = 0;
  });

  afterEach(async () => {
    for (const writer of writers) await writer.stop();
    cleanup();
  });

  /** The main thread's own client: what the fallback opens the modal with. */
  const mainClient = new WebClient(TOKEN, {
    slackApiUrl: 'http://127.0.0.1:9/api/',
    retryConfig: { retries: 0 },
  });
  /** The check-in work on the test's database, as the main thread does it (the fallback). */
  const checkInsOnTestDb = () => CheckIns.on(db, blockKitMessages, clock);
  /** A thread on the test's database, unless told otherwise; its client does not retry unless told. */
  const writer = (options: { file?: string; openOnMain?: WebClient; retries?: number } = {}) => {
    const mainOpens = options.openOnMain ?? mainClient;
    const retryConfig = { retries: options.retries ?? 0 };
    const w = new CheckInThread({
      file: options.file ?? file,
      client: { token: TOKEN, options: { slackApiUrl: sandbox.apiUrl, retryConfig } },
      openView: (args) => mainOpens.views.open(args as never),
      onSlackCalls: (count) => {
        slackCalls += count;
      },
      checkIns: checkInsOnTestDb(),
      logger: { warn: (message) => warnings.push(message) },
    });
    writers.push(w);
    return w;
  };
  const click = (userId = 'UD1', responseUrl: string | null = null) => ({
    roundId,
    userId,
    triggerId: sandbox.issueTriggerId(userId),
    channel: 'D0UD1',
    ts: '1700000000.000100',
    responseUrl,
  });
  /** The main thread's client on the sandbox: the fallback's, where a test needs it to open. */
  const onMain = () => new WebClient(TOKEN, { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 } });

  it('opens the modal from the main thread when the thread cannot open the database, and says so once', async () => {
    const elsewhere = path.join(path.dirname(file), 'a-folder');
    fs.mkdirSync(elsewhere);
    const w = writer({ file: elsewhere, openOnMain: onMain() });
    expect(await w.openModal(click())).toEqual({ ok: true });
    expect(await w.openModal(click('UD2'))).toEqual({ ok: true });
    expect(w.threaded).toBe(false);
    expect(sandbox.openViews('UD2').length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /check-in thread stopped .*cannot open the database.*modals are opened from the main thread/,
    );
  });

  it('starts the thread before any job when asked to (prepare), so the first click does not wait for it', async () => {
    const w = writer();
    expect(w.threaded).toBe(false);
    await w.prepare();
    expect(w.threaded).toBe(true);
    expect(w.handOvers).toBe(0);
    expect(await w.openModal(click())).toEqual({ ok: true });
    expect(w.handOvers).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('prepares nothing for an in-memory database, or a database the thread cannot open, and says why once', async () => {
    const inMemory = writer({ file: ':memory:' });
    await inMemory.prepare();
    expect(inMemory.threaded).toBe(false);
    expect(warnings).toEqual([]);
    const elsewhere = path.join(path.dirname(file), 'not-a-database');
    fs.mkdirSync(elsewhere);
    const broken = writer({ file: elsewhere, openOnMain: onMain() });
    await broken.prepare();
    expect(broken.threaded).toBe(false);
    expect(warnings).toHaveLength(1);
    // The job that comes after is done on the main thread.
    expect(await broken.openModal(click())).toEqual({ ok: true });
    expect(warnings).toHaveLength(1);
  });

  it('opens the modal in-process for an in-memory database, which a thread cannot share', async () => {
    const w = writer({ file: ':memory:', openOnMain: onMain() });
    expect(await w.openModal(click())).toEqual({ ok: true });
    expect(w.threaded).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('loses no click when the thread dies: what it had not answered is done on the main thread', async () => {
    const w = writer({ openOnMain: onMain() });
    await w.prepare();
    // The thread is killed before it took the click, as a crash of it would.
    const thread = (w as unknown as { worker: { terminate(): Promise<number> } }).worker;
    void thread.terminate();
    const inFlight = w.openModal(click());
    expect(await inFlight).toEqual({ ok: true });
    expect(w.threaded).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/check-in thread stopped/)]);
    expect(await w.openModal(click('UD2'))).toEqual({ ok: true });
  });

  it('stops after the clicks in flight, and takes no more', async () => {
    const w = writer();
    await w.prepare();
    const inFlight = w.openModal(click());
    await w.stop();
    expect(await inFlight).toEqual({ ok: true });
    expect(w.threaded).toBe(false);
    expect(warnings).toEqual([]);
    await expect(w.openModal(click('UD2'))).rejects.toThrow(/stopping/);
  });

  it('opens the modal from the thread, with what the person answered before, and counts the call', async () => {
    const w = writer();
    // What UD1 answered before, which the modal shows.
    checkInsOnTestDb().submit(roundId, 'UD1', () => ({
      ok: true,
      answers: { role: 'data-scientist', waitingPct: 20, infraPct: 10, pathToProd: 'paired', blocker: null },
    }));
    const before = sandbox.calls.length;
    expect(await w.openModal(click())).toEqual({ ok: true });
    expect(w.threaded).toBe(true);
    const view = sandbox.openViews('UD1').at(-1)?.view as Record<string, unknown>;
    expect(view.callback_id).toBe('check_in_submit');
    expect(JSON.parse(view.private_metadata as string)).toEqual({
      roundId,
      channel: 'D0UD1',
      ts: '1700000000.000100',
    });
    expect(JSON.stringify(view.blocks)).toContain('"initial_option"');
    expect(sandbox.calls.slice(before).map((c) => c.method)).toEqual(['views.open']);
    expect(slackCalls).toBe(1);
  });

  it('refuses someone the round did not ask, with the reason, and calls Slack for nothing', async () => {
    const before = sandbox.calls.length;
    const outcome = await writer().openModal(click('U0STRANGER'));
    expect(outcome).toEqual({ ok: false, refused: expect.stringMatching(/not asked in this check-in/) });
    expect(sandbox.calls.length).toBe(before);
    expect(sandbox.openViews('U0STRANGER')).toEqual([]);
  });

  it("rejects with Slack's error when the trigger_id was used, as a listener's own call would", async () => {
    const w = writer();
    const used = click();
    await w.openModal(used);
    await expect(w.openModal(used)).rejects.toThrow(/exchanged_trigger_id/);
    expect(w.threaded).toBe(true);
    expect(await w.openModal(click())).toEqual({ ok: true });
  });

  it("opens it with the main thread's client when the thread cannot start", async () => {
    const elsewhere = path.join(path.dirname(file), 'not-a-database');
    fs.mkdirSync(elsewhere);
    const onMain = new WebClient(TOKEN, { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 } });
    const w = writer({ file: elsewhere, openOnMain: onMain });
    expect(await w.openModal(click())).toEqual({ ok: true });
    expect(w.threaded).toBe(false);
    expect(sandbox.openViews('UD1').length).toBeGreaterThan(0);
    expect(slackCalls).toBe(0);
    expect(warnings).toEqual([expect.stringMatching(/check-in thread stopped/)]);
  });

  it('refuses a click at once when Slack asks for a longer wait than a trigger_id lasts, then calls Slack for none until then', async () => {
    const w = writer({ retries: 5 });
    await w.prepare();
    const before = sandbox.calls.length;
    sandbox.rateLimitNext('views.open', { retryAfterSeconds: 2, times: 1 });
    const started = performance.now();
    expect(await w.openModal(click())).toEqual({ ok: false, refused: busyText(2) });
    expect(busyText(2)).toMatch(/Slack is busy .* wait 2 s .* click the button again/);
    // Inside the wait, the next click is answered the same without asking Slack again.
    expect(await w.openModal(click())).toEqual({ ok: false, refused: expect.stringMatching(/wait [12] s/) });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(sandbox.calls.slice(before).map((c) => `${c.method} ${c.status}`)).toEqual(['views.open 429']);
    // After it, a click opens the modal.
    await new Promise((resolve) => setTimeout(resolve, 2000 - (performance.now() - started)));
    expect(await w.openModal(click())).toEqual({ ok: true });
    expect(sandbox.calls.slice(before).map((c) => `${c.method} ${c.status}`)).toEqual([
      'views.open 429',
      'views.open 200',
    ]);
    expect(slackCalls).toBe(1);
  });

  it("waits out a Retry-After of a second once, inside the trigger_id's 3 s, and opens the modal", async () => {
    const w = writer();
    await w.prepare();
    const before = sandbox.calls.length;
    sandbox.rateLimitNext('views.open', { retryAfterSeconds: 1, times: 1 });
    const started = performance.now();
    expect(await w.openModal(click())).toEqual({ ok: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(sandbox.calls.slice(before).map((c) => c.status)).toEqual([429, 200]);
    // Twice in a row, and the click is refused rather than waited on again.
    sandbox.rateLimitNext('views.open', { retryAfterSeconds: 1, times: 2 });
    expect(await w.openModal(click())).toEqual({ ok: false, refused: busyText(1) });
  });

  it('after a 429, calls views.open one click at a time: the clicks the Retry-After held back do not all call again', async () => {
    const w = writer();
    await w.prepare();
    // A minute's quota of 60 with a burst of 60: past it, Slack asks for a second's wait.
    sandbox.setLimits({ perMethodPerMinute: { 'views.open': 60 } });
    try {
      // The burst is spent first, so the clicks measured meet the limit at once: however long a
      // busy machine takes over 60 calls, the second's wait then ends within their trigger_id's
      // 1.5 s (a 429 that came later than 0.5 s after the clicks left nothing to test).
      await Promise.all(Array.from({ length: 60 }, () => w.openModal(click())));
      const before = sandbox.calls.length;
      const started = performance.now();
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => w.openModal(click())));
      const elapsed = performance.now() - started;
      const calls = sandbox.calls.slice(before).filter((c) => c.method === 'views.open');
      const opened = outcomes.filter((o) => o.ok).length;
      // The 20 are refused (or a few open, on what refilled meanwhile); they wait out the second,
      // then one calls at a time until Slack refuses again and the rest are told to wait: 20 calls
      // and a few, not 20 + 20.
      const firstRefusal = calls.findIndex((c) => c.status === 429);
      expect(firstRefusal).toBeGreaterThanOrEqual(0);
      expect(calls.slice(firstRefusal).some((c) => c.status === 200)).toBe(true);
      expect(calls.length).toBeLessThanOrEqual(20 + 4);
      expect(calls.filter((c) => c.status === 200).length).toBe(opened);
      expect(outcomes.filter((o) => !o.ok)).toEqual(
        Array.from({ length: 20 - opened }, () => ({ ok: false, refused: busyText(1) })),
      );
      // Every click was answered while its trigger_id was valid.
      expect(elapsed).toBeLessThan(2500);
    } finally {
      sandbox.setLimits({});
    }
  });

  it("says a refusal at the click's response_url from the thread, and leaves it to the listener when Slack does not take it", async () => {
    const w = writer();
    await w.prepare();
    sandbox.rateLimitNext('views.open', { retryAfterSeconds: 5, times: 1 });
    const missing = `${sandbox.url}/response/not-issued`;
    expect(await w.openModal(click('UD1', missing))).toEqual({ ok: false, refused: busyText(5) });
    expect(sandbox.responses.filter((r) => r.url === missing)).toEqual([]);
  });

  it("reads what the modal shows only when views.open is called: a click refused for Slack's wait reads none of it", async () => {
    const checkIns = checkInsOnTestDb();
    const read = vi.spyOn(checkIns, 'modal');
    const client = new WebClient(TOKEN, {
      slackApiUrl: sandbox.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    const openView: OpenView = (args) => client.views.open(args as never);
    const limit = new ModalRateLimit();
    sandbox.rateLimitNext('views.open', { retryAfterSeconds: 20, times: 1 });
    // The first click calls (and reads the modal's content for the call); Slack says wait 20 s.
    expect(await openCheckInModal(checkIns, openView, click(), limit)).toEqual({
      ok: false,
      refused: busyText(20),
    });
    expect(read).toHaveBeenCalledTimes(1);
    // The next is refused without a call, and without reading what it would have shown.
    const before = sandbox.calls.length;
    expect(await openCheckInModal(checkIns, openView, click('UD2'), limit)).toEqual({
      ok: false,
      refused: expect.stringMatching(/wait (19|20) s/),
    });
    expect(read).toHaveBeenCalledTimes(1);
    expect(sandbox.calls.length).toBe(before);
    // Who may not answer is still told why, whatever Slack's wait.
    expect(await openCheckInModal(checkIns, openView, click('U0STRANGER'), limit)).toEqual({
      ok: false,
      refused: expect.stringMatching(/not asked in this check-in/),
    });
  });

  it('refuses a held-back click with the wait on the main thread too, whose client hands the 429 back', async () => {
    const elsewhere = path.join(path.dirname(file), 'not-a-database');
    fs.mkdirSync(elsewhere);
    const onMain = new WebClient(TOKEN, {
      slackApiUrl: sandbox.apiUrl,
      retryConfig: { retries: 5 },
      rejectRateLimitedCalls: true,
    });
    const w = writer({ file: elsewhere, openOnMain: onMain });
    sandbox.rateLimitNext('views.open', { retryAfterSeconds: 20, times: 1 });
    expect(await w.openModal(click())).toEqual({ ok: false, refused: busyText(20) });
    expect(w.threaded).toBe(false);
  });

  it('stops within seconds while Slack holds a modal back, and refuses that click', async () => {
    const w = writer();
    await w.prepare();
    sandbox.delayNext('views.open', { ms: 30_000 });
    const held = w.openModal(click());
    const refused = expect(held).rejects.toThrow(/stopped before this modal was opened/);
    await sandbox.waitFor(() => sandbox.calls.some((c) => c.method === 'views.open'), 5000, 'the views.open');
    const started = performance.now();
    await w.stop();
    expect(performance.now() - started).toBeLessThan(5000);
    await refused;
    expect(w.threaded).toBe(false);
    expect(warnings).toEqual([]);
  });
});
