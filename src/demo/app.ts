// The app as `npm run demo` runs it: the real composition root (startApp) in a child process,
// with one difference the demo needs: a clock it can move forward, so eight weekly rounds run in
// seconds yet are dated a week apart, as in a real organisation. The parent moves it over Node's
// IPC channel; production code knows nothing of this (StartOptions.clock is how tests and this
// entry point hand the app a clock). The scheduler is off: the demo opens and closes rounds by
// command, and a cron tick under a moving clock would open rounds of its own.
import { ConfigError } from '../config.js';
import { startApp } from '../main.js';

/** How far the demo's time is ahead of the real one, in ms. Only ever grows. */
let offset = 0;
const clock = () => new Date(Date.now() + offset);

export interface ClockMessage {
  type: 'clock';
  /** ISO time the app's clock should read now. */
  to: string;
}

process.on('message', (message: ClockMessage) => {
  if (message?.type !== 'clock') return;
  offset = Math.max(offset, Date.parse(message.to) - Date.now());
  process.send?.({ type: 'clock-set', at: clock().toISOString() });
});

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const start = args[0] ? Date.parse(args[0]) : Number.NaN;
  if (Number.isFinite(start)) offset = start - Date.now();
  let running: Awaited<ReturnType<typeof startApp>>;
  try {
    running = await startApp(process.env, { clock, scheduler: false });
  } catch (error) {
    console.error(
      error instanceof ConfigError ? error.message : `tooth-tail cannot start: ${(error as Error).message}`,
    );
    process.exit(1);
  }
  const stop = () => {
    running.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The parent going away (Ctrl-C on the demo) takes the app with it.
  process.once('disconnect', stop);
}

void main();
