import { describe, expect, it } from 'vitest';
import { describeSignal, recommendation } from '../../src/domain/recommend.js';
import { FAILURE_MODES, type Signal } from '../../src/domain/types.js';

describe('recommendation', () => {
  it('names the mode and its lever', () => {
    expect(recommendation('handmaid')).toBe(
      "Handmaid mode: engineers are rewriting data scientists' work; invest in a paved path so data scientists ship without a rewrite.",
    );
    expect(recommendation('full-stack')).toBe(
      'Full-stack mode: data scientists are doing infrastructure themselves; the tail is too thin or its mix is wrong: add or re-mix engineers (infra/platform).',
    );
    expect(recommendation('both')).toMatch(/^Both modes: .*paved path/);
    expect(recommendation('healthy')).toMatch(/^Healthy: /);
    expect(recommendation('insufficient-data')).toMatch(/^Insufficient data: /);
  });

  it.each(FAILURE_MODES)('is one line for %s', (mode) => {
    expect(recommendation(mode)).not.toContain('\n');
  });
});

describe('describeSignal', () => {
  const signal = (name: Signal['name'], value: number, threshold: number, over: number): Signal => ({
    mode: name === 'median_infra_pct' || name === 'diy_infra_share' ? 'full-stack' : 'handmaid',
    name,
    value,
    threshold,
    over,
  });

  it.each([
    [signal('median_waiting_pct', 30, 20, 10), 'median waiting 30% (threshold 20%, +10)'],
    [
      signal('rewrite_share', 60, 50, 10),
      '60% of shipped pieces were rewritten by engineers (threshold 50%, +10)',
    ],
    [
      signal('mean_handmaid_load', 42.5, 40, 2.5),
      "engineers' mean handmaid load 42.5% (threshold 40%, +2.5)",
    ],
    [signal('median_infra_pct', 25, 25, 0), 'median infra work 25% (threshold 25%, +0)'],
    [
      signal('diy_infra_share', 66.7, 50, 16.7),
      '66.7% of shipped pieces were shipped on infrastructure the data scientist built (threshold 50%, +16.7)',
    ],
  ])('%j reads “%s”', (s, expected) => {
    expect(describeSignal(s)).toBe(expected);
  });
});
