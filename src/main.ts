// The composition root: config → db → migrations → repositories → services → Slack app →
// scheduler. Everything is wired here and nowhere else; SIGTERM closes it all in reverse.
import type http from 'node:http';
import { pathToFileURL } from 'node:url';
import type { RetryOptions } from '@slack/web-api';
// Node's ESM loader cannot see this CommonJS export by name; the default export carries it.
import webApi from '@slack/web-api';
import { chartRenderer } from './charts/renderer.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { Scheduler } from './scheduler/scheduler.js';
import { ChannelService } from './services/channels.js';
import { DeliveryGuard } from './services/delivery-guard.js';
import { DepartureService } from './services/departures.js';
import { DigestService } from './services/digests.js';
import { Directory } from './services/directory.js';
import { InsightService } from './services/insight.js';
import { InstallService } from './services/installs.js';
import { OrgService } from './services/org.js';
import { type ChartRenderer, type Clock, systemClock } from './services/ports.js';
import { ReportService } from './services/reports.js';
import { RoundService } from './services/rounds.js';
import { DeliverySender } from './services/sender.js';
import { createSlackApp } from './slack/app.js';
import { CommandRunner } from './slack/commands/command-runner.js';
import { dropRepeatedEvents } from './slack/dedupe.js';
import { SlackGateway } from './slack/gateway.js';
import { HomeService } from './slack/home.js';
import * as actions from './slack/listeners/actions.js';
import * as commands from './slack/listeners/commands.js';
import type { ListenerDeps } from './slack/listeners/deps.js';
import * as events from './slack/listeners/events.js';
import { resumeReinstalledWorkspaces } from './slack/listeners/events.js';
import { ackWhatNoListenerTakes } from './slack/listeners/fallback.js';
import * as views from './slack/listeners/views.js';
import { createServer } from './slack/server.js';
import { blockKitMessages } from './slack/views/messages.js';
import { type Db, openDatabase } from './storage/database.js';
import { InstallRepository } from './storage/installs.js';
import { migrate } from './storage/migrate.js';
import { OutboxRepository } from './storage/outbox.js';
import { RoundRepository } from './storage/rounds.js';
import { SubscriptionRepository } from './storage/subscriptions.js';
import { SummaryRepository } from './storage/summaries.js';
import { TeamRepository } from './storage/teams.js';
import { UserRepository } from './storage/users.js';

export interface StartOptions {
  clock?: Clock;
  /** Tests shorten the Web API client's retries; production keeps the bounded default. */
  retryConfig?: RetryOptions;
  /** How long one Web API call may take before the client gives up on it (default 15 s). */
  requestTimeoutMs?: number;
  /** How many DMs are in flight at once. */
  concurrency?: number;
  /**
   * The sender's Web API calls per second at most (DeliveryPacer), a little under the workspace's
   * Slack limit, so a large fan-out never pays for 429 pauses; unset leaves sends unpaced.
   */
  deliveryRatePerSecond?: number;
  /** Off in tests that drive the scheduler's tick themselves. */
  scheduler?: boolean;
  /** Replaces the chart renderer (tests inject one that fails); null turns charts off. */
  charts?: ChartRenderer | null;
}

export interface RunningApp {
  config: Config;
  db: Db;
  server: http.Server;
  port: number;
  scheduler: Scheduler;
  sender: DeliverySender;
  rounds: RoundService;
  stop(): Promise<void>;
}

export async function startApp(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<RunningApp> {
  const config = loadConfig(env);
  const clock = options.clock ?? systemClock;
  const db = openDatabase(config.databasePath);
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const teams = new TeamRepository(db);
  const roundRepo = new RoundRepository(db);
  const summaries = new SummaryRepository(db);
  const subscriptions = new SubscriptionRepository(db);
  const users = new UserRepository(db);
  const outbox = new OutboxRepository(db);

  const { app, receiver } = createSlackApp(
    config,
    options.retryConfig ? { retryConfig: options.retryConfig } : {},
  );
  const logger = app.logger;
  const slack = new SlackGateway(app.client);
  const directory = new Directory({ users, slack, clock, adminUserIds: config.adminUserIds });
  const org = new OrgService({ teams, subscriptions, clock, defaultTimezone: config.defaultTimezone });
  const installs = new InstallService({
    installs: new InstallRepository(db),
    outbox,
    slack,
    clock,
    logger,
  });
  const departures = new DepartureService({ db, teams, rounds: roundRepo, outbox, users, clock, logger });
  const channels = new ChannelService({
    slack,
    org,
    subscriptions,
    teams,
    messages: blockKitMessages,
    clock,
    logger,
  });
  const deliveryRate = options.deliveryRatePerSecond ?? config.deliveryRatePerSecond;
  const sender = new DeliverySender({
    outbox,
    rounds: roundRepo,
    slack,
    clock,
    logger,
    concurrency: options.concurrency ?? 8,
    ...(deliveryRate === undefined ? {} : { ratePerSecond: deliveryRate }),
    ...(options.charts === null ? {} : { charts: options.charts ?? chartRenderer }),
    guard: new DeliveryGuard({ installs, departures, channels, directory }),
  });
  // The client pauses its whole queue for a 429's Retry-After; the sender's pace waits it out too.
  app.client.on(webApi.WebClientEvent.RATE_LIMITED, (retryAfterSeconds: number) =>
    sender.rateLimited(retryAfterSeconds),
  );
  const onQueued = () => void sender.kick();
  const reports = new ReportService({
    summaries,
    rounds: roundRepo,
    clock,
    anonymityThreshold: config.anonymityThreshold,
  });
  const insight = new InsightService({
    teams,
    summaries,
    reports,
    clock,
    anonymityThreshold: config.anonymityThreshold,
  });
  const rounds = new RoundService({
    db,
    teams,
    rounds: roundRepo,
    summaries,
    subscriptions,
    outbox,
    directory,
    insight,
    reports,
    messages: blockKitMessages,
    clock,
    anonymityThreshold: config.anonymityThreshold,
    onQueued,
  });
  const digests = new DigestService({
    db,
    teams,
    summaries,
    subscriptions,
    outbox,
    reports,
    insight,
    messages: blockKitMessages,
    clock,
    onQueued,
  });
  const listenerDeps: ListenerDeps = {
    commands: new CommandRunner({ org, rounds, reports, insight, directory, slack, channels, logger, clock }),
    rounds,
    roundRepo,
    org,
    reports,
    directory,
    slack,
    home: new HomeService({ org, reports, insight, rounds: roundRepo, directory }),
    channels,
    departures,
    installs,
    logger,
  };
  app.use(ackWhatNoListenerTakes);
  app.use(dropRepeatedEvents());
  app.use(resumeReinstalledWorkspaces(listenerDeps));
  commands.register(app, listenerDeps);
  actions.register(app, listenerDeps);
  views.register(app, listenerDeps);
  events.register(app, listenerDeps);
  app.error(async (error) => {
    logger.error(`unhandled error (${(error as { code?: string }).code ?? 'no code'}): ${error.message}`);
  });

  const scheduler = new Scheduler({
    teams,
    rounds: roundRepo,
    subscriptions,
    roundService: rounds,
    digests,
    clock,
    defaultTimezone: config.defaultTimezone,
    logger,
    afterTick: onQueued,
    isActive: (workspaceId) => installs.isActive(workspaceId),
  });

  const server = createServer({
    receiver,
    health: () => ({ mode: config.mode, outbox: outbox.statusCounts() }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (config.mode === 'socket') await app.start();

  // Rows a crash left mid-send go out again: at most `concurrency` duplicates, nobody lost.
  const recovered = outbox.recoverInFlight(clock().toISOString());
  if (recovered > 0) logger.warn(`re-sending ${recovered} deliveries interrupted by the last shutdown`);
  // A workspace marked uninstalled whose token works again was reinstalled while the app was down.
  await installs.checkAllReinstalls();
  void sender.kick();
  // Deliveries scheduled for later (each member's local time) are picked up by this poll.
  const poll = setInterval(() => void sender.kick(), 5_000);
  if (options.scheduler !== false) scheduler.start();
  logger.info(`tooth-tail listening on ${port} (${config.mode} mode), database ${config.databasePath}`);

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(poll);
      await scheduler.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await sender.stop();
      if (config.mode === 'socket') await app.stop();
      db.close();
    })();
    return stopping;
  };
  return { config, db, server, port, scheduler, sender, rounds, stop };
}

async function main(): Promise<void> {
  let running: RunningApp;
  try {
    running = await startApp(process.env);
  } catch (error) {
    console.error(
      error instanceof ConfigError ? error.message : `tooth-tail cannot start: ${(error as Error).message}`,
    );
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    console.log(`${signal}: finishing in-flight sends, then stopping`);
    running.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
