import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const valid = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe('loadConfig', () => {
  it('fills the documented defaults', () => {
    expect(loadConfig(valid)).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 'secret',
      appToken: undefined,
      slackApiUrl: undefined,
      databasePath: './data/tooth-tail.db',
      port: 3000,
      adminUserIds: [],
      defaultTimezone: 'UTC',
      anonymityThreshold: 5,
      logLevel: 'info',
      deliveryRatePerSecond: undefined,
      workerLeaseMs: 30_000,
      retentionDays: 365,
      mode: 'http',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-2',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      DATABASE_PATH: '/tmp/x.db',
      PORT: '8080',
      ADMIN_USER_IDS: 'U123ABC, W456DEF',
      DEFAULT_TIMEZONE: 'Europe/London',
      ANONYMITY_THRESHOLD: '3',
      LOG_LEVEL: 'debug',
      DELIVERY_RATE_PER_SECOND: '9.5',
      WORKER_LEASE_SECONDS: '2.5',
      RETENTION_DAYS: '90',
    });
    expect(config).toMatchObject({
      mode: 'socket',
      appToken: 'xapp-1',
      slackApiUrl: 'http://127.0.0.1:9/api/',
      port: 8080,
      adminUserIds: ['U123ABC', 'W456DEF'],
      defaultTimezone: 'Europe/London',
      anonymityThreshold: 3,
      logLevel: 'debug',
      deliveryRatePerSecond: 9.5,
      workerLeaseMs: 2500,
      retentionDays: 90,
    });
  });

  it.each([
    [{ SLACK_SIGNING_SECRET: 's' }, /SLACK_BOT_TOKEN is required/],
    [{ ...valid, SLACK_BOT_TOKEN: 'xoxp-user' }, /SLACK_BOT_TOKEN must be a bot token starting with xoxb-/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /SLACK_SIGNING_SECRET is required in HTTP mode/],
    [
      { ...valid, SLACK_APP_TOKEN: 'xoxb-wrong' },
      /SLACK_APP_TOKEN must be an app-level token starting with xapp-/,
    ],
    [{ ...valid, SLACK_API_URL: 'not a url' }, /SLACK_API_URL must be an http\(s\) URL/],
    [{ ...valid, SLACK_API_URL: 'ftp://x/api' }, /SLACK_API_URL must be an http\(s\) URL/],
    [{ ...valid, PORT: 'eighty' }, /PORT must be a port number/],
    [{ ...valid, PORT: '70000' }, /PORT must be between 0 and 65535/],
    [{ ...valid, ADMIN_USER_IDS: 'U123ABC,alice' }, /ADMIN_USER_IDS “alice” is not a Slack user id/],
    [{ ...valid, DEFAULT_TIMEZONE: 'Mars/Olympus' }, /DEFAULT_TIMEZONE must be an IANA time zone/],
    [{ ...valid, ANONYMITY_THRESHOLD: '2' }, /ANONYMITY_THRESHOLD must be at least 3/],
    [{ ...valid, ANONYMITY_THRESHOLD: '4.5' }, /ANONYMITY_THRESHOLD must be a whole number/],
    [{ ...valid, LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of debug, info, warn, error/],
    [{ ...valid, DELIVERY_RATE_PER_SECOND: 'fast' }, /DELIVERY_RATE_PER_SECOND must be a number/],
    [{ ...valid, DELIVERY_RATE_PER_SECOND: '0' }, /DELIVERY_RATE_PER_SECOND must be more than 0/],
    [{ ...valid, WORKER_LEASE_SECONDS: 'half a minute' }, /WORKER_LEASE_SECONDS must be a number of seconds/],
    [{ ...valid, WORKER_LEASE_SECONDS: '0.5' }, /WORKER_LEASE_SECONDS must be at least 1 second/],
    [{ ...valid, RETENTION_DAYS: 'a year' }, /RETENTION_DAYS must be a whole number of days/],
    [{ ...valid, RETENTION_DAYS: '30.5' }, /RETENTION_DAYS must be a whole number of days/],
    [{ ...valid, RETENTION_DAYS: '0' }, /RETENTION_DAYS must be at least 1 day/],
  ])('names the problem: %o', (env, message) => {
    const problems = problemsOf(env as Record<string, string>);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ ANONYMITY_THRESHOLD: '1', PORT: 'x', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(
      expect.arrayContaining([
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
        'ANONYMITY_THRESHOLD',
        'PORT',
        'LOG_LEVEL',
      ]),
    );
  });
});

describe('start-up with a bad environment', () => {
  it('exits non-zero with one readable message naming each problem', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, ANONYMITY_THRESHOLD: '2' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('tooth-tail cannot start; fix the environment:');
    expect(result.stderr).toContain('SLACK_BOT_TOKEN is required');
    expect(result.stderr).toContain('ANONYMITY_THRESHOLD must be at least 3');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});
