// Child processes of the benchmarks: the app, a bare Bolt app, a bare HTTP server. Each is
// spawned with a loopback port, polled on /healthz until it answers, and stopped by its own pid.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux that Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILDREN = path.join(ROOT, 'bench/children');

/**
 * How children run the app's code: `dist` is the compiled build on plain node (what `npm start`
 * runs, and what the figures are for); `tsx` runs src/ through tsx, for the smoke test, which
 * must not depend on a build.
 */
export interface Runtime {
  name: 'dist' | 'tsx';
  nodeArgs: string[];
  /** The folder holding main, config, slack/… as the runtime loads them. */
  codeDir: string;
  ext: '.js' | '.ts';
}

export function runtime(name: Runtime['name']): Runtime {
  return name === 'dist'
    ? { name, nodeArgs: [], codeDir: path.join(ROOT, 'dist'), ext: '.js' }
    : { name, nodeArgs: ['--import', 'tsx'], codeDir: path.join(ROOT, 'src'), ext: '.ts' };
}

/** The arguments to node for `node dist/main.js` (or its tsx equivalent). */
export const mainArgs = (rt: Runtime): string[] => [...rt.nodeArgs, path.join(rt.codeDir, `main${rt.ext}`)];

/** bench/children/app.mjs: startApp with StartOptions passed as JSON. */
export const appArgs = (rt: Runtime): string[] => [...rt.nodeArgs, path.join(CHILDREN, 'app.mjs')];
export const appEnv = (rt: Runtime, options: Record<string, unknown>): Record<string, string> => ({
  BENCH_APP_ENTRY: path.join(rt.codeDir, `main${rt.ext}`),
  BENCH_START_OPTIONS: JSON.stringify(options),
});

export const bareBoltArgs = (rt: Runtime): string[] => [...rt.nodeArgs, path.join(CHILDREN, 'bare-bolt.mjs')];
export const bareBoltEnv = (rt: Runtime, reply = false): Record<string, string> => ({
  BENCH_CODE_DIR: rt.codeDir,
  BENCH_CODE_EXT: rt.ext,
  BENCH_BARE_REPLY: reply ? '1' : '0',
});

export const bareHttpArgs = (): string[] => [path.join(CHILDREN, 'bare-http.mjs')];

export class Child {
  private output = '';
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly port: number,
    /** performance.now() just before spawn. */
    readonly spawnedAt: number,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    process.stdout?.on('data', keep);
    process.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      if (process.exitCode !== null || process.signalCode !== null) resolve();
      else process.once('exit', () => resolve());
    });
  }

  get pid(): number {
    return this.process.pid as number;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  logs(): string {
    return this.output;
  }

  /**
   * Polls GET /healthz until it answers 200, and returns the milliseconds since spawn. Polling
   * every few ms costs the child a little CPU; the floors are polled the same way.
   */
  async ready(timeoutMs: number, pollMs = 5): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited during start-up:\n${this.output}`);
      if (await healthy(this.port)) return performance.now() - this.spawnedAt;
      if (performance.now() > deadline)
        throw new Error(`${this.name} did not answer /healthz within ${timeoutMs} ms:\n${this.output}`);
      await sleep(pollMs);
    }
  }

  /** Resident set size in MB (VmRSS from /proc), or NaN where /proc is not available. */
  rssMb(): number {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
      return kb === undefined ? Number.NaN : Number(kb) / 1024;
    } catch {
      return Number.NaN;
    }
  }

  /**
   * CPU time (user + system) used so far, in ms, from /proc; NaN elsewhere. By the whole process
   * (every thread), or with `mainThread` by its main thread alone, the one that answers requests.
   */
  cpuMs(mainThread = false): number {
    try {
      const file = mainThread ? `/proc/${this.pid}/task/${this.pid}/stat` : `/proc/${this.pid}/stat`;
      const stat = fs.readFileSync(file, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return Number.NaN;
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Spawns `node <args>` in the repository root with only PATH and `env` in its environment. With
 * BENCH_CPU_PROF=<dir> set, the app's processes (not the floors) write a CPU profile there on exit,
 * sampled every BENCH_PROF_INTERVAL µs (1000 unless set).
 */
export function spawnNode(name: string, args: string[], env: Record<string, string>, port: number): Child {
  const profileDir = process.env.BENCH_CPU_PROF;
  const profile =
    profileDir && (name === 'tooth-tail' || process.env.BENCH_PROF_ALL === '1')
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${profileDir}`,
          `--cpu-prof-interval=${process.env.BENCH_PROF_INTERVAL ?? 1000}`,
        ]
      : [];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...profile, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Child(name, child, port, spawnedAt);
}

/** Runs `node <args>` to its exit and returns the wall-clock milliseconds. */
export function timeNodeRun(args: string[], timeoutMs: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`node ${args.join(' ')} exited with ${code}`));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode === 200));
    });
    req.once('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples a child's RSS every `everyMs` until stopped; `max()` is the peak so far. */
export function sampleRss(child: Child, everyMs: number): { max(): number; stop(): void } {
  let peak = child.rssMb();
  const timer = setInterval(() => {
    const now = child.rssMb();
    if (!Number.isNaN(now)) peak = Number.isNaN(peak) ? now : Math.max(peak, now);
  }, everyMs);
  return { max: () => peak, stop: () => clearInterval(timer) };
}
