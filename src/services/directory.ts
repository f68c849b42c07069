import type { ChannelRef, UserRef } from '../domain/command.js';
import type { SlackUser, UserRepository } from '../storage/users.js';
import {
  IneligibleMemberError,
  type IneligibleReason,
  UnknownChannelError,
  UnknownUserError,
} from './errors.js';
import { type Clock, SlackCallError, type SlackPort } from './ports.js';

/** How long what users.info said is trusted: time zones and admin flags change rarely. */
const USER_TTL_MS = 6 * 60 * 60 * 1000;
const ADMIN_TTL_MS = 5 * 60 * 1000;
/**
 * A time zone changes when someone moves or travels, rarely. Opening a scheduled round reads one
 * per member; with this long a cache the roster add or join that fetched it usually serves, so a
 * large team's round does not wait on hundreds of users.info calls (Tier 4, about 100 a minute).
 */
const TIMEZONE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * Up to this many people missing from the cache are looked up one by one (users.info, Tier 4:
 * 100+ calls a minute, with bursts); more, through users.list pages (Tier 2, 20+ a minute, 200
 * people a call). For 2,000 people that is 10 calls instead of 2,000 (20 minutes at Tier 4).
 */
const ONE_BY_ONE_MAX = 10;

/** Who people are: admin flags, time zones, and mentions turned into ids. */
export class Directory {
  constructor(
    private readonly deps: {
      users: UserRepository;
      slack: SlackPort;
      clock: Clock;
      adminUserIds: readonly string[];
    },
  ) {}

  /** users.info through the cache; `maxAgeMs` says how stale an answer may be. */
  async user(workspaceId: string, userId: string, maxAgeMs = USER_TTL_MS): Promise<SlackUser | undefined> {
    const now = this.deps.clock();
    const cached = this.deps.users.get(workspaceId, userId);
    if (cached && now.getTime() - Date.parse(cached.fetchedAt) < maxAgeMs) return cached;
    try {
      const fresh = { ...(await this.deps.slack.userInfo(userId)), fetchedAt: now.toISOString() };
      this.deps.users.save(workspaceId, fresh);
      return fresh;
    } catch (error) {
      if (error instanceof SlackCallError && error.slackError === 'user_not_found') return undefined;
      // Slack unreachable: an old answer is better than none.
      if (cached) return cached;
      throw error;
    }
  }

  /** What users.info said last, without asking Slack. */
  cached(workspaceId: string, userId: string): SlackUser | undefined {
    return this.deps.users.get(workspaceId, userId);
  }

  /** The admins named in ADMIN_USER_IDS: the ones the app can find without asking Slack. */
  namedAdmins(): readonly string[] {
    return this.deps.adminUserIds;
  }

  /** Admins are ADMIN_USER_IDS plus the workspace's admins and owners (users.info). */
  async isAdmin(workspaceId: string, userId: string): Promise<boolean> {
    if (this.deps.adminUserIds.includes(userId)) return true;
    const user = await this.user(workspaceId, userId, ADMIN_TTL_MS);
    return user !== undefined && !user.deleted && (user.isAdmin || user.isOwner);
  }

  async timezone(workspaceId: string, userId: string): Promise<string | null> {
    try {
      return (await this.user(workspaceId, userId, TIMEZONE_TTL_MS))?.tz ?? null;
    } catch {
      return null;
    }
  }

  /**
   * Time zones of many people at once (opening a scheduled round): from the cache, then one
   * users.list walk for those it lacks, which also refreshes everyone else the walk passes.
   * Whoever is still unknown (left the workspace, or users.list failed) is looked up alone.
   */
  async timezones(workspaceId: string, userIds: readonly string[]): Promise<Map<string, string | null>> {
    const now = this.deps.clock();
    const zones = new Map<string, string | null>();
    const missing = new Set<string>();
    for (const userId of userIds) {
      const cached = this.deps.users.get(workspaceId, userId);
      if (cached && now.getTime() - Date.parse(cached.fetchedAt) < TIMEZONE_TTL_MS)
        zones.set(userId, cached.tz);
      else missing.add(userId);
    }
    if (missing.size > ONE_BY_ONE_MAX) {
      try {
        for await (const page of this.deps.slack.listUsers()) {
          for (const user of page) {
            this.deps.users.save(workspaceId, { ...user, fetchedAt: now.toISOString() });
            if (missing.delete(user.userId)) zones.set(user.userId, user.tz);
          }
          if (missing.size === 0) break;
        }
      } catch {
        // users.list failed: the lookups one by one below still answer, from the cache if need be.
      }
    }
    for (const userId of missing) zones.set(userId, await this.timezone(workspaceId, userId));
    return zones;
  }

  /**
   * Turns mentions into the ids of people who can be on a roster. Throws UnknownUserError naming
   * every one that is not a person here, then IneligibleMemberError for deactivated accounts, bots
   * and people from other organisations (Slack Connect), each with the reason.
   */
  async resolveUsers(workspaceId: string, refs: UserRef[]): Promise<string[]> {
    const ids: string[] = [];
    const unknown: string[] = [];
    const ineligible: Array<{ userId: string; reason: IneligibleReason }> = [];
    for (const ref of refs) {
      const id = ref.id ?? (await this.userIdByName(workspaceId, ref.name as string));
      const user = id === undefined ? undefined : await this.user(workspaceId, id);
      if (id === undefined || user === undefined) {
        unknown.push(ref.name ?? ref.id ?? '?');
        continue;
      }
      const reason = user.deleted ? 'deactivated' : user.isBot ? 'bot' : user.isExternal ? 'external' : null;
      if (reason !== null) ineligible.push({ userId: id, reason });
      else if (!ids.includes(id)) ids.push(id);
    }
    if (unknown.length > 0) throw new UnknownUserError(unknown);
    if (ineligible.length > 0) throw new IneligibleMemberError(ineligible);
    return ids;
  }

  async resolveChannel(ref: ChannelRef, current: { id: string; name: string }): Promise<string> {
    if (ref.id !== undefined) return ref.id;
    const name = ref.name.replace(/^#/, '');
    if (name === current.name) return current.id;
    const id = await this.deps.slack.findChannelByName(name);
    if (id === undefined) throw new UnknownChannelError(name);
    return id;
  }

  private async userIdByName(workspaceId: string, name: string): Promise<string | undefined> {
    return this.deps.users.findIdByName(workspaceId, name) ?? (await this.deps.slack.findUserByName(name));
  }
}
