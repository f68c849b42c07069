import { runCli } from '../../src/cli/run.js';
import type { Clock } from '../../src/services/ports.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tooth-tail …` in this process, its output captured: for cases where a child process would only add seconds. */
export async function runCliCapturing(
  args: string[],
  env: Record<string, string>,
  clock?: Clock,
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (t: string) => {
      stdout += t;
    },
    stderr: (t: string) => {
      stderr += t;
    },
  };
  const code = clock ? await runCli(args, env, io, clock) : await runCli(args, env, io);
  return { code, stdout, stderr };
}
