// usergroups.list and usergroups.users.list, with the errors Slack documents for them
// (https://api.slack.com/methods/usergroups.users.list, "Errors"): `no_such_subteam` for an id
// that names no group, `plan_upgrade_required` on a free-plan workspace, which has no groups.
// Both methods need the `usergroups:read` scope and are Tier 2 (20+ a minute).
import { z } from 'zod';
import type { SandboxUsergroup } from '../types.js';
import type { Workspace } from '../workspace.js';
import { flag, type Method, parseArgs, SlackApiError } from './method.js';

function requirePlan(workspace: Workspace): void {
  if (workspace.freePlan) throw new SlackApiError('plan_upgrade_required');
}

function usergroupJson(
  workspace: Workspace,
  g: SandboxUsergroup,
  withUsers: boolean,
): Record<string, unknown> {
  const at = Math.floor(workspace.now() / 1000);
  return {
    id: g.id,
    team_id: workspace.identity.teamId,
    is_usergroup: true,
    is_subteam: true,
    name: g.name ?? g.handle,
    description: '',
    handle: g.handle,
    is_external: false,
    date_create: at,
    date_update: at,
    date_delete: g.disabled ? at : 0,
    auto_type: null,
    created_by: workspace.identity.botUserId,
    updated_by: workspace.identity.botUserId,
    deleted_by: null,
    prefs: { channels: [], groups: [] },
    user_count: g.users.length,
    ...(withUsers ? { users: [...g.users] } : {}),
  };
}

export const list: Method = {
  token: 'bot',
  run({ args, workspace }) {
    requirePlan(workspace);
    const a = parseArgs(
      z.object({ include_users: flag.optional(), include_disabled: flag.optional() }),
      args,
    );
    const groups = [...workspace.usergroups.values()].filter((g) => a.include_disabled || !g.disabled);
    return { ok: true, usergroups: groups.map((g) => usergroupJson(workspace, g, a.include_users === true)) };
  },
};

export const usersList: Method = {
  token: 'bot',
  run({ args, workspace }) {
    requirePlan(workspace);
    const a = parseArgs(
      z.object({ usergroup: z.string().default(''), include_disabled: flag.optional() }),
      args,
    );
    const group = workspace.usergroups.get(a.usergroup);
    // "include_disabled: allow results that involve disabled User Groups": without it a disabled
    // group is answered as if it did not exist.
    if (group === undefined || (group.disabled && !a.include_disabled))
      throw new SlackApiError('no_such_subteam');
    return { ok: true, users: [...group.users] };
  },
};
