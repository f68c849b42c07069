// The environment, validated once at start (SPEC section 7). Every problem is reported at once,
// one line each, so a person fixing a deployment sees the whole list in one go.
import { z } from 'zod';
import { isValidTimeZone } from './domain/schedule.js';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'is required (the bot token, xoxb-…, from OAuth & Permissions)' })
    .trim()
    .startsWith('xoxb-', { error: 'must be a bot token starting with xoxb-' }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(
    z.string().startsWith('xapp-', { error: 'must be an app-level token starting with xapp-' }).optional(),
  ),
  SLACK_API_URL: optionalText.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://slack.com/api/' })
      .transform((u) => (u.endsWith('/') ? u : `${u}/`))
      .optional(),
  ),
  DATABASE_PATH: optionalText.transform((p) => p ?? './data/tooth-tail.db'),
  PORT: optionalText.pipe(
    z.coerce
      .number<string | undefined>({ error: 'must be a port number' })
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be between 0 and 65535' })
      .max(65535, { error: 'must be between 0 and 65535' })
      .optional(),
  ),
  ADMIN_USER_IDS: optionalText.transform((s, ctx) => {
    const ids = (s ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    for (const id of ids) {
      if (!/^[UW][A-Z0-9]{2,}$/.test(id)) {
        ctx.addIssue({ code: 'custom', message: `“${id}” is not a Slack user id (like U012ABCDEF)` });
      }
    }
    return ids;
  }),
  DEFAULT_TIMEZONE: optionalText
    .transform((tz) => tz ?? 'UTC')
    .refine(isValidTimeZone, { error: 'must be an IANA time zone such as Europe/London or UTC' }),
  ANONYMITY_THRESHOLD: optionalText.pipe(
    z.coerce
      .number<string | undefined>({ error: 'must be a whole number of at least 3' })
      .int({ error: 'must be a whole number of at least 3' })
      .min(3, { error: 'must be at least 3: smaller groups could be identified' })
      .max(1000, { error: 'must be at most 1000' })
      .optional(),
  ),
  DELIVERY_RATE_PER_SECOND: optionalText.pipe(
    z.coerce
      .number<string | undefined>({ error: 'must be a number of messages per second, e.g. 10' })
      .positive({ error: 'must be more than 0' })
      .max(1000, { error: 'must be at most 1000' })
      .optional(),
  ),
  WORKER_LEASE_SECONDS: optionalText.pipe(
    z.coerce
      .number<string | undefined>({ error: 'must be a number of seconds, e.g. 30' })
      .min(1, { error: 'must be at least 1 second' })
      .max(3600, { error: 'must be at most 3600 seconds' })
      .optional(),
  ),
  RETENTION_DAYS: optionalText.pipe(
    z.coerce
      .number<string | undefined>({ error: 'must be a whole number of days, e.g. 365' })
      .int({ error: 'must be a whole number of days, e.g. 365' })
      .min(1, { error: 'must be at least 1 day' })
      .max(36500, { error: 'must be at most 36500 days (100 years)' })
      .optional(),
  ),
  LOG_LEVEL: optionalText.pipe(
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  ),
});

export interface Config {
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  slackApiUrl: string | undefined;
  databasePath: string;
  port: number;
  adminUserIds: readonly string[];
  defaultTimezone: string;
  anonymityThreshold: number;
  logLevel: LogLevel;
  /** The sender's Web API calls per second at most; undefined leaves sends unpaced. */
  deliveryRatePerSecond: number | undefined;
  /**
   * The worker lease's period: with several processes on one database, another takes over the
   * scheduler and the sender within this long of the holder dying.
   */
  workerLeaseMs: number;
  /** Raw answers are deleted this many days after their round closed; summaries stay. */
  retentionDays: number;
  mode: 'socket' | 'http';
}

export class ConfigError extends Error {
  readonly code = 'bad_config';
  constructor(readonly problems: string[]) {
    super(`tooth-tail cannot start; fix the environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the environment. Throws ConfigError naming every missing or bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
  // Checked beside the schema, not in a refinement, so it is reported with the other problems.
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information → Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    botToken: e.SLACK_BOT_TOKEN,
    signingSecret: e.SLACK_SIGNING_SECRET,
    appToken: e.SLACK_APP_TOKEN,
    slackApiUrl: e.SLACK_API_URL,
    databasePath: e.DATABASE_PATH,
    port: e.PORT ?? 3000,
    adminUserIds: e.ADMIN_USER_IDS,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    anonymityThreshold: e.ANONYMITY_THRESHOLD ?? 5,
    logLevel: e.LOG_LEVEL ?? 'info',
    deliveryRatePerSecond: e.DELIVERY_RATE_PER_SECOND,
    workerLeaseMs: (e.WORKER_LEASE_SECONDS ?? 30) * 1000,
    retentionDays: e.RETENTION_DAYS ?? 365,
    mode: e.SLACK_APP_TOKEN === undefined ? 'http' : 'socket',
  };
}
