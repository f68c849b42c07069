// users.info and users.list.
import { z } from 'zod';
import type { SandboxUser } from '../types.js';
import type { Workspace } from '../workspace.js';
import { count, type Method, parseArgs, SlackApiError } from './method.js';
import { paginate } from './paginate.js';

/** The zone's long name at an instant, e.g. 'British Summer Time' in July and 'Greenwich Mean Time' in January. */
function tzLabel(tz: string, at: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(at);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? tz;
}

/** Seconds east of UTC at an instant, so daylight saving is honoured (Slack's tz_offset). */
export function tzOffsetSeconds(tz: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(
    at,
  );
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name);
  if (match === null) return 0;
  const [, sign, hours, minutes, seconds] = match;
  const total = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds ?? 0);
  return sign === '-' ? -total : total;
}

/** Throws a RangeError naming the zone when Intl does not know it. */
export function assertTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new RangeError(`unknown IANA time zone "${tz}"`);
  }
}

/** Another organisation's team id, for people met through Slack Connect. */
export const EXTERNAL_TEAM_ID = 'T0EXTERNAL';

/**
 * Slack's user object (docs.slack.dev/reference/objects/user-object): `deleted` is true once the
 * account is deactivated, `is_bot` marks bot users, and a person from another organisation met in
 * a Slack Connect channel carries their own `team_id` and `is_stranger: true`
 * (docs.slack.dev/apis/slack-connect, "External members").
 */
export function userJson(workspace: Workspace, u: SandboxUser): Record<string, unknown> {
  const at = new Date(workspace.now());
  const realName = u.realName ?? u.name;
  const { botId } = workspace.identity;
  const teamId = u.external ? EXTERNAL_TEAM_ID : workspace.identity.teamId;
  return {
    id: u.id,
    team_id: teamId,
    name: u.name,
    deleted: u.deleted ?? false,
    ...(u.external ? { is_stranger: true } : {}),
    real_name: realName,
    tz: u.tz,
    tz_label: tzLabel(u.tz, at),
    tz_offset: tzOffsetSeconds(u.tz, at),
    is_admin: u.isAdmin ?? false,
    is_owner: u.isOwner ?? false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: u.isBot ?? false,
    is_app_user: false,
    updated: Math.floor(at.getTime() / 1000),
    profile: {
      real_name: realName,
      real_name_normalized: realName,
      display_name: u.name,
      display_name_normalized: u.name,
      team: teamId,
      ...(u.id === workspace.identity.botUserId ? { bot_id: botId } : {}),
    },
  };
}

export const info: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(z.object({ user: z.string().default('') }), args);
    const user = workspace.users.get(a.user);
    if (user === undefined) throw new SlackApiError('user_not_found');
    return { ok: true, user: userJson(workspace, user) };
  },
};

export const list: Method = {
  token: 'bot',
  run({ args, workspace }) {
    const a = parseArgs(z.object({ limit: count.optional(), cursor: z.string().optional() }), args);
    // users.list lists the workspace's own members, not people met through Slack Connect.
    const members = [...workspace.users.values()].filter((u) => !u.external);
    const page = paginate(members, (u) => u.id, 'user', a.limit, a.cursor);
    return {
      ok: true,
      members: page.items.map((u) => userJson(workspace, u)),
      cache_ts: Math.floor(workspace.now() / 1000),
      response_metadata: { next_cursor: page.nextCursor },
    };
  },
};
