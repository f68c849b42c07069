// `npm run sandbox -- --as <user> [--url http://127.0.0.1:PORT] [--channel C…] "/tooth-tail summary Fraud"`
//
// Runs a slash command as a sandbox user against a sandbox in another process (the demo left
// running with `npm run demo -- --keep`) and prints the app's answer as a person would read it.
//
// Which sandbox: `--url`, else the SANDBOX_URL environment variable, else the file `.sandbox-url`
// in the current directory, which the demo writes when it starts its sandbox.
//
// Exit codes: 0 answered; 1 the sandbox is unreachable or the command failed; 2 usage error.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type CommandAnswer, type CommandRequest, commandAnswer } from './control.js';
import { renderBlocksAsText } from './render-text.js';

const USAGE = `usage: npm run sandbox -- --as <user> [--url http://127.0.0.1:PORT] [--channel C…] "/tooth-tail <text>"

  --as <user>      the sandbox user (id or name) who runs the command
  --url <url>      the sandbox; default $SANDBOX_URL, else the file .sandbox-url written by the demo
  --channel <id>   the channel the command is run in; default the sandbox's first channel
  -h, --help       show this help`;

export const URL_FILE = '.sandbox-url';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  out(text: string): void;
  err(text: string): void;
  /** ANSI styling for the rendered reply. */
  ansi: boolean;
}

class UsageError extends Error {}

interface Invocation {
  user: string;
  url: string | undefined;
  channel: string | undefined;
  command: string | undefined;
  text: string;
}

function parseInvocation(argv: string[]): Invocation | 'help' {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) return 'help';
  const user = parsed.values.as;
  if (user === undefined || user === '') throw new UsageError('missing --as <user>');
  const words = parsed.positionals.join(' ').trim();
  if (words === '') throw new UsageError('missing the command text, e.g. "/tooth-tail summary Fraud"');
  // "/tooth-tail summary Fraud": the first word names the command when it starts with a slash.
  const match = /^(\/\S+)\s*(.*)$/s.exec(words);
  return {
    user,
    url: parsed.values.url,
    channel: parsed.values.channel,
    command: match?.[1],
    text: match === null ? words : (match[2] ?? ''),
  };
}

function parseCliArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      as: { type: 'string' },
      url: { type: 'string' },
      channel: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The sandbox's base URL and where it came from, or undefined when nothing names one. */
async function sandboxUrl(
  flag: string | undefined,
  io: CliIo,
): Promise<{ url: string; from: string } | undefined> {
  if (flag !== undefined) return { url: flag, from: '--url' };
  const fromEnv = io.env.SANDBOX_URL?.trim();
  if (fromEnv) return { url: fromEnv, from: 'SANDBOX_URL' };
  const file = resolve(io.cwd, URL_FILE);
  try {
    const fromFile = (await readFile(file, 'utf8')).trim();
    return fromFile === '' ? undefined : { url: fromFile, from: file };
  } catch {
    return undefined;
  }
}

function render(body: unknown, ansi: boolean): string {
  if (body === null || body === undefined) return '';
  if (typeof body === 'string') return body;
  if (typeof body === 'object') {
    const { text, blocks } = body as { text?: unknown; blocks?: unknown };
    return renderBlocksAsText(
      Array.isArray(blocks) ? blocks : undefined,
      typeof text === 'string' ? text : undefined,
      { ansi },
    );
  }
  return String(body);
}

async function post(url: string, request: CommandRequest): Promise<Response> {
  return fetch(new URL('/_sandbox/command', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let invocation: Invocation | 'help';
  try {
    invocation = parseInvocation(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`error: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (invocation === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const target = await sandboxUrl(invocation.url, io);
  if (target === undefined) {
    io.err(
      `error: no sandbox URL: pass --url, set SANDBOX_URL, or start the demo with --keep so it writes ${URL_FILE} here (${io.cwd})\n`,
    );
    return 1;
  }
  const request: CommandRequest = { user: invocation.user, text: invocation.text };
  if (invocation.channel !== undefined) request.channel = invocation.channel;
  if (invocation.command !== undefined) request.command = invocation.command;

  let response: Response;
  try {
    response = await post(target.url, request);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    io.err(`error: the sandbox at ${target.url} (from ${target.from}) is not reachable${cause}\n`);
    return 1;
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = (json as { error?: unknown } | undefined)?.error;
    io.err(
      `error: the sandbox at ${target.url} answered HTTP ${response.status}: ${String(message ?? 'no details')}\n`,
    );
    return 1;
  }
  const answer = commandAnswer.safeParse(json);
  if (!answer.success) {
    io.err(`error: the sandbox at ${target.url} gave an answer this CLI does not understand\n`);
    return 1;
  }
  return printAnswer(answer.data, io);
}

function printAnswer(answer: CommandAnswer, io: CliIo): number {
  if (answer.status !== 200) {
    io.err(
      `error: the app answered the command with HTTP ${answer.status} (Slack shows the person a failure)\n`,
    );
    return 1;
  }
  const ack = render(answer.ack, io.ansi);
  const reply = render(answer.reply, io.ansi);
  if (ack === '' && reply === '') {
    io.err('the app acknowledged the command but sent no reply within 10 s\n');
    return 1;
  }
  io.out(`${[ack, reply].filter((part) => part !== '').join('\n\n')}\n`);
  return 0;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const io: CliIo = {
    env: process.env,
    cwd: process.cwd(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    ansi: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
