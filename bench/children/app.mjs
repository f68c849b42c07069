// The app as the benchmarks run it: main()'s startApp in a process of its own, with StartOptions
// (e.g. deliveryRatePerSecond) that the environment does not carry. It is JavaScript, not
// TypeScript, so that the measured process loads no TypeScript loader: with BENCH_APP_ENTRY set
// to dist/main.js on plain node, its memory and latency are the compiled app's own.
import { pathToFileURL } from 'node:url';

const entry = process.env.BENCH_APP_ENTRY;
if (!entry) throw new Error('BENCH_APP_ENTRY must name dist/main.js (or src/main.ts under tsx)');
const options = JSON.parse(process.env.BENCH_START_OPTIONS ?? '{}');

const { startApp } = await import(pathToFileURL(entry).href);
const running = await startApp(process.env, options);

const stop = () =>
  running.stop().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
