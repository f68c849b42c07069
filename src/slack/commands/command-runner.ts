import type { Command, ParseResult } from '../../domain/command.js';
import { parseWords, readCommand } from '../../domain/parse-command.js';
import { AppError, NotAdminError, NotAllowedError } from '../../services/errors.js';
import { escapeText } from '../views/format.js';
import { mention, type Reply, textReply } from '../views/replies.js';
import { COMMAND_MODULES } from './index.js';
import type { CommandContext, CommandDeps, CommandModule } from './module.js';

export type { CommandContext, CommandDeps, CommandLogger } from './module.js';

const BY_KEY: ReadonlyMap<string, CommandModule> = new Map(COMMAND_MODULES.map((m) => [m.key, m]));

/** How long a kept reply may be served while the database has not changed. */
const REPLY_TTL_MS = 60_000;
/** Kept replies at most; all of them go when the database changes. */
const REPLY_CACHE_MAX = 1000;

/** A reply kept while the database is unchanged, and when it was worked out. */
interface Kept {
  reply: Reply;
  at: number;
}

/** Runs `/tooth-tail <text>` for a person and words the reply. Never throws. */
export class CommandRunner {
  /** Replies of cacheable modules, by workspace (and person, for 'person' modules) and text. */
  private readonly replies = new Map<string, Kept>();
  /** The same replies by the person they were given to, after their access check. */
  private readonly served = new Map<string, Kept>();
  private keptVersion = '';

  constructor(private readonly deps: CommandDeps) {}

  /**
   * Splits the text once and finds its module: `local` says whether the command is answered
   * without calling Slack (so its reply may travel in the ack), and `run` carries it out for the
   * person: who may run it first, then its arguments, then its handler. What this person asked
   * before and was answered, unchanged since, is answered again without any of that, as their
   * access was decided for that reply, under the same database.
   */
  prepare(ctx: CommandContext, text: string): { local: boolean; run: () => Promise<Reply> } {
    const kept = this.servedBefore(ctx, text);
    if (kept) return { local: true, run: async () => kept };
    const words = readCommand(text);
    if ('kind' in words) return { local: true, run: async () => usageReply(words) };
    const module = words.key === null ? undefined : BY_KEY.get(words.key);
    if (module === undefined) return { local: true, run: async () => usageReply(parseWords(words)) };
    return {
      local: module.local,
      run: () =>
        this.guard(module.key, async () => {
          const standing = await this.checkAccess(ctx, module);
          const command = parseWords(words);
          if (command.kind === 'usage-error') return usageReply(command);
          if (standing === 'lead') this.checkLeadOf(ctx, module, command);
          return this.cached(module, ctx, text, () => module.run(ctx, command, this.deps));
        }),
    };
  }

  run(ctx: CommandContext, text: string): Promise<Reply> {
    return this.prepare(ctx, text).run();
  }

  /**
   * A cacheable module's reply, kept while the database is unchanged (see CommandModule.cache).
   * Asked after the access check, so a kept reply never reaches someone who may not see it.
   */
  private async cached(
    module: CommandModule,
    ctx: CommandContext,
    text: string,
    work: () => Promise<Reply>,
  ): Promise<Reply> {
    const version = module.cache === undefined ? undefined : this.keep();
    if (version === undefined) return work();
    const who = module.cache === 'person' ? ctx.userId : '';
    const key = `${ctx.workspaceId}\u0000${who}\u0000${text.trim()}`;
    const now = this.now();
    let kept = this.replies.get(key);
    if (!kept || !fresh(kept, now)) {
      const reply = await work();
      // Kept only if nothing changed the database while it was worked out.
      if (this.deps.dataVersion?.() !== version) return reply;
      kept = { reply, at: now };
      this.replies.set(key, kept);
    }
    this.served.set(servedKey(ctx, text), kept);
    return kept.reply;
  }

  private servedBefore(ctx: CommandContext, text: string): Reply | undefined {
    if (this.served.size === 0 || this.keep() === undefined) return undefined;
    const kept = this.served.get(servedKey(ctx, text));
    return kept && fresh(kept, this.now()) ? kept.reply : undefined;
  }

  /** The database's version, after dropping what was kept under another; undefined: keep nothing. */
  private keep(): string | undefined {
    const version = this.deps.dataVersion?.();
    if (version === undefined) return undefined;
    if (version !== this.keptVersion || this.replies.size + this.served.size >= REPLY_CACHE_MAX) {
      this.replies.clear();
      this.served.clear();
      this.keptVersion = version;
    }
    return version;
  }

  private now(): number {
    return (this.deps.clock?.() ?? new Date()).getTime();
  }

  /**
   * Reads only the module's declaration and who the person is, never the command's arguments.
   * 'lead' means the person leads some team and may run the command on that team only, which
   * `checkLeadOf` settles once the arguments name it.
   */
  private async checkAccess(ctx: CommandContext, module: CommandModule): Promise<'allowed' | 'lead'> {
    const { access: roles } = this.deps;
    const { access } = module;
    const ws = ctx.workspaceId;
    switch (access.who) {
      case 'anyone':
        return 'allowed';
      case 'readers':
        if (roles.ratioVisibility(ws) === 'everyone' || roles.leadsAnyTeam(ws, ctx.userId)) return 'allowed';
        if (await roles.isAdmin(ws, ctx.userId)) return 'allowed';
        throw new NotAllowedError(
          `Sorry, an admin has made it so only team leads and tooth-tail admins can ${access.what}. Your own teams' figures are in \`/tooth-tail summary\`.`,
        );
      case 'admins':
        if (await roles.isAdmin(ws, ctx.userId)) return 'allowed';
        throw new NotAdminError(access.what);
      case 'leads':
        if (await roles.isAdmin(ws, ctx.userId)) return 'allowed';
        if (roles.leadsAnyTeam(ws, ctx.userId)) return 'lead';
        throw new NotAllowedError(
          `Sorry, only a team's leads or a tooth-tail admin can ${access.what}. \`/tooth-tail teams\` shows each team's leads.`,
        );
    }
  }

  /** A lead (not an admin) may act on the teams they lead, and never on the whole org. */
  private checkLeadOf(ctx: CommandContext, module: CommandModule, command: Command): void {
    const { access } = module;
    if (access.who !== 'leads') return;
    const name = access.team(command);
    if (name === null) throw new NotAdminError(access.orgWhat ?? access.what);
    const team = access.find
      ? access.find(this.deps.org, ctx.workspaceId, command)
      : this.deps.org.team(ctx.workspaceId, name);
    if (team === null) throw new NotAdminError(access.orgWhat ?? access.what);
    if (this.deps.access.isLead(team, ctx.userId)) return;
    const leads = this.deps.access.leadsOf(team);
    throw new NotAllowedError(
      leads.length > 0
        ? `Sorry, only *${escapeText(team.name)}*'s leads (${leads.map(mention).join(', ')}) or a tooth-tail admin can ${access.what}.`
        : `Sorry, *${escapeText(team.name)}* has no leads yet, so only a tooth-tail admin can ${access.what}.`,
    );
  }

  private async guard(key: string, work: () => Promise<Reply>): Promise<Reply> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) return textReply(error.message);
      this.deps.logger.error(`/tooth-tail ${key} failed`, error);
      return textReply(
        'Sorry, something went wrong on our side and nothing was changed. Please try again in a minute.',
      );
    }
  }
}

const servedKey = (ctx: CommandContext, text: string) =>
  `${ctx.workspaceId}\u0000${ctx.userId}\u0000${text.trim()}`;

const fresh = (kept: Kept, now: number) => now - kept.at >= 0 && now - kept.at < REPLY_TTL_MS;

function usageReply(result: ParseResult): Reply {
  return result.kind === 'usage-error'
    ? textReply(`${result.message}\nUsage: ${result.usage}`)
    : textReply('Sorry, I could not read that command.');
}
