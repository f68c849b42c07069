import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlobalFonts, loadImage } from '@napi-rs/canvas';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ChartImage, renderFrontierChart, renderTeamTrendChart } from '../../src/charts/charts.js';
import { FONT_FAMILY } from '../../src/charts/engine.js';
import { band, figures, points, sampleFrontier, sampleYear, withheldFigures } from './fixtures.js';
import { chunkTypes, hasPngSignature, ihdrSize } from './png.js';

async function expectValidPng(image: ChartImage): Promise<void> {
  expect(hasPngSignature(image.png)).toBe(true);
  expect(ihdrSize(image.png)).toEqual({ width: 1000, height: 500 });
  expect({ width: image.width, height: image.height }).toEqual({ width: 1000, height: 500 });
  const chunks = chunkTypes(image.png);
  expect(chunks[0]).toBe('IHDR');
  expect(chunks.at(-1)).toBe('IEND');
  // A blank or text-free 1000 x 500 PNG compresses to a few KB; a drawn chart does not.
  expect(image.png.length).toBeGreaterThan(15_000);
  const decoded = await loadImage(image.png);
  expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 1000, height: 500 });
}

/** The comma-separated values after `name` in the alt text, up to the next `;` or `.`. */
function listAfter(altText: string, name: string): string[] {
  const match = new RegExp(`${name.replace(/[()]/g, '\\$&')} ([^;]+?)(?:;|\\.$)`).exec(altText);
  if (!match?.[1]) throw new Error(`no "${name}" list in: ${altText}`);
  return match[1].split(', ');
}

beforeAll(async () => {
  // Warm-up: the first render loads Chart.js, the canvas and the font.
  await renderTeamTrendChart('Warm-up', points([figures()]));
});

describe('renderTeamTrendChart', () => {
  it('renders a valid 1000 x 500 PNG with the bundled font', async () => {
    const image = await renderTeamTrendChart('Fraud ML', sampleYear());
    await expectValidPng(image);
    expect(GlobalFonts.has(FONT_FAMILY)).toBe(true);
    expect(image.filename).toBe('tooth-tail-trend-fraud-ml.png');
    expect(image.title).toBe('Fraud ML: trend over the last 12 rounds');
  });

  it('renders the same input to the same picture', async () => {
    const [a, b] = [
      await renderTeamTrendChart('Fraud ML', sampleYear()),
      await renderTeamTrendChart('Fraud ML', sampleYear()),
    ];
    expect(a.png.length).toBe(b.png.length);
    expect(a.png.equals(b.png)).toBe(true);
  });

  it('states each figure in words, oldest round first', async () => {
    const image = await renderTeamTrendChart(
      'Fraud ML',
      points([
        figures({ medianProductivePct: 60, medianWaitingPct: 20, medianInfraPct: 20, ratio: 0.5 }),
        figures({ medianProductivePct: 62.5, medianWaitingPct: 25, medianInfraPct: 10, ratio: 2 / 3 }),
        figures({ ratio: null, tooth: 0, failureMode: 'healthy' }),
      ]),
    );
    expect(image.altText).toBe(
      'Fraud ML, last 3 rounds (closed 2025-01-06 to 2025-02-03): productive share 60%, 62.5%, 70%; ' +
        'waiting 20%, 25%, 20%; infra 20%, 10%, 10%; ratio (engineers per data scientist) 0.50, 0.67, none; ' +
        'verdicts handmaid, handmaid, healthy.',
    );
  });

  it('says "withheld" for a round with fewer than k answers and gives no number for it', async () => {
    const image = await renderTeamTrendChart(
      'Fraud ML',
      points([figures(), withheldFigures({ ratio: 4 / 6 }), figures({ failureMode: 'healthy' })]),
    );
    for (const name of ['productive share', 'waiting', 'infra']) {
      expect(listAfter(image.altText, name)[1]).toBe('withheld');
    }
    expect(listAfter(image.altText, 'verdicts')[1]).toBe('insufficient-data');
  });

  it('never shows a tooth figure of a round below k, even if one was stored', async () => {
    const stale = { medianProductivePct: 43.7, medianWaitingPct: 31.3, medianInfraPct: 24.9 };
    const withheld = await renderTeamTrendChart('Fraud ML', points([figures(), withheldFigures()]));
    const leaky = await renderTeamTrendChart('Fraud ML', points([figures(), withheldFigures(stale)]));
    for (const number of ['43.7', '31.3', '24.9']) expect(leaky.altText).not.toContain(number);
    expect(leaky.altText).toBe(withheld.altText);
    expect(leaky.png.equals(withheld.png)).toBe(true);
  });

  it('shows only the latest 12 rounds', async () => {
    const all = points(
      Array.from({ length: 15 }, (_, i) => figures({ medianProductivePct: i < 3 ? 11.1 * (i + 1) : 70 })),
    );
    const image = await renderTeamTrendChart('Fraud ML', all);
    expect(image.altText).toMatch(/^Fraud ML, last 12 rounds \(closed 2025-02-17 to /);
    expect(listAfter(image.altText, 'productive share')).toHaveLength(12);
    for (const old of ['11.1%', '22.2%', '33.3%']) expect(image.altText).not.toContain(old);
  });

  it('keeps the worst-case alt text within 1000 characters', async () => {
    const longest = points(
      Array.from({ length: 12 }, () =>
        figures({
          medianProductivePct: 62.5,
          medianWaitingPct: 22.5,
          medianInfraPct: 12.5,
          ratio: 10 / 3,
          failureMode: 'insufficient-data',
        }),
      ),
    );
    const image = await renderTeamTrendChart('A'.repeat(300), longest);
    expect(image.altText.length).toBeLessThanOrEqual(1000);
    expect(listAfter(image.altText, 'verdicts')).toHaveLength(12);
  });

  it('renders a team with no closed round', async () => {
    const image = await renderTeamTrendChart('New team', []);
    await expectValidPng(image);
    expect(image.altText).toBe('New team: no closed rounds yet.');
  });

  it('renders well under a second once loaded', async () => {
    const year = sampleYear();
    const started = performance.now();
    for (let i = 0; i < 3; i++) await renderTeamTrendChart('Fraud ML', year);
    expect((performance.now() - started) / 3).toBeLessThan(1000);
  });
});

describe('renderFrontierChart', () => {
  it('renders a valid PNG of the shown bands only', async () => {
    const image = await renderFrontierChart(sampleFrontier(), [
      { ratio: 0.1, medianProductivePct: 40 },
      { ratio: 0.2, medianProductivePct: 45 },
      // in the withheld 0.25-0.5 band: never drawn, never counted
      { ratio: 0.3, medianProductivePct: 12.3 },
      { ratio: 0.6, medianProductivePct: 65 },
      { ratio: 1.5, medianProductivePct: 71 },
    ]);
    if (image === null) throw new Error('expected a chart');
    await expectValidPng(image);
    expect(image.altText).toBe(
      'Ratio frontier from the last 13 weeks, median productive share by ratio band (engineers per data scientist): ' +
        '< 0.25: 42.5% (3 teams, 2 rounds); 0.5-1: 65% (2 teams, 2 rounds); >= 1: 71% (4 teams, 2 rounds). ' +
        'Other bands are withheld or have no teams. Each of the 4 dots is one team round in a shown band.',
    );
    expect(image.altText).not.toContain('0.25-0.5');
    expect(image.filename).toBe('tooth-tail-frontier.png');
  });

  it('draws the same picture whatever a withheld band holds', async () => {
    const bands = sampleFrontier();
    const leaky = bands.map((b) => (b.withheld ? { ...b, medianProductivePct: 12.3, teams: 9 } : b));
    const points = [{ ratio: 0.6, medianProductivePct: 60 }];
    const [a, b] = [
      await renderFrontierChart(bands, points),
      await renderFrontierChart(leaky, [...points, { ratio: 0.3, medianProductivePct: 12.3 }]),
    ];
    expect(b?.altText).not.toContain('12.3');
    expect(b?.png.equals(a?.png ?? Buffer.alloc(0))).toBe(true);
  });

  it('returns null when every band is withheld or empty', async () => {
    const bands = [
      band({ band: 'under-0.25', label: '< 0.25', medianProductivePct: null, withheld: true, reason: 'x' }),
      band({ band: '0.25-0.5', label: '0.25-0.5', teams: 0, respondents: 0, medianProductivePct: null }),
      band({ band: '0.5-1', label: '0.5-1', medianProductivePct: null, withheld: true, reason: 'y' }),
    ];
    expect(await renderFrontierChart(bands)).toBeNull();
    expect(await renderFrontierChart([])).toBeNull();
  });
});

describe('sample charts', () => {
  it('writes the rendered PNGs for a look', async () => {
    const dir = join(tmpdir(), 'tooth-tail-charts');
    mkdirSync(dir, { recursive: true });
    const trend = await renderTeamTrendChart('Fraud ML', sampleYear());
    const frontier = await renderFrontierChart(sampleFrontier());
    writeFileSync(join(dir, trend.filename), trend.png);
    if (frontier) writeFileSync(join(dir, frontier.filename), frontier.png);
    expect(frontier).not.toBeNull();
  });
});
