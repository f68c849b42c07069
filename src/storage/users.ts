import { Repository } from './repository.js';

/** What Slack's users.info said about a person, cached. */
export interface SlackUser {
  userId: string;
  name: string | null;
  tz: string | null;
  isAdmin: boolean;
  isOwner: boolean;
  isBot: boolean;
  deleted: boolean;
  /** From another organisation (Slack Connect). */
  isExternal: boolean;
  fetchedAt: string;
}

interface UserRow {
  user_id: string;
  name: string | null;
  tz: string | null;
  is_admin: number;
  is_owner: number;
  is_bot: number;
  deleted: number;
  is_external: number;
  fetched_at: string;
}

export class UserRepository extends Repository {
  private readonly byId = this.db.prepare<[string, string], UserRow>(
    'SELECT * FROM users WHERE workspace_id = ? AND user_id = ?',
  );
  private readonly upsert = this.db.prepare(
    `INSERT INTO users (workspace_id, user_id, name, tz, is_admin, is_owner, is_bot, deleted, is_external, fetched_at)
     VALUES (@workspaceId, @userId, @name, @tz, @isAdmin, @isOwner, @isBot, @deleted, @isExternal, @fetchedAt)
     ON CONFLICT (workspace_id, user_id) DO UPDATE SET name = excluded.name, tz = excluded.tz,
       is_admin = excluded.is_admin, is_owner = excluded.is_owner, is_bot = excluded.is_bot,
       deleted = excluded.deleted, is_external = excluded.is_external, fetched_at = excluded.fetched_at`,
  );
  private readonly byName = this.db.prepare<[string, string], UserRow>(
    'SELECT * FROM users WHERE workspace_id = ? AND lower(name) = lower(?) AND deleted = 0',
  );

  get(workspaceId: string, userId: string): SlackUser | undefined {
    const r = this.byId.get(workspaceId, userId);
    return (
      r && {
        userId: r.user_id,
        name: r.name,
        tz: r.tz,
        isAdmin: r.is_admin === 1,
        isOwner: r.is_owner === 1,
        isBot: r.is_bot === 1,
        deleted: r.deleted === 1,
        isExternal: r.is_external === 1,
        fetchedAt: r.fetched_at,
      }
    );
  }

  findIdByName(workspaceId: string, name: string): string | undefined {
    return this.byName.get(workspaceId, name)?.user_id;
  }

  save(workspaceId: string, u: SlackUser): void {
    this.upsert.run({
      workspaceId,
      userId: u.userId,
      name: u.name,
      tz: u.tz,
      isAdmin: u.isAdmin ? 1 : 0,
      isOwner: u.isOwner ? 1 : 0,
      isBot: u.isBot ? 1 : 0,
      deleted: u.deleted ? 1 : 0,
      isExternal: u.isExternal ? 1 : 0,
      fetchedAt: u.fetchedAt,
    });
  }
}
