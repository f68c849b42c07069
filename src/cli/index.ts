#!/usr/bin/env node
// `npx tooth-tail report …` and `npx tooth-tail backup <file>`: see src/cli/args.ts for the usage and src/cli/run.ts for the work;
// `npx tooth-tail delete-workspace …`: see src/cli/delete-workspace.ts.
import { runDeleteWorkspace } from './delete-workspace.js';
import { runCli } from './run.js';

// Piped into `head`, stdout closes early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};
const [command, ...rest] = process.argv.slice(2);
process.exitCode =
  command === 'delete-workspace'
    ? runDeleteWorkspace(rest, process.env, io)
    : await runCli(process.argv.slice(2), process.env, io);
