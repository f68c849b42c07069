import type { ParseResult } from '../../domain/command.js';
import { parseWords, readCommand } from '../../domain/parse-command.js';
import { AppError, NotAdminError } from '../../services/errors.js';
import { type Reply, textReply } from '../views/replies.js';
import { COMMAND_MODULES } from './index.js';
import type { CommandContext, CommandDeps, CommandModule } from './module.js';

export type { CommandContext, CommandDeps, CommandLogger } from './module.js';

const BY_KEY: ReadonlyMap<string, CommandModule> = new Map(COMMAND_MODULES.map((m) => [m.key, m]));

/** Runs `/tooth-tail <text>` for a person and words the reply. Never throws. */
export class CommandRunner {
  constructor(private readonly deps: CommandDeps) {}

  /**
   * Splits the text once and finds its module: `local` says whether the command is answered
   * without calling Slack (so its reply may travel in the ack), and `run` carries it out for a
   * person: who may run it first, then its arguments, then its handler.
   */
  prepare(text: string): { local: boolean; run: (ctx: CommandContext) => Promise<Reply> } {
    const words = readCommand(text);
    if ('kind' in words) return { local: true, run: async () => usageReply(words) };
    const module = words.key === null ? undefined : BY_KEY.get(words.key);
    if (module === undefined) return { local: true, run: async () => usageReply(parseWords(words)) };
    return {
      local: module.local,
      run: (ctx) =>
        this.guard(module.key, async () => {
          await this.checkAccess(ctx, module);
          const command = parseWords(words);
          if (command.kind === 'usage-error') return usageReply(command);
          return module.run(ctx, command, this.deps);
        }),
    };
  }

  run(ctx: CommandContext, text: string): Promise<Reply> {
    return this.prepare(text).run(ctx);
  }

  /** Reads only the module's declaration and who the person is, never the command's arguments. */
  private async checkAccess(ctx: CommandContext, module: CommandModule): Promise<void> {
    const { access } = module;
    if (access.who === 'anyone') return;
    if (await this.deps.directory.isAdmin(ctx.workspaceId, ctx.userId)) return;
    throw new NotAdminError(access.what);
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

function usageReply(result: ParseResult): Reply {
  return result.kind === 'usage-error'
    ? textReply(`${result.message}\nUsage: ${result.usage}`)
    : textReply('Sorry, I could not read that command.');
}
