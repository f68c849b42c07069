// Renders a Chart.js configuration to PNG on a Skia canvas (@napi-rs/canvas) with a font shipped
// in an npm package, so a chart looks the same on a machine with no system fonts at all.
// Chart.js and the canvas are imported on first use: the app starts without paying for them.
import { createRequire } from 'node:module';
import type { ChartConfiguration, ChartItem, ChartType, Plugin } from 'chart.js';

/** Every chart is 1000 x 500 px: 2:1 reads well as a Slack image preview and stays sharp. */
export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 500;

// DejaVu Sans under a name of its own, so a system copy of DejaVu can never stand in for it.
export const FONT_FAMILY = 'ToothTailSans';
const FONT_FILES = ['dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'];

interface Engine {
  Chart: typeof import('chart.js').Chart;
  BasicPlatform: typeof import('chart.js').BasicPlatform;
  createCanvas: typeof import('@napi-rs/canvas').createCanvas;
}

let loading: Promise<Engine> | undefined;

async function load(): Promise<Engine> {
  const [chartjs, canvas] = await Promise.all([import('chart.js'), import('@napi-rs/canvas')]);
  // Resolved from this file, so it works from src/ (tsx, vitest) and from dist/ alike.
  const require = createRequire(import.meta.url);
  for (const file of FONT_FILES) {
    if (canvas.GlobalFonts.registerFromPath(require.resolve(file), FONT_FAMILY) === null) {
      throw new Error(`could not load the chart font ${file}`);
    }
  }
  chartjs.Chart.register(...chartjs.registerables);
  chartjs.Chart.defaults.font.family = FONT_FAMILY;
  chartjs.Chart.defaults.color = '#333333';
  // One still picture at the canvas's own size: no resizing, no animation frames, no HiDPI scale.
  chartjs.Chart.defaults.responsive = false;
  chartjs.Chart.defaults.animation = false;
  chartjs.Chart.defaults.devicePixelRatio = 1;
  return { Chart: chartjs.Chart, BasicPlatform: chartjs.BasicPlatform, createCanvas: canvas.createCanvas };
}

/** Loads the charting library and the font once; a failed load is retried on the next call. */
export function loadEngine(): Promise<Engine> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

// Chart.js leaves the background transparent, which turns black text unreadable in Slack's dark
// theme; this is the background plugin from the Chart.js documentation.
const whiteBackground: Plugin<ChartType> = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Draws the chart once (no animation, no responsiveness) and encodes it off the main thread. */
export async function renderPng<T extends ChartType>(config: ChartConfiguration<T>): Promise<Buffer> {
  const { Chart, BasicPlatform, createCanvas } = await loadEngine();
  const canvas = createCanvas(CHART_WIDTH, CHART_HEIGHT);
  canvas.getContext('2d').lang = 'en';
  const chart = new Chart<T>(canvas as unknown as ChartItem, {
    ...config,
    // BasicPlatform: no DOM, so no listeners, no resize observers, no device pixel ratio.
    platform: BasicPlatform,
    plugins: [...(config.plugins ?? []), whiteBackground as Plugin<T>],
  });
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
