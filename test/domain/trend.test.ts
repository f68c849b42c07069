import { describe, expect, it } from 'vitest';
import { trend } from '../../src/domain/trend.js';

describe('trend', () => {
  it.each([
    [60, 50, 10, '↑'],
    [50, 60, -10, '↓'],
    [50, 50, 0, '→'],
    [30.1, 20.05, 10.1, '↑'],
    [20.04, 20, 0, '→'],
    [12.5, 14.75, -2.3, '↓'],
    [0.3, 0.25, 0.1, '↑'],
    [0.6, 0.05, 0.6, '↑'],
    [0.25, 0.3, -0.1, '↓'],
  ])('trend(%s, %s) = %s %s', (current, previous, delta, arrow) => {
    expect(trend(current, previous)).toEqual({ delta, arrow });
  });

  it.each([
    [null, 50],
    [50, null],
    [null, null],
  ])('has no delta or arrow when a side is missing (%s, %s)', (current, previous) => {
    expect(trend(current, previous)).toEqual({ delta: null, arrow: '' });
  });
});
