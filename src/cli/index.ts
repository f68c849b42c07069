#!/usr/bin/env node
// `npx tooth-tail report …` and `npx tooth-tail backup <file>`: see src/cli/args.ts for the usage and src/cli/run.ts for the work.
import { runCli } from './run.js';

// Piped into `head`, stdout closes early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
