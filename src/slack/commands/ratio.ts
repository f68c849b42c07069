import { orgTable } from '../views/org-table.js';
import { textReply } from '../views/replies.js';
import { defineCommand } from './module.js';

/**
 * Anyone may read the org table by default: every figure in it is team-level and withheld below
 * k, so it shows no one's answers, and a shared view of the ratio is the point of the app. An
 * admin may still restrict it to leads and admins (`ratio access leads`).
 */
export const ratio = defineCommand<'ratio'>({
  key: 'ratio',
  access: { who: 'readers', what: 'read the org ratio table' },
  local: true,
  cache: 'workspace',
  run: async (ctx, _command, deps) => orgTable(deps.insight.orgReport(ctx.workspaceId)),
});

export const ratioAccess = defineCommand<'ratio-access'>({
  key: 'ratio access',
  access: { who: 'admins', what: 'choose who reads the org ratio table' },
  local: false,
  run: async (ctx, command, { access }) => {
    access.setRatioVisibility(ctx.workspaceId, command.visibility);
    return textReply(
      command.visibility === 'leads'
        ? '`/tooth-tail ratio` is now for team leads and admins only. Everyone still sees their own teams in `/tooth-tail summary`.'
        : '`/tooth-tail ratio` is open to everyone again.',
    );
  },
});
