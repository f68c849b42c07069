// The composition root, read top to bottom in startApp: config → database (migrated) →
// repositories → Bolt app → worker lease → services → listeners → scheduler → HTTP server →
// lease taken (background work resumed). The Bolt app comes before the services because they
// call Slack through its Web API client. Everything is wired here and nowhere else; SIGTERM
// closes it all in reverse.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { App, Logger } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
// Node's ESM loader cannot see this CommonJS export by name; the default export carries it.
import webApi from '@slack/web-api';
import { chartRenderer } from './charts/renderer.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { Scheduler } from './scheduler/scheduler.js';
import { AccessService } from './services/access.js';
import { BlockerThemeService } from './services/blocker-themes.js';
import { ChannelService } from './services/channels.js';
import { CheckIns } from './services/check-ins.js';
import { DeliveryGuard } from './services/delivery-guard.js';
import { DepartureService } from './services/departures.js';
import { DigestService } from './services/digests.js';
import { Directory } from './services/directory.js';
import { InsightService } from './services/insight.js';
import { InstallService } from './services/installs.js';
import { OrgService } from './services/org.js';
import { OrgDigestService } from './services/org-digests.js';
import { type ChartRenderer, type Clock, systemClock } from './services/ports.js';
import { ReportService } from './services/reports.js';
import { RetentionService } from './services/retention.js';
import { RosterSyncService } from './services/roster-sync.js';
import { RoundService } from './services/rounds.js';
import { DeliverySender } from './services/sender.js';
import { WorkerLease } from './services/worker-lease.js';
import { createSlackApp, webClientOptions } from './slack/app.js';
import { CheckInSubmissions } from './slack/check-in-submissions.js';
import { CheckInThread } from './slack/check-in-thread.js';
import { CommandRunner } from './slack/commands/command-runner.js';
import { SlackGateway } from './slack/gateway.js';
import { HomeService } from './slack/home.js';
import { SlackCalls } from './slack/keep-alive-fetch.js';
import { logListenerError } from './slack/listener-errors.js';
import type { ListenerDeps } from './slack/listeners/deps.js';
import * as router from './slack/listeners/router.js';
import type { SlackRequestReceiver } from './slack/receiver.js';
import { RequestGate } from './slack/request-gate.js';
import { createServer } from './slack/server.js';
import { blockKitMessages } from './slack/views/messages.js';
import { Checkpointer } from './storage/checkpointer.js';
import { type Db, dataVersion, openDatabase } from './storage/database.js';
import { InstallRepository } from './storage/installs.js';
import { type Lease, LeaseRepository } from './storage/leases.js';
import { migrate } from './storage/migrate.js';
import { OrgSettingsRepository } from './storage/org-settings.js';
import { OutboxRepository } from './storage/outbox.js';
import { RosterSyncRepository } from './storage/roster-syncs.js';
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
   * The sender's Web API calls per second at most (DELIVERY_RATE_PER_SECOND); below it the
   * DeliveryPacer learns the workspace's limit from Slack's 429s.
   */
  deliveryRatePerSecond?: number;
  /** The wait before a transiently failed delivery's first retry (default 30 s); tests shorten it. */
  deliveryRetryBaseMs?: number;
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
  lease: WorkerLease;
  rounds: RoundService;
  stop(): Promise<void>;
}

export async function startApp(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<RunningApp> {
  const config = loadConfig(env);
  const clock = options.clock ?? systemClock;
  const db = openMigratedDatabase(config.databasePath);
  const repositories = createRepositories(db);
  // One transport for all the app's Web API clients, so the sender sees every call it shares the
  // workspace's limit with.
  const calls = new SlackCalls();
  const { app, receiver } = createSlackApp(config, { ...clientSettings(options), fetch: calls.fetch });
  const checkpointer = Checkpointer.start(db, config.databasePath, app.logger);
  const gate = new RequestGate();
  // Only the holder of the worker lease runs the scheduler and the sender. It calls back only from
  // lease.start() (below), once both exist.
  const lease = createWorkerLease(config, db, app.logger, (previous) =>
    takeOverBackgroundWork(previous, { lease, outbox: repositories.outbox, services, scheduler, clock }),
  );
  const isWorker = () => lease.held();
  const services = createServices({ config, clock, db, repositories, app, gate, options, isWorker, calls });
  registerListeners(app, services.listeners);
  const scheduler = createScheduler({ config, clock, repositories, services, isWorker });
  const { server, port } = await listen(config, receiver, repositories.outbox, gate, lease);
  if (config.mode === 'socket') await app.start();
  // A workspace marked uninstalled whose token works again was reinstalled while the app was down.
  await services.installs.checkAllReinstalls();
  lease.start();
  // Not awaited: the thread loads beside the first requests, which it is ready for long before a
  // person clicks; a click that comes first waits for it, as before.
  void services.modals.prepare();
  const poll = pollDeliveries(services.sender);
  if (options.scheduler !== false) scheduler.start();
  app.logger.info(`tooth-tail listening on ${port} (${config.mode} mode), database ${config.databasePath}`);

  // In reverse: no new work (poll, tick, requests), then the sends in flight, then the lease
  // (released only once those sends are recorded, so the next holder finds none), then the database.
  const stop = once(async () => {
    clearInterval(poll);
    await scheduler.stop();
    await closeServer(server);
    await services.submissions.settled();
    await services.modals.stop();
    await services.sender.stop();
    lease.stop();
    if (config.mode === 'socket') await app.stop();
    await checkpointer.stop();
    db.close();
  });
  return {
    config,
    db,
    server,
    port,
    scheduler,
    sender: services.sender,
    lease,
    rounds: services.rounds,
    stop,
  };
}

/** The Web API clients' retries and timeout, when the caller (a test) set them. */
function clientSettings(options: StartOptions): { retryConfig?: RetryOptions; requestTimeoutMs?: number } {
  return {
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
  };
}

/** The database file, opened and migrated; closed again when a migration refuses it. */
function openMigratedDatabase(file: string): Db {
  const db = openDatabase(file);
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

type Repositories = ReturnType<typeof createRepositories>;

function createRepositories(db: Db) {
  return {
    teams: new TeamRepository(db),
    rounds: new RoundRepository(db),
    summaries: new SummaryRepository(db),
    subscriptions: new SubscriptionRepository(db),
    users: new UserRepository(db),
    outbox: new OutboxRepository(db),
  };
}

type Services = ReturnType<typeof createServices>;

/** The sender and the use cases, over the repositories and the Bolt app's Web API client. */
function createServices(input: {
  config: Config;
  clock: Clock;
  db: Db;
  repositories: Repositories;
  app: App;
  gate: RequestGate;
  options: StartOptions;
  isWorker: () => boolean;
  calls: SlackCalls;
}) {
  const { config, clock, db, app, gate, options, isWorker, calls } = input;
  const { teams, rounds: roundRepo, summaries, subscriptions, users, outbox } = input.repositories;
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
  // A client that gets each HTTP 429 back at once: Bolt's client would pause every call of the
  // app, answers to people included, for each one.
  const rejectingRateLimits = () =>
    new webApi.WebClient(config.botToken, {
      ...webClientOptions(config, { ...clientSettings(options), fetch: calls.fetch }),
      logger,
      rejectRateLimitedCalls: true,
    });
  // The sender's, to pace itself (DeliverySender).
  const senderClient = rejectingRateLimits();
  const sender = new DeliverySender({
    outbox,
    rounds: roundRepo,
    slack: new SlackGateway(senderClient),
    clock,
    logger,
    concurrency: options.concurrency ?? 8,
    appCalls: () => calls.lastSecond(),
    yieldTo: () => gate.quiet(),
    ...(deliveryRate === undefined ? {} : { ratePerSecond: deliveryRate }),
    ...(options.deliveryRetryBaseMs === undefined ? {} : { retryBaseMs: options.deliveryRetryBaseMs }),
    ...(options.charts === null ? {} : { charts: options.charts ?? chartRenderer }),
    guard: new DeliveryGuard({ installs, departures, channels, directory }),
    mayClaim: isWorker,
  });
  const onQueued = () => void sender.kick();
  const reports = new ReportService({
    summaries,
    rounds: roundRepo,
    clock,
    anonymityThreshold: config.anonymityThreshold,
    teams,
  });
  const insight = new InsightService({
    teams,
    summaries,
    reports,
    clock,
    anonymityThreshold: config.anonymityThreshold,
  });
  const orgDigests = new OrgDigestService({
    db,
    subscriptions,
    summaries,
    rounds: roundRepo,
    teams,
    outbox,
    insight,
    messages: blockKitMessages,
    clock,
    defaultTimezone: config.defaultTimezone,
    onQueued,
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
    orgDigests,
    departures,
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
  const rosterSync = new RosterSyncService({
    db,
    teams,
    syncs: new RosterSyncRepository(db),
    users,
    slack,
    clock,
  });
  const blockerThemes = new BlockerThemeService({
    db,
    settings: new OrgSettingsRepository(db),
    rounds: roundRepo,
    subscriptions,
    outbox,
    clock,
    defaultTimezone: config.defaultTimezone,
    anonymityThreshold: config.anonymityThreshold,
    onQueued,
  });
  const retention = new RetentionService({ rounds: roundRepo, clock, retentionDays: config.retentionDays });
  const access = AccessService.on({ db, teams, directory, clock });
  const { fetch: _transport, ...threadClient } = webClientOptions(config, clientSettings(options));
  const version = dataVersion(db);
  const modalClient = rejectingRateLimits();
  const checkIns = new CheckIns({ db, teams, rounds: roundRepo, outbox, messages: blockKitMessages, clock });
  const submissions = new CheckInSubmissions({ db, checkIns, onQueued });
  const modals = new CheckInThread({
    file: config.databasePath,
    client: { token: config.botToken, options: threadClient },
    checkIns,
    // When the thread cannot run: a client that hands HTTP 429 back, as the thread's does
    // (openCheckInModal).
    openView: (args) => modalClient.views.open(args as never),
    logger,
    onSlackCalls: (count) => calls.count(count),
  });
  const listeners: ListenerDeps = {
    commands: new CommandRunner({
      org,
      access,
      rounds,
      reports,
      insight,
      directory,
      slack,
      channels,
      rosterSync,
      blockerThemes,
      logger,
      clock,
      dataVersion: version.current,
    }),
    rounds,
    submissions,
    modals,
    roundRepo,
    org,
    access,
    reports,
    directory,
    slack,
    home: new HomeService({
      org,
      reports,
      insight,
      rounds: roundRepo,
      directory,
      users,
      retentionDays: config.retentionDays,
    }),
    rosterSync,
    channels,
    departures,
    installs,
    logger,
  };
  return {
    sender,
    rounds,
    submissions,
    modals,
    digests,
    orgDigests,
    blockerThemes,
    retention,
    onQueued,
    listeners,
    installs,
  };
}

function registerListeners(app: App, deps: ListenerDeps): void {
  router.register(app, deps);
  app.error(logListenerError(deps.logger));
}

function createScheduler(input: {
  config: Config;
  clock: Clock;
  repositories: Repositories;
  services: Services;
  isWorker: () => boolean;
}): Scheduler {
  const { config, clock, repositories, services, isWorker } = input;
  return new Scheduler({
    teams: repositories.teams,
    rounds: repositories.rounds,
    subscriptions: repositories.subscriptions,
    roundService: services.rounds,
    digests: services.digests,
    orgDigests: services.orgDigests,
    blockerThemes: services.blockerThemes,
    retention: services.retention,
    clock,
    defaultTimezone: config.defaultTimezone,
    logger: services.listeners.logger,
    afterTick: services.onQueued,
    isActive: (workspaceId) => services.installs.isActive(workspaceId),
    isWorker,
  });
}

/** The HTTP server (/slack/events in HTTP mode, /healthz in both), listening on config.port. */
async function listen(
  config: Config,
  receiver: SlackRequestReceiver | null,
  outbox: OutboxRepository,
  gate: RequestGate,
  lease: WorkerLease,
): Promise<{ server: http.Server; port: number }> {
  const server = createServer({
    receiver,
    health: () => ({ mode: config.mode, lease: lease.status(), outbox: outbox.statusCounts() }),
    gate,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : config.port };
}

/** The worker lease of this process, named so that an operator can tell processes apart. */
function createWorkerLease(
  config: Config,
  db: Db,
  logger: Logger,
  onAcquired: (previous: Lease | undefined) => void,
): WorkerLease {
  return new WorkerLease({
    leases: new LeaseRepository(db),
    self: `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`,
    periodMs: config.workerLeaseMs,
    logger,
    onAcquired,
  });
}

/**
 * On taking the worker lease: rows the previous holder left mid-send (it died, or its lease ran
 * out) may or may not have reached Slack, so they go out again, risking one duplicate per send it
 * had in flight (at most its concurrency) and losing nobody; our own, after a lapse, are still
 * ours to finish. Then the sender drains and the scheduler catches up on what is due.
 */
function takeOverBackgroundWork(
  previous: Lease | undefined,
  deps: {
    lease: WorkerLease;
    outbox: OutboxRepository;
    services: Services;
    scheduler: Scheduler;
    clock: Clock;
  },
): void {
  const { lease, outbox, services, scheduler, clock } = deps;
  if (previous?.holder !== lease.self) {
    const recovered = outbox.recoverInFlight(clock().toISOString());
    if (recovered > 0)
      services.listeners.logger.warn(`re-sending ${recovered} deliveries the previous worker left in flight`);
  }
  void services.sender.kick();
  scheduler.poke();
}

/**
 * Deliveries scheduled for later (each member's local time), and those queued by commands that
 * another process answered, are picked up by this poll (a no-op unless this process is the worker).
 */
function pollDeliveries(sender: DeliverySender): NodeJS.Timeout {
  return setInterval(() => void sender.kick(), 5_000);
}

/** Closes the server once its open requests are answered; idle keep-alive sockets go at once. */
function closeServer(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return closed;
}

/** `stop` may be called twice (a signal during a test's cleanup); the second waits for the first. */
function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => {
    running ??= run();
    return running;
  };
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
