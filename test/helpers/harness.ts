import path from 'node:path';
import { type RunningApp, type StartOptions, startApp } from '../../src/main.js';
import {
  type DeactivatedUserDm,
  Sandbox,
  type SandboxChannel,
  type SandboxUser,
  type SandboxUsergroup,
} from '../../src/sandbox/sandbox.js';
import type { Clock } from '../../src/services/ports.js';
import { tempDir } from './db.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-token';

export interface Harness {
  sandbox: Sandbox;
  app: RunningApp;
  databasePath: string;
  /** Runs `/tooth-tail <text>` as a person and resolves with the reply they see (in the ack or at the response_url). */
  // biome-ignore lint/suspicious/noExplicitAny: the app's JSON reply
  run(userId: string, text: string, options?: { channelId?: string }): Promise<any>;
  /** Waits until the outbox has nothing due and the sender is idle. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** The real app over HTTP against the sandbox, on a real migrated SQLite file in a temp folder. */
export async function startHarness(input: {
  users: SandboxUser[];
  channels?: SandboxChannel[];
  usergroups?: SandboxUsergroup[];
  adminUserIds?: string[];
  anonymityThreshold?: number;
  clock?: Clock;
  env?: Record<string, string>;
  options?: StartOptions;
  /** What a DM to a deactivated person gets; the sandbox's default unless set. */
  deactivatedUserDm?: DeactivatedUserDm;
}): Promise<Harness> {
  const { dir, cleanup } = tempDir();
  const databasePath = path.join(dir, 'tooth-tail.db');
  const sandbox = await Sandbox.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    users: input.users,
    channels: input.channels ?? [],
    usergroups: input.usergroups ?? [],
    ...(input.deactivatedUserDm ? { deactivatedUserDm: input.deactivatedUserDm } : {}),
  });
  const app = await startApp(
    {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: sandbox.apiUrl,
      DATABASE_PATH: databasePath,
      PORT: '0',
      ADMIN_USER_IDS: (input.adminUserIds ?? []).join(','),
      ANONYMITY_THRESHOLD: String(input.anonymityThreshold ?? 5),
      LOG_LEVEL: 'error',
      ...input.env,
    },
    {
      scheduler: false,
      // Fail fast in tests: one quick retry instead of minutes.
      retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 20 },
      // A transiently failed delivery comes back in tens of milliseconds, not half a minute.
      deliveryRetryBaseMs: 20,
      ...(input.clock ? { clock: input.clock } : {}),
      ...input.options,
    },
  );
  sandbox.setAppUrl(`http://127.0.0.1:${app.port}/slack/events`);
  return {
    sandbox,
    app,
    databasePath,
    run: async (userId, text, options = {}) => (await sandbox.command(userId, text, options)).answer(),
    settle: async () => {
      await app.sender.kick();
      await app.sender.idle();
    },
    stop: async () => {
      await app.stop();
      await sandbox.stop();
      cleanup();
    },
  };
}

/** A person answers their latest check-in DM: the button, then the modal with these answers. */
export async function answerCheckIn(
  h: Harness,
  userId: string,
  answers: Record<string, string> = { waiting_pct: '10', infra_pct: '5', path_to_prod: 'paired' },
): Promise<void> {
  const dm = await h.sandbox.waitFor(() => h.sandbox.dm(userId).at(-1), 5000, `a DM to ${userId}`);
  await h.sandbox.clickButton(userId, { channel: userId, ts: dm.ts }, 'check_in_answer');
  await h.sandbox.waitFor(() => h.sandbox.openViews(userId).at(-1), 5000, `a modal for ${userId}`);
  await h.sandbox.fillAndSubmit(userId, answers);
}
