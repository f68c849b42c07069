import fs from 'node:fs';
import os from 'node:os';

/** One line of the results: a figure of the app beside its floor, measured in the same run. */
export interface Row {
  benchmark: string;
  /** The app's figure, e.g. 4.2 (ms). */
  figure: number;
  /** The same measurement of the floor (a bare Bolt app, a bare server, the raw query). */
  floor: number;
  unit: 'ms' | 's' | 'MB';
  /** What the floor is, in a few words. */
  floorIs: string;
  /** The target in words, e.g. '≤ 1.5× floor and < 3000 ms'; '' when there is none. */
  target: string;
  /** Whether the target was met; null when there is none. */
  met: boolean | null;
  note?: string;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  memoryGb: number;
  loadAverage: string;
}

export function machine(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpuModel(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' '),
  };
}

/** The model name from /proc/cpuinfo (what `lscpu` shows), else what Node reports. */
function cpuModel(): string {
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

const format = (value: number, unit: Row['unit']): string => {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = unit === 'ms' ? (value < 10 ? 2 : value < 100 ? 1 : 0) : 1;
  return `${value.toFixed(digits)} ${unit}`;
};

export const ratioOf = (row: Pick<Row, 'figure' | 'floor'>): number =>
  row.floor > 0 && Number.isFinite(row.figure) ? row.figure / row.floor : Number.NaN;

/** The results as a Markdown table, with the machine they were taken on above it. */
export function renderTable(rows: readonly Row[], m: Machine, sizes: string): string {
  const header = ['benchmark', 'tooth-tail', 'floor', 'ratio', 'target', 'met', 'notes'];
  const lines = rows.map((r) => {
    const ratio = ratioOf(r);
    return [
      r.benchmark,
      format(r.figure, r.unit),
      `${format(r.floor, r.unit)} (${r.floorIs})`,
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a',
      r.target || '–',
      r.met === null ? '–' : r.met ? 'yes' : 'NO',
      r.note ?? '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [
    `tooth-tail benchmarks (${sizes})`,
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.platform}, node ${m.node}, load average at the end ${m.loadAverage}`,
    '',
    row(header),
    row(widths.map((w) => '-'.repeat(w))),
    ...lines.map(row),
  ].join('\n');
}
