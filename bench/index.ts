// `npm run bench [-- --quick] [-- --only ack,fan-out] [-- --delivery-rate 19.5|off]`: builds,
// then runs the suite against the compiled app (dist/) and prints the table.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/processes.js';
import { BENCHMARKS, type Benchmark, type BenchSizes, FULL, QUICK, runBench } from './suite.js';

const USAGE = `usage: npm run bench [-- --quick] [--only ${BENCHMARKS.join(',')}] [--delivery-rate <per second>|off]`;

function parse(argv: string[]): { sizes: BenchSizes; only?: Benchmark[] } {
  let sizes = FULL;
  let only: Benchmark[] | undefined;
  let rate: number | null | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') sizes = QUICK;
    else if (arg === '--only') {
      only = (argv[++i] ?? '').split(',').map((name) => {
        if (!(BENCHMARKS as readonly string[]).includes(name))
          throw new Error(`unknown benchmark "${name}"\n${USAGE}`);
        return name as Benchmark;
      });
    } else if (arg === '--delivery-rate') {
      const value = argv[++i] ?? '';
      rate = value === 'off' ? null : Number(value);
      if (rate !== null && !(rate > 0))
        throw new Error(`--delivery-rate wants a positive number or "off"\n${USAGE}`);
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  if (rate !== undefined) sizes = { ...sizes, fanOut: { ...sizes.fanOut, deliveryRatePerSecond: rate } };
  return only ? { sizes, only } : { sizes };
}

async function main(): Promise<void> {
  const { sizes, only } = parse(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'dist/main.js')))
    throw new Error('dist/main.js is missing: run `npm run build`');
  const result = await runBench({
    sizes,
    runtime: 'dist',
    ...(only ? { only } : {}),
    deadlineMs: 20 * 60_000,
    log: (line) => console.error(line),
  });
  console.log(result.table);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
