import { AccessService } from '../../src/services/access.js';
import { BlockerThemeService } from '../../src/services/blocker-themes.js';
import { ChannelService } from '../../src/services/channels.js';
import { Directory } from '../../src/services/directory.js';
import { InsightService } from '../../src/services/insight.js';
import { OrgService } from '../../src/services/org.js';
import type { Clock, SlackPort } from '../../src/services/ports.js';
import { ReportService } from '../../src/services/reports.js';
import { RosterSyncService } from '../../src/services/roster-sync.js';
import { RoundService } from '../../src/services/rounds.js';
import { CommandRunner } from '../../src/slack/commands/command-runner.js';
import { blockKitMessages } from '../../src/slack/views/messages.js';
import type { Db } from '../../src/storage/database.js';
import { OrgSettingsRepository } from '../../src/storage/org-settings.js';
import { OutboxRepository } from '../../src/storage/outbox.js';
import { RosterSyncRepository } from '../../src/storage/roster-syncs.js';
import { RoundRepository } from '../../src/storage/rounds.js';
import { SubscriptionRepository } from '../../src/storage/subscriptions.js';
import { SummaryRepository } from '../../src/storage/summaries.js';
import { TeamRepository } from '../../src/storage/teams.js';
import { UserRepository } from '../../src/storage/users.js';

/**
 * The services and the command runner wired on `db` as main.ts wires them, with the Slack port
 * given (no Bolt app, no server): for tests and benchmarks that run commands in-process.
 */
export function offlineServices(
  db: Db,
  input: {
    clock: Clock;
    slack: SlackPort;
    anonymityThreshold: number;
    adminUserIds?: string[];
    /** Given: the runner keeps cacheable replies while the database is unchanged. */
    dataVersion?: () => string;
    logger?: { error(message: string): void };
  },
) {
  const { clock, slack, anonymityThreshold } = input;
  const teams = new TeamRepository(db);
  const rounds = new RoundRepository(db);
  const summaries = new SummaryRepository(db);
  const subscriptions = new SubscriptionRepository(db);
  const outbox = new OutboxRepository(db);
  const users = new UserRepository(db);
  const directory = new Directory({ users, slack, clock, adminUserIds: input.adminUserIds ?? [] });
  const org = new OrgService({ teams, subscriptions, clock, defaultTimezone: 'UTC' });
  const reports = new ReportService({ summaries, rounds, clock, anonymityThreshold, teams });
  const insight = new InsightService({ teams, summaries, reports, clock, anonymityThreshold });
  const roundService = new RoundService({
    db,
    teams,
    rounds,
    summaries,
    subscriptions,
    outbox,
    directory,
    insight,
    reports,
    messages: blockKitMessages,
    clock,
    anonymityThreshold,
  });
  const commands = new CommandRunner({
    org,
    access: AccessService.on({ db, teams, directory, clock }),
    rounds: roundService,
    reports,
    insight,
    directory,
    slack,
    channels: new ChannelService({
      slack,
      org,
      subscriptions,
      teams,
      messages: blockKitMessages,
      clock,
      logger: { info: () => {}, warn: () => {} },
    }),
    rosterSync: new RosterSyncService({
      db,
      teams,
      syncs: new RosterSyncRepository(db),
      users,
      slack,
      clock,
    }),
    blockerThemes: new BlockerThemeService({
      db,
      settings: new OrgSettingsRepository(db),
      rounds,
      subscriptions,
      outbox,
      clock,
      defaultTimezone: 'UTC',
      anonymityThreshold,
    }),
    logger: input.logger ?? { error: () => {} },
    clock,
    ...(input.dataVersion ? { dataVersion: input.dataVersion } : {}),
  });
  return { teams, rounds, summaries, subscriptions, roundService, reports, insight, commands };
}
