// What a command module declares: its grammar key, who may run it, and its handler. The runner
// reads `access` before a word of the arguments is parsed, so a person who may not run a command
// hears who can, never a lesson in its syntax.
import type { Command, CommandKind } from '../../domain/command.js';
import type { AccessService } from '../../services/access.js';
import type { BlockerThemeService } from '../../services/blocker-themes.js';
import type { ChannelService } from '../../services/channels.js';
import type { Directory } from '../../services/directory.js';
import type { InsightService } from '../../services/insight.js';
import type { OrgService } from '../../services/org.js';
import type { Clock, SlackPort } from '../../services/ports.js';
import type { ReportService } from '../../services/reports.js';
import type { RosterSyncService } from '../../services/roster-sync.js';
import type { RoundService } from '../../services/rounds.js';
import type { Team } from '../../storage/teams.js';
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
  access: AccessService;
  rounds: RoundService;
  reports: ReportService;
  insight: InsightService;
  directory: Directory;
  slack: SlackPort;
  /** Channel membership for subscriptions and home channels. */
  channels: ChannelService;
  rosterSync: RosterSyncService;
  blockerThemes: BlockerThemeService;
  logger: CommandLogger;
  /** The app's clock, for "next opens at" replies; the system clock when not given. */
  clock?: Clock;
  /** Changes whenever the database does (storage/database.ts); without it nothing is cached. */
  dataVersion?: () => string;
}

/**
 * Who may run a command, read before its arguments. `what` finishes a refusal ("Sorry, only
 * tooth-tail admins can …"), so it says who can do it.
 * - `anyone`.
 * - `admins`: ADMIN_USER_IDS, workspace admins and owners.
 * - `leads`: admins, and the leads of the team the command acts on. Someone who leads no team is
 *   refused before the arguments are read; a lead's command is read to learn its team, and
 *   refused if it is not theirs. `team` names that team, or null when the command acts on the
 *   whole org, which only admins may (`orgWhat` then finishes the refusal).
 * - `readers`: anyone, unless an admin has restricted the command to leads and admins.
 */
export type Access<C = Command> =
  | { who: 'anyone' }
  | { who: 'admins'; what: string }
  | {
      who: 'leads';
      what: string;
      team: (command: C) => string | null;
      orgWhat?: string;
      /**
       * The team meant, when the name alone does not settle it (`subscribe`'s last word may be a
       * cadence typed wrong); OrgService.team of the name otherwise.
       */
      find?: (org: OrgService, workspaceId: string, command: C) => Team;
    }
  | { who: 'readers'; what: string };

export const ANYONE = { who: 'anyone' } as const;

export interface CommandModule<K extends CommandKind = CommandKind> {
  /** The grammar key in src/domain/parse-command.ts: the first word, or two for `team add`. */
  key: string;
  access: Access<Extract<Command, { kind: K }>>;
  /**
   * Answered from the database alone, with no Slack call: the reply can travel in the
   * acknowledgement itself, a round trip fewer than the response_url.
   */
  local: boolean;
  /**
   * The reply is a function of the database alone (and of who asks, for 'person'): it is kept
   * until the database changes (CommandDeps.dataVersion) or a minute passes, so the same
   * `summary` or `ratio` asked again is not worked out again.
   */
  cache?: 'workspace' | 'person';
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
