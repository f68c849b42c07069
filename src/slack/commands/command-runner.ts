import { ADMIN_COMMANDS, type Command, type ParseResult, type Scope } from '../../domain/command.js';
import { helpText, parseCommand } from '../../domain/parse-command.js';
import { isValidTimeZone, nextOccurrence, parseCron } from '../../domain/schedule.js';
import type { ChannelService } from '../../services/channels.js';
import type { Directory } from '../../services/directory.js';
import { AppError, InvalidInputError, NotAdminError } from '../../services/errors.js';
import type { InsightService } from '../../services/insight.js';
import type { OrgService } from '../../services/org.js';
import { type Clock, type SlackPort, systemClock } from '../../services/ports.js';
import type { ReportService } from '../../services/reports.js';
import type { RoundService } from '../../services/rounds.js';
import { channelAccessNote } from '../views/channel-notices.js';
import { teamDigest } from '../views/digest.js';
import { forgetMeConfirmation } from '../views/forget-me.js';
import { escapeText, slackDate } from '../views/format.js';
import { orgTable } from '../views/org-table.js';
import {
  mention,
  noRoundYetReply,
  type Reply,
  subscriptionsReply,
  teamsReply,
  textReply,
} from '../views/replies.js';

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

const ADMIN_WHAT: Partial<Record<Command['kind'], string>> = {
  'team-add': 'add teams',
  'team-remove': 'remove teams',
  'roster-add': 'change rosters',
  'roster-remove': 'change rosters',
  schedule: 'change schedules',
  'survey-now': 'open check-ins',
  'survey-close': 'close check-ins',
};

/**
 * Commands answered from the database alone, with no Slack call: their reply can travel in the
 * acknowledgement itself, which saves a round trip to the response_url. The others (admin checks
 * via users.info, mentions, channel names, uploads) answer after the ack.
 */
const LOCAL_COMMANDS: ReadonlySet<Command['kind']> = new Set([
  'help',
  'summary',
  'ratio',
  'teams',
  'subscriptions',
  'join',
  'leave',
  'forget-me',
]);

/** Runs `/tooth-tail <text>` for a person and words the reply. Never throws. */
export class CommandRunner {
  constructor(private readonly deps: CommandDeps) {}

  /**
   * Reads the text once: `local` says whether the command is answered without calling Slack (so
   * its reply may travel in the ack), and `run` carries it out for a person.
   */
  prepare(text: string): { local: boolean; run: (ctx: CommandContext) => Promise<Reply> } {
    const command = parseCommand(text);
    return {
      local: command.kind === 'usage-error' || LOCAL_COMMANDS.has(command.kind),
      run: (ctx) => this.execute(ctx, command),
    };
  }

  run(ctx: CommandContext, text: string): Promise<Reply> {
    return this.prepare(text).run(ctx);
  }

  private async execute(ctx: CommandContext, command: ParseResult): Promise<Reply> {
    if (command.kind === 'usage-error') return textReply(`${command.message}\nUsage: ${command.usage}`);
    try {
      if (
        ADMIN_COMMANDS.has(command.kind) &&
        !(await this.deps.directory.isAdmin(ctx.workspaceId, ctx.userId))
      ) {
        throw new NotAdminError(ADMIN_WHAT[command.kind] ?? 'do that');
      }
      return await this.dispatch(ctx, command);
    } catch (error) {
      if (error instanceof AppError) return textReply(error.message);
      this.deps.logger.error(`/tooth-tail ${command.kind} failed`, error);
      return textReply(
        'Sorry, something went wrong on our side and nothing was changed. Please try again in a minute.',
      );
    }
  }

  private async dispatch(ctx: CommandContext, command: Command): Promise<Reply> {
    const { org, rounds, reports, directory } = this.deps;
    const ws = ctx.workspaceId;
    switch (command.kind) {
      case 'help':
        return textReply(helpText());
      case 'summary':
        return this.summary(ctx, command.team, command.post);
      case 'ratio':
        return orgTable(this.deps.insight.orgReport(ws));
      case 'teams':
        return teamsReply(org.headcounts(ws));
      case 'team-add': {
        if (command.timezone !== null && !isValidTimeZone(command.timezone)) {
          throw new InvalidInputError(
            `“${escapeText(command.timezone)}” is not a time zone I know. Use an IANA name such as Europe/London or America/New_York.`,
          );
        }
        const channelId = command.channel
          ? await directory.resolveChannel(command.channel, this.here(ctx))
          : null;
        const access = channelId ? await this.deps.channels.access(channelId) : null;
        const team = org.addTeam({
          workspaceId: ws,
          name: command.team,
          channelId,
          timezone: command.timezone,
          createdBy: ctx.userId,
        });
        return textReply(
          `Added team *${escapeText(team.name)}* (${team.timezone}${channelId ? `, home <#${channelId}>` : ''}).${channelId && access ? channelAccessNote(channelId, access) : ''} Next: \`/tooth-tail roster add ${escapeText(team.name)} @person as data-scientist\`.`,
        );
      }
      case 'team-remove': {
        const team = org.removeTeam(ws, command.team);
        return textReply(`Removed team *${escapeText(team.name)}*. Its past round summaries are kept.`);
      }
      case 'roster-add': {
        const team = org.team(ws, command.team);
        const ids = await directory.resolveUsers(ws, command.users);
        const change = org.addMembers(team, ids, command.role);
        const role = command.role.specialty
          ? `${command.role.role}:${command.role.specialty}`
          : command.role.role;
        const parts = [
          change.added.length > 0 ? `added ${change.added.map(mention).join(' ')}` : '',
          change.changed.length > 0 ? `changed ${change.changed.map(mention).join(' ')} to this role` : '',
          change.unchanged.length > 0 ? `${change.unchanged.map(mention).join(' ')} already had it` : '',
        ].filter((p) => p !== '');
        return textReply(`*${escapeText(team.name)}* as ${role}: ${parts.join('; ')}.`);
      }
      case 'roster-remove': {
        const team = org.team(ws, command.team);
        const ids = await directory.resolveUsers(ws, command.users);
        const { removed, absent } = org.removeMembers(team, ids);
        const parts = [
          removed.length > 0 ? `removed ${removed.map(mention).join(' ')}` : '',
          absent.length > 0
            ? `${absent.map(mention).join(' ')} ${absent.length === 1 ? 'was' : 'were'} not on it`
            : '',
        ].filter((p) => p !== '');
        return textReply(`*${escapeText(team.name)}*: ${parts.join('; ')}.`);
      }
      case 'join': {
        const team = org.team(ws, command.team);
        const change = org.addMembers(team, [ctx.userId], command.role);
        const role = command.role.specialty
          ? `${command.role.role}:${command.role.specialty}`
          : command.role.role;
        return textReply(
          change.unchanged.length > 0
            ? `You are already on *${escapeText(team.name)}* as ${role}.`
            : `You are on *${escapeText(team.name)}* as ${role}. You will get its next check-in by DM.`,
        );
      }
      case 'leave': {
        const team = org.team(ws, command.team);
        const { removed } = org.removeMembers(team, [ctx.userId]);
        return textReply(
          removed.length > 0
            ? `You have left *${escapeText(team.name)}*. Past summaries keep counting you where you were.`
            : `You are not on *${escapeText(team.name)}*.`,
        );
      }
      case 'schedule': {
        const team = org.team(ws, command.team);
        const cron = parseCron(command.cron);
        if (!cron.ok) throw new InvalidInputError(cron.message);
        const timezone = command.timezone ?? team.timezone;
        if (!isValidTimeZone(timezone)) {
          throw new InvalidInputError(
            `“${escapeText(timezone)}” is not a time zone I know. Use an IANA name such as Europe/London. Example: \`/tooth-tail schedule ${escapeText(team.name)} 0 10 * * MON tz Europe/London open 3d\``,
          );
        }
        const openDays = command.openDays ?? team.openDays;
        org.setSchedule(team, command.cron, timezone, openDays);
        const next = nextOccurrence(cron.cron, timezone, (this.deps.clock ?? systemClock)());
        return textReply(
          `*${escapeText(team.name)}* check-ins open at \`${command.cron}\` (${timezone}) for ${openDays} day${openDays === 1 ? '' : 's'}; each person is asked at that local time in their own zone.${next ? ` Next: ${slackDate(next.toISOString())}.` : ''}`,
        );
      }
      case 'survey-now': {
        const team = org.team(ws, command.team);
        const round = await rounds.open(team, { openedBy: ctx.userId });
        const asked = org.members(team.id).length;
        return textReply(
          `Opened a check-in for *${escapeText(team.name)}*: ${asked} ${asked === 1 ? 'person' : 'people'} will get a DM now. It closes ${slackDate(round.closesAt)}.`,
        );
      }
      case 'survey-close': {
        const team = org.team(ws, command.team);
        const summary = rounds.closeTeamRound(team);
        const report = reports.latest(team);
        const f = summary.figures;
        return {
          ...(report ? teamDigest(report) : textReply('')),
          text: `Closed the *${escapeText(team.name)}* check-in: ${f.toothResponses + f.tailResponses} of ${f.tooth + f.tail} answered. Digests go to the subscribed channels.`,
        };
      }
      case 'subscribe': {
        const channelId = command.channel
          ? await directory.resolveChannel(command.channel, this.here(ctx))
          : ctx.channelId;
        const cadence = command.cadence ?? 'each-round';
        const { created, team, access } = await this.deps.channels.subscribe({
          workspaceId: ws,
          place: { channelId: ctx.channelId, channelName: ctx.channelName },
          channelId,
          named: command.channel !== null,
          scope: command.scope ?? { kind: 'all' },
          cadence,
          createdBy: ctx.userId,
        });
        const what = team ? `*${escapeText(team.name)}*` : 'the whole org';
        return textReply(
          `${created ? 'Subscribed' : 'Updated'} <#${channelId}>: digests for ${what}, ${cadence}.${channelAccessNote(channelId, access)} Only team-level figures are posted, and only where enough people answered.`,
        );
      }
      case 'unsubscribe': {
        const channelId = command.channel
          ? await directory.resolveChannel(command.channel, this.here(ctx))
          : ctx.channelId;
        const scope: Scope = command.scope ?? { kind: 'all' };
        const { removed, team } = org.unsubscribe(ws, channelId, scope);
        const what = team ? `*${escapeText(team.name)}*` : 'the whole org';
        return textReply(
          removed
            ? `<#${channelId}> no longer gets digests for ${what}.`
            : `<#${channelId}> was not subscribed to ${what}. See \`/tooth-tail subscriptions\`.`,
        );
      }
      case 'subscriptions':
        return subscriptionsReply(org.subscriptions(ws));
      case 'export': {
        const team = command.team === null ? null : org.team(ws, command.team);
        const { csv, rows } = reports.exportCsv(ws, team);
        const stamp = new Date().toISOString().slice(0, 10);
        const filename = `tooth-tail-${team ? team.name.replace(/[^A-Za-z0-9_-]+/g, '-') : 'all'}-${stamp}.csv`;
        await this.deps.slack.uploadFile({
          channel: ctx.userId,
          filename,
          title: `tooth-tail round summaries${team ? `: ${team.name}` : ''}`,
          content: Buffer.from(csv, 'utf8'),
          initialComment: `${rows} round summar${rows === 1 ? 'y' : 'ies'}. Figures withheld by the anonymity rule are empty.`,
        });
        return textReply(`Sent *${filename}* (${rows} round${rows === 1 ? '' : 's'}) to your DM.`);
      }
      case 'forget-me':
        return forgetMeConfirmation();
    }
  }

  private async summary(ctx: CommandContext, teamName: string | null, post: boolean): Promise<Reply> {
    const { org, reports } = this.deps;
    const teams =
      teamName === null ? org.teamsOf(ctx.workspaceId, ctx.userId) : [org.team(ctx.workspaceId, teamName)];
    if (teams.length === 0) {
      return textReply(
        'You are not on any team. Name one: `/tooth-tail summary <team>`, or see `/tooth-tail teams`.',
      );
    }
    const blocks: unknown[] = [];
    const texts: string[] = [];
    for (const team of teams) {
      const report = reports.latest(team);
      if (report) {
        const digest = teamDigest(report);
        blocks.push(...(digest.blocks ?? []));
        texts.push(digest.text);
      } else {
        const line = noRoundYetReply(team, reports.nextRound(team));
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: line } });
        texts.push(line);
      }
      if (blocks.length > 40) break; // Slack allows 50 blocks per message.
    }
    return { text: texts.join('\n'), blocks, inChannel: post };
  }

  private here(ctx: CommandContext): { id: string; name: string } {
    return { id: ctx.channelId, name: ctx.channelName };
  }
}
