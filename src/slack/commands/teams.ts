import { teamsReply } from '../views/replies.js';
import { ANYONE, defineCommand } from './module.js';

export const teams = defineCommand<'teams'>({
  key: 'teams',
  access: ANYONE,
  local: true,
  run: async (ctx, _command, deps) => teamsReply(deps.org.headcounts(ctx.workspaceId)),
});
