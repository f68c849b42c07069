import { orgTable } from '../views/org-table.js';
import { ANYONE, defineCommand } from './module.js';

export const ratio = defineCommand<'ratio'>({
  key: 'ratio',
  access: ANYONE,
  local: true,
  run: async (ctx, _command, deps) => orgTable(deps.insight.orgReport(ctx.workspaceId)),
});
