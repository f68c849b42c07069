import { teamsReply } from '../views/replies.js';
import { ANYONE, defineCommand } from './module.js';

export const teams = defineCommand<'teams'>({
  key: 'teams',
  access: ANYONE,
  local: true,
  cache: 'workspace',
  run: async (ctx, _command, { org, access }) =>
    teamsReply(org.headcounts(ctx.workspaceId).map((row) => ({ ...row, leads: access.leadsOf(row.team) }))),
});
