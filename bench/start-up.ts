// Benchmark 5: from launch to the first 200 on /healthz, `node dist/main.js` on a new database
// (so migrations run), beside a bare node HTTP server and a bare Bolt app started and polled the
// same way, and `node -e ''` to its exit. Launches alternate, one process at a time.
import path from 'node:path';
import { Sandbox } from '../src/sandbox/sandbox.js';
import {
  bareBoltArgs,
  bareBoltEnv,
  bareHttpArgs,
  freePort,
  mainArgs,
  ROOT,
  type Runtime,
  sleep,
  spawnNode,
  timeNodeRun,
} from './lib/processes.js';
import { appEnvironment, BOT_TOKEN, type Cleanups, SIGNING_SECRET, tempDir } from './lib/setup.js';
import { median } from './lib/stats.js';
import type { Row } from './lib/table.js';

export interface StartUpSizes {
  /** Launches of each process. */
  launches: number;
}

const TARGET_MS = 1000;

export async function startUp(sizes: StartUpSizes, rt: Runtime, cleanups: Cleanups): Promise<Row[]> {
  const dir = tempDir(cleanups);
  // Bolt calls auth.test as the app is constructed, so a Web API must be there to answer it.
  const sandbox = await Sandbox.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  cleanups.add(() => sandbox.stop());
  const env = (i: number) =>
    appEnvironment({ apiUrl: sandbox.apiUrl, databasePath: path.join(dir, `start-${i}.db`) });

  const times = {
    app: [] as number[],
    bareHttp: [] as number[],
    bareBolt: [] as number[],
    nodeE: [] as number[],
  };
  const launch = async (name: string, args: string[], childEnv: Record<string, string>) => {
    const child = spawnNode(name, args, childEnv, await freePort());
    cleanups.add(() => child.stop());
    try {
      return await child.ready(30_000, 5);
    } finally {
      await child.stop();
    }
  };
  for (let i = 0; i < sizes.launches; i++) {
    const runs = [
      async () => times.app.push(await launch('tooth-tail', mainArgs(rt), env(i))),
      async () => times.bareHttp.push(await launch('bare HTTP server', bareHttpArgs(), {})),
      async () =>
        times.bareBolt.push(
          await launch('bare Bolt app', bareBoltArgs(rt), { ...env(i), ...bareBoltEnv(rt) }),
        ),
      async () => times.nodeE.push(await timeNodeRun(['-e', ''], 30_000)),
    ];
    // Rotate the order so no process always runs first (or just after another's exit).
    for (let j = 0; j < runs.length; j++) {
      await (runs[(i + j) % runs.length] as () => Promise<unknown>)();
      await sleep(100);
    }
  }
  const figure = median(times.app);
  const what = `start-up to /healthz, \`node ${mainArgs(rt)
    .map((a) => (path.isAbsolute(a) ? path.relative(ROOT, a) : a))
    .join(' ')}\``;
  const row = { figure, unit: 'ms', target: `≤ ${TARGET_MS} ms`, met: figure <= TARGET_MS } as const;
  return [
    {
      benchmark: what,
      ...row,
      floor: median(times.bareHttp),
      floorIs: 'bare node HTTP server',
      note: `median of ${times.app.length} launches, new database each time; \`node -e ''\` to exit: ${median(times.nodeE).toFixed(0)} ms`,
    },
    {
      benchmark: `${what}, against Bolt alone`,
      ...row,
      floor: median(times.bareBolt),
      floorIs: 'bare Bolt app',
      note: 'the same launches; the bare Bolt app loads @slack/bolt and zod, as the app does',
    },
  ];
}
