// The sandbox CLI against a sandbox and a real Bolt app, as `npm run sandbox` uses them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../src/sandbox/cli.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { type Recorded, recordingLogger, registerListeners } from './bolt-app.js';
import { BOT_TOKEN, FRAUD, SIGNING_SECRET, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let app: App;
let cwd: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  const recorded: Recorded = { submissions: [], clicks: [], warnings: [] };
  app = new App({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    clientOptions: { slackApiUrl: sandbox.apiUrl },
    logger: recordingLogger(recorded),
  });
  registerListeners(app, recorded);
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  sandbox.setAppUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
  cwd = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
});

afterAll(async () => {
  await app?.stop();
  await sandbox?.stop();
  if (cwd !== undefined) await rm(cwd, { recursive: true, force: true });
});

/** A loopback port nothing listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function io(env: NodeJS.ProcessEnv = {}): CliIo & { stdout: string; stderr: string } {
  const captured = {
    stdout: '',
    stderr: '',
    env,
    cwd,
    ansi: false,
    out: (text: string) => {
      captured.stdout += text;
    },
    err: (text: string) => {
      captured.stderr += text;
    },
  };
  return captured;
}

describe('npm run sandbox', () => {
  it('runs a command as a user named by name and prints the rendered reply', async () => {
    const run = io({ SANDBOX_URL: sandbox.url });
    expect(await runCli(['--as', 'alice', '/tooth-tail Fraud ML'], run)).toBe(0);
    expect(run.stdout).toBe('Summary: Fraud ML\n═════════════════\n');
  });

  it('prints the ack text and the reply, in the channel given', async () => {
    const run = io();
    expect(
      await runCli(
        ['--as', 'U0ALICE', '--url', sandbox.url, '--channel', FRAUD.id, '/tooth-tail', 'slow'],
        run,
      ),
    ).toBe(0);
    expect(run.stdout).toBe('Working on it…\n\nDone: slow\n');
  });

  it('reads the URL from .sandbox-url in the current directory', async () => {
    await writeFile(join(cwd, '.sandbox-url'), `${sandbox.url}\n`);
    const run = io();
    expect(await runCli(['--as', 'bob', 'Fraud ML'], run)).toBe(0);
    expect(run.stdout).toContain('Summary: Fraud ML');
    await rm(join(cwd, '.sandbox-url'));
  });

  it('exits 2 on usage errors', async () => {
    const noUser = io({ SANDBOX_URL: sandbox.url });
    expect(await runCli(['/tooth-tail help'], noUser)).toBe(2);
    expect(noUser.stderr).toMatch(/missing --as <user>[\s\S]*usage:/);
    expect(await runCli(['--as', 'alice'], io({ SANDBOX_URL: sandbox.url }))).toBe(2);
    expect(await runCli(['--as', 'alice', '--bogus', 'x'], io({ SANDBOX_URL: sandbox.url }))).toBe(2);
  });

  it('exits 1 naming the URL when the sandbox is not reachable, or when none is configured', async () => {
    const gone = `http://127.0.0.1:${await closedPort()}`;
    const closed = io({ SANDBOX_URL: gone });
    expect(await runCli(['--as', 'alice', 'help'], closed)).toBe(1);
    expect(closed.stderr).toContain(`the sandbox at ${gone} (from SANDBOX_URL) is not reachable`);
    const none = io();
    expect(await runCli(['--as', 'alice', 'help'], none)).toBe(1);
    expect(none.stderr).toContain('.sandbox-url');
  });

  it('exits 1 for a user the sandbox does not know', async () => {
    const run = io({ SANDBOX_URL: sandbox.url });
    expect(await runCli(['--as', 'mallory', 'help'], run)).toBe(1);
    expect(run.stderr).toContain('no sandbox user "mallory"');
  });

  it('serves recorded messages to other processes', async () => {
    await app.client.conversations.join({ channel: FRAUD.id });
    await app.client.chat.postMessage({ channel: FRAUD.id, text: 'digest' });
    const response = await fetch(`${sandbox.url}/_sandbox/messages?channel=${FRAUD.id}`);
    expect(await response.json()).toMatchObject({ messages: [{ channel: FRAUD.id, text: 'digest' }] });
  });
});
