import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

/** The app as a real child process (`node --import tsx src/main.ts`), for crash and signal tests. */
export interface ChildApp {
  process: ChildProcess;
  port: number;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startChildApp(
  env: Record<string, string>,
  port: number,
  /** How long start-up may take; several processes starting at once on a busy machine need more. */
  startTimeoutMs = 20_000,
): Promise<ChildApp> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited during start-up:\n${output}`);
    if (Date.now() - started > startTimeoutMs) {
      child.kill('SIGKILL');
      throw new Error(
        `the app's /healthz on port ${port} did not answer within ${startTimeoutMs} ms:\n${output}`,
      );
    }
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { process: child, port, output: () => output, exited };
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls an async condition every 20 ms; rejects naming `what` after `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T | false | undefined> | T | false | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (value !== false && value !== undefined) return value;
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
