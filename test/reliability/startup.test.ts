// Start-up as a real process (`node --import tsx src/main.ts`) with a minimal environment: every
// bad variable, and every database that cannot be opened or written, ends in exit code 1 and a
// plain message naming the problem, never a stack trace. test/config.test.ts covers loadConfig
// itself; this is the same contract at the process level.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrate.js';
import { tempDir } from '../helpers/db.js';
import { INTERNALS } from './helpers.js';

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the app to its exit; a process still running after 20 s is killed (and fails its case). */
function runApp(env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the tasks two at a time (this suite is meant for two cores). */
async function twoAtATime<T>(tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

const { dir, cleanup } = tempDir('tooth-tail-startup-');
const VALID = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'secret',
  SLACK_API_URL: 'http://127.0.0.1:9/api/',
  DATABASE_PATH: path.join(dir, 'config.db'),
  PORT: '0',
  LOG_LEVEL: 'error',
};
const without = (name: keyof typeof VALID) => {
  const env: Record<string, string> = { ...VALID };
  delete env[name];
  return env;
};

/** [variable, what is wrong, environment, the one problem line expected]. */
const CONFIG_CASES: Array<[string, string, Record<string, string>, RegExp]> = [
  [
    'SLACK_BOT_TOKEN',
    'missing',
    without('SLACK_BOT_TOKEN'),
    /^ {2}- SLACK_BOT_TOKEN is required \(the bot token/,
  ],
  [
    'SLACK_BOT_TOKEN',
    'a user token',
    { ...VALID, SLACK_BOT_TOKEN: 'xoxp-1' },
    /^ {2}- SLACK_BOT_TOKEN must be a bot token starting with xoxb-$/,
  ],
  [
    'SLACK_SIGNING_SECRET',
    'missing in HTTP mode',
    without('SLACK_SIGNING_SECRET'),
    /^ {2}- SLACK_SIGNING_SECRET is required in HTTP mode/,
  ],
  [
    'SLACK_APP_TOKEN',
    'not an app token',
    { ...VALID, SLACK_APP_TOKEN: 'xoxb-2' },
    /^ {2}- SLACK_APP_TOKEN must be an app-level token starting with xapp-$/,
  ],
  [
    'SLACK_API_URL',
    'not http(s)',
    { ...VALID, SLACK_API_URL: 'ftp://slack.example/api' },
    /^ {2}- SLACK_API_URL must be an http\(s\) URL/,
  ],
  ['PORT', 'not a number', { ...VALID, PORT: 'eighty' }, /^ {2}- PORT must be a port number$/],
  [
    'ADMIN_USER_IDS',
    'a name, not an id',
    { ...VALID, ADMIN_USER_IDS: 'U012ABCDEF,alice' },
    /^ {2}- ADMIN_USER_IDS “alice” is not a Slack user id/,
  ],
  [
    'DEFAULT_TIMEZONE',
    'not an IANA zone',
    { ...VALID, DEFAULT_TIMEZONE: 'Mars/Olympus' },
    /^ {2}- DEFAULT_TIMEZONE must be an IANA time zone/,
  ],
  [
    'ANONYMITY_THRESHOLD',
    'below 3',
    { ...VALID, ANONYMITY_THRESHOLD: '2' },
    /^ {2}- ANONYMITY_THRESHOLD must be at least 3/,
  ],
  [
    'LOG_LEVEL',
    'unknown',
    { ...VALID, LOG_LEVEL: 'loud' },
    /^ {2}- LOG_LEVEL must be one of debug, info, warn, error$/,
  ],
];

/** A migrated database file, changed by `change` with the app's own connection code. */
function database(name: string, change: (db: ReturnType<typeof openDatabase>) => void = () => {}): string {
  const file = path.join(dir, name);
  const db = openDatabase(file);
  migrate(db);
  change(db);
  db.close();
  return file;
}

let locker: ChildProcess | undefined;
let busyPort: net.Server | undefined;

/** [what is wrong, how to set it up (returns extra environment), the message expected]. */
const DATABASE_CASES: Array<[string, () => Promise<Record<string, string>>, RegExp]> = [
  [
    'a path under a regular file',
    async () => {
      fs.writeFileSync(path.join(dir, 'plain.txt'), 'not a folder');
      return { DATABASE_PATH: path.join(dir, 'plain.txt', 'tooth-tail.db') };
    },
    /cannot open the database at .*plain\.txt\/tooth-tail\.db: (EEXIST|ENOTDIR)/,
  ],
  [
    'a folder that cannot be created (name too long)',
    async () => ({ DATABASE_PATH: path.join(dir, 'x'.repeat(300), 'tooth-tail.db') }),
    /cannot open the database at .*: ENAMETOOLONG/,
  ],
  [
    'a path that is a folder',
    async () => {
      fs.mkdirSync(path.join(dir, 'a-folder'));
      return { DATABASE_PATH: path.join(dir, 'a-folder') };
    },
    /cannot open the database at .*a-folder: unable to open database file$/,
  ],
  [
    'a file that is not SQLite',
    async () => {
      fs.writeFileSync(path.join(dir, 'notes.db'), 'these are my notes, not a database\n'.repeat(100));
      return { DATABASE_PATH: path.join(dir, 'notes.db') };
    },
    /cannot open the database at .*notes\.db: file is not a database$/,
  ],
  [
    'a database with a migration this version does not know',
    async () => ({
      DATABASE_PATH: database('newer.db', (db) =>
        db
          .prepare('INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)')
          .run(999, 'from_the_future', 'x', new Date().toISOString()),
      ),
    }),
    /the database has migration 999_from_the_future, which this version of tooth-tail does not know/,
  ],
  [
    'a database whose applied migration was edited since',
    async () => ({
      DATABASE_PATH: database('edited.db', (db) =>
        db.prepare('UPDATE schema_migrations SET checksum = ? WHERE id = 1').run('0'),
      ),
    }),
    /migration 001_init was changed after it was applied/,
  ],
  [
    'a database another process keeps locked for writing (past the 5 s busy timeout)',
    async () => {
      const file = database('locked.db');
      const script = `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN EXCLUSIVE'); console.log('locked'); setTimeout(() => {}, 60000);`;
      locker = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => locker?.stdout?.once('data', resolve));
      return { DATABASE_PATH: file };
    },
    /cannot open the database at .*locked\.db: database is locked$/,
  ],
  [
    'a port already in use',
    async () => {
      busyPort = net.createServer();
      await new Promise<void>((resolve) => busyPort?.listen(0, resolve));
      return {
        DATABASE_PATH: path.join(dir, 'port.db'),
        PORT: String((busyPort.address() as net.AddressInfo).port),
      };
    },
    /listen EADDRINUSE/,
  ],
];

let configOutcomes: Outcome[] = [];
let databaseOutcomes: Outcome[] = [];

beforeAll(async () => {
  const setups = await Promise.all(DATABASE_CASES.map(([, setUp]) => setUp()));
  const outcomes = await twoAtATime([
    ...CONFIG_CASES.map(
      ([, , env]) =>
        () =>
          runApp(env),
    ),
    ...setups.map((extra) => () => runApp({ ...VALID, ...extra })),
  ]);
  configOutcomes = outcomes.slice(0, CONFIG_CASES.length);
  databaseOutcomes = outcomes.slice(CONFIG_CASES.length);
}, 80_000);

afterAll(async () => {
  locker?.kill('SIGKILL');
  await new Promise<void>((resolve) => (busyPort ? busyPort.close(() => resolve()) : resolve()));
  cleanup();
});

describe('start-up with a bad environment', () => {
  it.each(CONFIG_CASES.map((c, i) => [...c, i] as const))(
    '%s %s: exit 1 and one line naming it',
    (_name, _what, _env, line, i) => {
      const outcome = configOutcomes[i] as Outcome;
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toBe('');
      const lines = outcome.stderr.trimEnd().split('\n');
      expect(lines).toEqual(['tooth-tail cannot start; fix the environment:', expect.stringMatching(line)]);
      expect(outcome.stderr).not.toMatch(INTERNALS);
    },
  );
});

describe('start-up with a database that cannot be opened or written', () => {
  it.each(DATABASE_CASES.map((c, i) => [c[0], c[2], i] as const))(
    '%s: exit 1 and one plain line',
    (_name, message, i) => {
      const outcome = databaseOutcomes[i] as Outcome;
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toBe('');
      const lines = outcome.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^tooth-tail cannot start: /);
      expect(lines[0]).toMatch(message);
      expect(outcome.stderr).not.toMatch(INTERNALS);
    },
  );
});
