// `npm run demo` is a smoke test of the whole product: this runs it (from source, two weeks) and
// checks what a newcomer would read, and that a broken loop makes it fail loudly.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/db.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function demo(args: string[], env: Record<string, string> = {}) {
  const { dir, cleanup } = tempDir('tooth-tail-demo-');
  cleanups.push(cleanup);
  const out = path.join(dir, 'out');
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/demo/index.ts', '--from-source', '--out', out, ...args],
    {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { ...result, out };
}

describe('npm run demo', () => {
  it('runs the whole loop and prints what managers see, as text', () => {
    const { status, stdout, stderr, out } = demo(['--weeks', '2']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain(`database  ${path.join(out, 'tooth-tail.db')}`);
    // Rounds a week apart, on the app's own (moved) clock.
    const [, first, second] =
      /Week 1 of 2 \((\d{4}-\d\d-\d\d)\)[\s\S]*Week 2 of 2 \((\d{4}-\d\d-\d\d)\): 6 check-ins opened, \d+ DMs, \d+ answers through the modal/.exec(
        stdout,
      ) ?? [];
    expect(Date.parse(second as string) - Date.parse(first as string)).toBe(7 * 24 * 60 * 60 * 1000);
    for (const verdict of ['Handmaid', 'Full-stack', 'Healthy', 'Not enough answers'])
      expect(stdout).toContain(verdict);
    expect(stdout).toContain('Tooth-to-tail ratio by team');
    expect(stdout).toContain('#data-leadership · org digest (subscribed to all)');
    expect(stdout).toMatch(/0\.25-0\.5: median productive share \d+(\.\d)?% \(3 teams, 5 rounds\)/);
    // A recommendation naming a headcount, with its evidence; and what the last hire did.
    expect(stdout).toMatch(
      /Marketing Science: Add 1 more engineer \(infra\)\. Evidence: teams at 0\.5-1 engineers per data scientist here: \d+(\.\d)?% median productive share, 3 teams, 5 rounds; this team \d+(\.\d)?%\./,
    );
    expect(stdout).toMatch(
      /Last change, \d{4}-\d\d-\d\d: 2 engineers : 6 data scientists → 3 engineers : 6 data scientists \(tail \+1 infra\)/,
    );
    expect(stdout).toMatch(/Capacity lost across the org\*: about \d+\.\d data scientists’ worth of time/);
    expect(stdout).toContain('Engineers across the org');
    expect(stdout).toContain('Too small to show: the team has 3 data scientists');
    // Charts saved after the outbox drained: the latest round is in every trend, with real dates.
    expect(stdout).toContain('tooth-tail-trend-forecasting.png: Forecasting: trend over the last 2 rounds');
    expect(stdout).toContain(
      `Fraud ML, last 2 rounds (closed ${new Date(Date.parse(first as string) + 3 * 86_400_000).toISOString().slice(0, 10)} to `,
    );
    expect(stdout).toContain('Demo finished: the whole loop worked.');
    // Block Kit is rendered as text: no raw JSON reaches the terminal.
    expect(stdout).not.toMatch(/"type":|\{"/);
    expect(fs.existsSync(path.join(out, 'tooth-tail.db'))).toBe(true);
    const charts = fs.readdirSync(path.join(out, 'charts'));
    expect(charts).toEqual(
      expect.arrayContaining(['tooth-tail-trend-fraud-ml.png', 'tooth-tail-frontier.png']),
    );
  }, 120_000);

  it('fails with a clear message and a non-zero exit when the app cannot run', () => {
    const { status, stderr } = demo(['--weeks', '2'], { ANONYMITY_THRESHOLD: '2' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/demo failed: the app exited during start-up/);
    expect(stderr).toContain('ANONYMITY_THRESHOLD must be at least 3');
  }, 60_000);

  it('refuses bad arguments', () => {
    const { status, stderr } = demo(['--weeks', '40']);
    expect(status).toBe(1);
    expect(stderr).toContain('--weeks must be 2 to 12');
  });
});
