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
    expect(stdout).toMatch(/Week 2 of 2: 5 check-ins opened, \d+ DMs, \d+ answers through the modal/);
    for (const verdict of ['Handmaid', 'Full-stack', 'Healthy', 'Not enough answers'])
      expect(stdout).toContain(verdict);
    expect(stdout).toContain('Tooth-to-tail ratio by team');
    expect(stdout).toContain('#data-leadership · org digest (subscribed to all)');
    expect(stdout).toMatch(/0\.25-0\.5: median productive share \d+(\.\d)?%/);
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
