// What a command module declares: its grammar key, who may run it, and its handler. The runner
// reads `access` before a word of the arguments is parsed, so a person who may not run a command
// hears who can, never a lesson in its syntax.
import type { Command, CommandKind } from '../../domain/command.js';
import type { ChannelService } from '../../services/channels.js';
import type { Directory } from '../../services/directory.js';
import type { InsightService } from '../../services/insight.js';
import type { OrgService } from '../../services/org.js';
import type { Clock, SlackPort } from '../../services/ports.js';
import type { ReportService } from '../../services/reports.js';
import type { RoundService } from '../../services/rounds.js';
import type { Reply } from '../views/replies.js';

/** Who ran the command, and where. */
export interface CommandContext {
  workspaceId: string;
  userId: string;
  channelId: string;
  channelName: string;
}

export interface CommandLogger {
  error(message: string, error?: unknown): void;
}

export interface CommandDeps {
  org: OrgService;
  rounds: RoundService;
  reports: ReportService;
  insight: InsightService;
  directory: Directory;
  slack: SlackPort;
  /** Channel membership for subscriptions and home channels. */
  channels: ChannelService;
  logger: CommandLogger;
  /** The app's clock, for "next opens at" replies; the system clock when not given. */
  clock?: Clock;
}

/** Who may run a command. `what` finishes the refusal "Sorry, only tooth-tail admins can …". */
export type Access = { who: 'anyone' } | { who: 'admins'; what: string };

export const ANYONE: Access = { who: 'anyone' };

export interface CommandModule<K extends CommandKind = CommandKind> {
  /** The grammar key in src/domain/parse-command.ts: the first word, or two for `team add`. */
  key: string;
  access: Access;
  /**
   * Answered from the database alone, with no Slack call: the reply can travel in the
   * acknowledgement itself, a round trip fewer than the response_url.
   */
  local: boolean;
  run(ctx: CommandContext, command: Extract<Command, { kind: K }>, deps: CommandDeps): Promise<Reply>;
}

/** Ties a module's handler to its command kind, so the registry can hold every module in one list. */
export const defineCommand = <K extends CommandKind>(module: CommandModule<K>): CommandModule =>
  module as unknown as CommandModule;

/** The channel the command was typed in, for resolving `#name` mentions. */
export const here = (ctx: CommandContext): { id: string; name: string } => ({
  id: ctx.channelId,
  name: ctx.channelName,
});

export const roleText = (role: { role: string; specialty: string | null }): string =>
  role.specialty ? `${role.role}:${role.specialty}` : role.role;
