import { describe, expect, it } from 'vitest';
import { ALT_TEXT_MAX, trendAltText } from '../../src/charts/alt-text.js';
import { shownBands, type TrendSeries, trendSeries } from '../../src/charts/series.js';
import { trendChartConfig } from '../../src/charts/trend-chart.js';
import { band, figures, points, sampleFrontier, withheldFigures } from './fixtures.js';

describe('trendSeries', () => {
  it('gives null, not a number, for every tooth figure of a round below k', () => {
    const series = trendSeries(points([figures(), withheldFigures({ medianProductivePct: 43.7 })]));
    expect(series.productive).toEqual([70, null]);
    expect(series.waiting).toEqual([20, null]);
    expect(series.infra).toEqual([10, null]);
    expect(series.verdicts).toEqual(['handmaid', 'insufficient-data']);
  });

  it('keeps the ratio of a withheld round: it comes from the roster, not from answers', () => {
    expect(trendSeries(points([withheldFigures({ ratio: 0.75 })])).ratio).toEqual([0.75]);
  });

  it('keeps the latest 12 points', () => {
    const series = trendSeries(points(Array.from({ length: 13 }, () => figures())));
    expect(series.roundIds).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });
});

describe('trendChartConfig', () => {
  it('leaves a withheld round as a gap in every percent line', () => {
    const config = trendChartConfig(
      'Fraud ML',
      trendSeries(points([figures(), withheldFigures(), figures()])),
    );
    const [productive, waiting, infra, ratio] = config.data.datasets;
    for (const line of [productive, waiting, infra]) {
      expect(line?.data[1]).toBeNull();
      expect(line?.spanGaps).toBe(false);
    }
    expect(ratio?.data).toEqual([0.5, 0.5, 0.5]);
    expect(ratio?.stepped).toBe('middle');
  });

  it('draws the verdict thresholds, keeps overlapping lines apart and labels the ratio as a ratio', () => {
    const config = trendChartConfig('Fraud ML', trendSeries(points([figures(), figures()])));
    const [productive, waiting, infra, , waitingThreshold, infraThreshold] = config.data.datasets;
    expect(waitingThreshold).toMatchObject({
      data: [20, 20],
      label: expect.stringMatching(/^Waiting threshold \(20%/),
    });
    expect(infraThreshold).toMatchObject({
      data: [25, 25],
      label: expect.stringMatching(/^Infra threshold \(25%/),
    });
    // Two lines on the same values stay two: different dashes and point shapes.
    const styles = [productive, waiting, infra].map((d) => JSON.stringify([d?.borderDash, d?.pointStyle]));
    expect(new Set(styles).size).toBe(3);
    const ratioAxis = config.options?.scales?.ratio as {
      title: { text: string };
      ticks: { callback: (v: number) => string };
    };
    expect(ratioAxis.title.text).toContain('not a %');
    expect(ratioAxis.ticks.callback(0.5)).toBe('0.50 : 1');
  });
});

describe('trendAltText', () => {
  it('leaves out the oldest rounds, not the latest, when the text would be too long', () => {
    const long: TrendSeries = trendSeries(points([]));
    for (let i = 0; i < 40; i++) {
      long.roundIds.push(i);
      long.closedAt.push(new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString());
      long.productive.push(i === 39 ? null : 50 + i / 10);
      long.waiting.push(20);
      long.infra.push(10);
      long.ratio.push(0.5);
      long.verdicts.push('healthy');
    }
    const text = trendAltText('Fraud ML', long);
    expect(text.length).toBeLessThanOrEqual(ALT_TEXT_MAX);
    expect(text).toMatch(
      /^Fraud ML, last 40 rounds \(closed 2024-01-01 to [^)]+\); figures for the latest \d+: /,
    );
    expect(text).toContain('53.8%, withheld;');
    expect(text).not.toContain('50.1%');
  });
});

describe('shownBands', () => {
  it('drops withheld and empty bands, keeping band order', () => {
    const bands = sampleFrontier();
    bands.push(band({ band: '1-plus', label: 'empty', teams: 0, respondents: 0, medianProductivePct: null }));
    expect(shownBands(bands).map((b) => b.label)).toEqual(['< 0.25', '0.5-1', '>= 1']);
  });
});
