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
 * A time zone changes when someone moves or travels, rarely, so `timezone` and `timezones` trust
 * one for a week. (Opening a round reads its members' accounts far fresher, for departures, and
 * takes their zones from that read: RoundService.)
 */
const TIMEZONE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * Up to this many people missing from the cache are looked up one by one (users.info, Tier 4:
 * 100+ calls a minute, with bursts); more, through users.list pages (Tier 2, 20+ a minute, 200
 * people a call). For 2,000 people that is 10 calls instead of 2,000 (20 minutes at Tier 4).
 */
const ONE_BY_ONE_MAX = 10;
/** How long after a failed users.list walk the next read uses the cache instead of walking again. */
const WALK_RETRY_MS = 60 * 1000;

/** Who people are: admin flags, time zones, and mentions turned into ids. */
export class Directory {
  /** When users.list last failed, per workspace (ms since the epoch, by the clock). */
  private readonly walkFailedAt = new Map<string, number>();

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
   * Time zones of many people at once, each trusted for a week (TIMEZONE_TTL_MS): `accounts`
   * with that freshness.
   */
  async timezones(workspaceId: string, userIds: readonly string[]): Promise<Map<string, string | null>> {
    const accounts = await this.accounts(workspaceId, userIds, TIMEZONE_TTL_MS);
    return new Map([...accounts].map(([userId, user]) => [userId, user?.tz ?? null]));
  }

  /**
   * Many people's accounts at once (opening a round, queueing reminders), none older than
   * `maxAgeMs` if Slack answers: from the cache, then, for more than ONE_BY_ONE_MAX stale ones, one
   * users.list walk (which refreshes everyone else it passes, so the next read in the same
   * workspace finds them fresh), else users.info one by one. Whoever the walk does not list (left
   * the workspace) is looked up alone. If the walk fails, Slack is likely unreachable: people the
   * cache knows are given as it knows them rather than holding a round on one call each, and only
   * the never-seen are looked up; after one users.info that fails, nobody else is asked in this
   * read. `undefined` is someone Slack does not know, or who could not be read and was never cached.
   */
  async accounts(
    workspaceId: string,
    userIds: readonly string[],
    maxAgeMs: number,
  ): Promise<Map<string, SlackUser | undefined>> {
    const now = this.deps.clock();
    const found = new Map<string, SlackUser | undefined>();
    const stale = new Set<string>();
    for (const userId of userIds) {
      const cached = this.deps.users.get(workspaceId, userId);
      if (cached && now.getTime() - Date.parse(cached.fetchedAt) < maxAgeMs) found.set(userId, cached);
      else stale.add(userId);
    }
    const walkFailed = stale.size > ONE_BY_ONE_MAX && !(await this.walk(workspaceId, stale, found, now));
    let unreachable = false;
    for (const userId of stale) {
      const cached = this.deps.users.get(workspaceId, userId);
      if ((walkFailed && cached) || unreachable) {
        found.set(userId, cached);
        continue;
      }
      try {
        const fresh = { ...(await this.deps.slack.userInfo(userId)), fetchedAt: now.toISOString() };
        this.deps.users.save(workspaceId, fresh);
        found.set(userId, fresh);
      } catch (error) {
        const unknown = error instanceof SlackCallError && error.slackError === 'user_not_found';
        found.set(userId, unknown ? undefined : cached);
        // A users.info that failed past the client's retries (up to five minutes) says Slack is not
        // answering: the rest are not asked one by one in turn.
        if (!unknown) unreachable = true;
      }
    }
    return found;
  }

  /**
   * One users.list walk: caches everyone it passes, moves the `stale` it finds into `found`, and
   * stops once none is left. False when users.list failed, now or within the last minute: the
   * reads right after a failure (the next open or reminder of the same scheduler tick) would each
   * wait out the client's retries (up to five minutes) on a Slack that is not answering.
   */
  private async walk(
    workspaceId: string,
    stale: Set<string>,
    found: Map<string, SlackUser | undefined>,
    now: Date,
  ): Promise<boolean> {
    const failedAt = this.walkFailedAt.get(workspaceId);
    if (failedAt !== undefined && now.getTime() - failedAt < WALK_RETRY_MS) return false;
    try {
      for await (const page of this.deps.slack.listUsers()) {
        for (const user of page) {
          const fresh = { ...user, fetchedAt: now.toISOString() };
          this.deps.users.save(workspaceId, fresh);
          if (stale.delete(user.userId)) found.set(user.userId, fresh);
        }
        if (stale.size === 0) break;
      }
      this.walkFailedAt.delete(workspaceId);
      return true;
    } catch {
      this.walkFailedAt.set(workspaceId, now.getTime());
      return false;
    }
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
      const user = id === undefined ? undefined : await this.eligibilityOf(workspaceId, id);
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

  /**
   * The account as roster add judges it. A cached "deactivated" is asked again: an account
   * reactivated while the app missed user_change would otherwise be refused for hours.
   */
  private async eligibilityOf(workspaceId: string, userId: string): Promise<SlackUser | undefined> {
    const user = await this.user(workspaceId, userId);
    return user?.deleted ? this.user(workspaceId, userId, 0) : user;
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
