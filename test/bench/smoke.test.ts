// The benchmark suite at tiny sizes (src/ under tsx, no build): it runs to the end, stops what it
// started, and prints a table with every row. It asserts no timing: CI times nothing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparedEntry } from '../../bench/ack-latency.js';
import { runtime } from '../../bench/lib/processes.js';
import { runBench, SMOKE } from '../../bench/suite.js';

const ROWS = [
  'start-up to /healthz, `node --import tsx src/main.ts`',
  'start-up to /healthz, `node --import tsx src/main.ts`, against Bolt alone',
  'ack `help` p50',
  'ack `help` p99',
  'ack `summary` p50',
  'ack `summary` p99',
  'ack `ratio` p50',
  'ack `ratio` p99',
  'ack "Answer" click p50',
  'ack "Answer" click p99',
  'ack modal submission p50',
  'ack modal submission p99',
  `close a round of ${SMOKE.aggregation.responses} responses`,
  `\`ratio\`, ${SMOKE.aggregation.teams} teams × ${SMOKE.aggregation.rounds} rounds`,
  `\`summary\`, ${SMOKE.aggregation.teams} teams × ${SMOKE.aggregation.rounds} rounds`,
  ...SMOKE.fanOut.ceilings.map(
    (c) => `fan-out to ${c.members} members at ${c.workspacePerSecond} calls/s, wall time`,
  ),
  'RSS, idle',
  'RSS, peak during the fan-out',
  `scheduled round, ${SMOKE.fanOut.scheduled.members} members, cold cache: minute → first prompt`,
  `scheduled round, ${SMOKE.fanOut.scheduled.members} members, cold cache: minute → last prompt`,
];

describe('npm run bench', () => {
  it('runs every benchmark at tiny sizes and prints a row for each', async () => {
    // Another build measured beside the app (BENCH_COMPARE): here the same checkout.
    process.env.BENCH_COMPARE = path.resolve(import.meta.dirname, '../..');
    let run: Awaited<ReturnType<typeof runBench>>;
    try {
      run = await runBench({ sizes: SMOKE, runtime: 'tsx', deadlineMs: 240_000 });
    } finally {
      delete process.env.BENCH_COMPARE;
    }
    const { rows, table } = run;

    expect(rows.map((r) => r.benchmark)).toEqual(ROWS);
    const lines = table.split('\n');
    expect(lines[0]).toContain('smoke sizes');
    expect(lines[1]).toMatch(/^machine: \d+ × .+ node v\d+/);
    for (const name of ROWS) expect(lines.some((l) => l.startsWith(`| ${name} `))).toBe(true);

    // Figures were measured, whatever they are; memory only where /proc exists.
    const measurable = fs.existsSync('/proc/self/status') ? rows : rows.filter((r) => r.unit !== 'MB');
    for (const row of measurable) {
      expect(Number.isFinite(row.figure), row.benchmark).toBe(true);
      expect(Number.isFinite(row.floor), row.benchmark).toBe(true);
    }
    // Every ack row says how far the floor's twin (a second, identical bare app) came out from
    // the floor in the same run: the noise the ratio beside it is read against.
    for (const row of rows.filter((r) => r.benchmark.startsWith('ack ')))
      expect(row.note, row.benchmark).toMatch(
        /floor's twin p(50|99) \d+\.\d ms \(\d+\.\d\d× the floor\); BENCH_COMPARE build p(50|99) \d+\.\d ms/,
      );
    // Every fan-out, and the scheduled round, delivered every DM exactly once (a correctness
    // check, not a timing one).
    const deliveries = rows.filter(
      (r) => r.benchmark.startsWith('fan-out') || r.benchmark.endsWith('last prompt'),
    );
    expect(deliveries).toHaveLength(SMOKE.fanOut.ceilings.length + 1);
    for (const row of deliveries) expect(row.note, row.benchmark).toMatch(/^lost 0, duplicates 0, failed 0/);
  }, 300_000);

  it('refuses a BENCH_COMPARE checkout that has no build, before setting anything up', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    expect(comparedEntry(runtime('dist'), undefined)).toBeUndefined();
    expect(comparedEntry(runtime('tsx'), root)).toBe(path.join(root, 'src/main.ts'));
    expect(() => comparedEntry(runtime('dist'), path.join(root, 'no-such-checkout'))).toThrow(
      /BENCH_COMPARE: .*no-such-checkout\/dist\/main\.js does not exist \(run npm run build/,
    );
  });
});
