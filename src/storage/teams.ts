import type { Role, RosterEntry, Specialty } from '../domain/types.js';
import { immediateTransaction } from './database.js';
import { Repository } from './repository.js';

export interface Team {
  id: number;
  workspaceId: string;
  name: string;
  channelId: string | null;
  timezone: string;
  anonymityThreshold: number | null;
  scheduleCron: string;
  openDays: number;
  scheduleSince: string;
  createdAt: string;
  /** When the team was removed; its rounds and summaries stay. */
  removedAt: string | null;
}

/** A team's name as people read it: a removed team is marked so. */
export const teamLabel = (team: Pick<Team, 'name' | 'removedAt'>): string =>
  team.removedAt ? `${team.name} (removed)` : team.name;

export interface Member extends RosterEntry {
  teamId: number;
  joinedAt: string;
}

interface TeamRow {
  id: number;
  workspace_id: string;
  name: string;
  channel_id: string | null;
  timezone: string;
  anonymity_threshold: number | null;
  schedule_cron: string;
  open_days: number;
  schedule_since: string;
  created_at: string;
  removed_at: string | null;
}

const toTeam = (r: TeamRow): Team => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  channelId: r.channel_id,
  timezone: r.timezone,
  anonymityThreshold: r.anonymity_threshold,
  scheduleCron: r.schedule_cron,
  openDays: r.open_days,
  scheduleSince: r.schedule_since,
  createdAt: r.created_at,
  removedAt: r.removed_at,
});

/** Team names compare without case or surrounding space. */
export const teamKey = (name: string): string => name.trim().toLowerCase();

export class TeamRepository extends Repository {
  private readonly byKey = this.db.prepare<[string, string], TeamRow>(
    'SELECT * FROM teams WHERE workspace_id = ? AND name_key = ? AND removed_at IS NULL',
  );
  private readonly byId = this.db.prepare<[number], TeamRow>('SELECT * FROM teams WHERE id = ?');
  private readonly byKeyWithHistory = this.db.prepare<[string, string], TeamRow>(
    `SELECT * FROM teams WHERE workspace_id = ? AND name_key = ?
     ORDER BY removed_at IS NULL DESC, removed_at DESC, id DESC LIMIT 1`,
  );
  private readonly live = this.db.prepare<[string], TeamRow>(
    'SELECT * FROM teams WHERE workspace_id = ? AND removed_at IS NULL ORDER BY name_key',
  );
  private readonly allLive = this.db.prepare<[], TeamRow>(
    'SELECT * FROM teams WHERE removed_at IS NULL ORDER BY id',
  );
  private readonly insertTeam = this.db.prepare(
    `INSERT INTO teams (workspace_id, name, name_key, channel_id, timezone, schedule_since, created_by, created_at)
     VALUES (@workspaceId, @name, @nameKey, @channelId, @timezone, @now, @createdBy, @now)`,
  );
  private readonly removeTeam = this.db.prepare(
    'UPDATE teams SET removed_at = ? WHERE id = ? AND removed_at IS NULL',
  );
  private readonly setSchedule = this.db.prepare(
    'UPDATE teams SET schedule_cron = ?, timezone = ?, open_days = ?, schedule_since = ? WHERE id = ?',
  );
  private readonly currentMembers = this.db.prepare<[number], MemberRow>(
    'SELECT * FROM members WHERE team_id = ? AND left_at IS NULL ORDER BY id',
  );
  private readonly currentMember = this.db.prepare<[number, string], MemberRow>(
    'SELECT * FROM members WHERE team_id = ? AND user_id = ? AND left_at IS NULL',
  );
  private readonly insertMember = this.db.prepare(
    `INSERT INTO members (workspace_id, team_id, user_id, role, specialty, joined_at)
     VALUES (@workspaceId, @teamId, @userId, @role, @specialty, @now)`,
  );
  private readonly endMembership = this.db.prepare(
    'UPDATE members SET left_at = ? WHERE team_id = ? AND user_id = ? AND left_at IS NULL',
  );
  private readonly teamsOfUser = this.db.prepare<[string, string], TeamRow>(
    `SELECT t.* FROM teams t JOIN members m ON m.team_id = t.id
     WHERE t.workspace_id = ? AND m.user_id = ? AND m.left_at IS NULL AND t.removed_at IS NULL ORDER BY t.name_key`,
  );

  find(workspaceId: string, name: string): Team | undefined {
    const row = this.byKey.get(workspaceId, teamKey(name));
    return row && toTeam(row);
  }

  /** The live team of that name, else the one of that name removed last: its history stays readable. */
  findWithHistory(workspaceId: string, name: string): Team | undefined {
    const row = this.byKeyWithHistory.get(workspaceId, teamKey(name));
    return row && toTeam(row);
  }

  get(id: number): Team | undefined {
    const row = this.byId.get(id);
    return row && toTeam(row);
  }

  list(workspaceId: string): Team[] {
    return this.live.all(workspaceId).map(toTeam);
  }

  /** Every live team of every workspace, for the scheduler. */
  listAll(): Team[] {
    return this.allLive.all().map(toTeam);
  }

  listForUser(workspaceId: string, userId: string): Team[] {
    return this.teamsOfUser.all(workspaceId, userId).map(toTeam);
  }

  add(input: {
    workspaceId: string;
    name: string;
    channelId: string | null;
    timezone: string;
    createdBy: string;
    now: string;
  }): Team {
    const info = this.insertTeam.run({ ...input, name: input.name.trim(), nameKey: teamKey(input.name) });
    return this.get(Number(info.lastInsertRowid)) as Team;
  }

  /** Soft removal: past rounds and summaries keep pointing at the team. */
  remove(id: number, now: string): void {
    this.removeTeam.run(now, id);
    this.db.prepare('UPDATE members SET left_at = ? WHERE team_id = ? AND left_at IS NULL').run(now, id);
  }

  schedule(id: number, cron: string, timezone: string, openDays: number, now: string): void {
    this.setSchedule.run(cron, timezone, openDays, now, id);
  }

  members(teamId: number): Member[] {
    return this.currentMembers.all(teamId).map(toMember);
  }

  member(teamId: number, userId: string): Member | undefined {
    const row = this.currentMember.get(teamId, userId);
    return row && toMember(row);
  }

  /**
   * Puts a person on the team in a role. A role change ends the old membership and starts a new
   * one, so past rosters stay true. Returns what changed.
   */
  upsertMember(input: {
    workspaceId: string;
    teamId: number;
    userId: string;
    role: Role;
    specialty: Specialty | null;
    now: string;
  }): 'added' | 'changed' | 'unchanged' {
    return immediateTransaction(this.db, () => {
      const current = this.member(input.teamId, input.userId);
      if (current && current.role === input.role && current.specialty === input.specialty) return 'unchanged';
      if (current) this.endMembership.run(input.now, input.teamId, input.userId);
      this.insertMember.run(input);
      return current ? 'changed' : 'added';
    });
  }

  /** Returns whether the person was on the team. */
  endMember(teamId: number, userId: string, now: string): boolean {
    return this.endMembership.run(now, teamId, userId).changes > 0;
  }

  private readonly endEveryMembership = this.db.prepare(
    'UPDATE members SET left_at = ? WHERE workspace_id = ? AND user_id = ? AND left_at IS NULL',
  );

  /** Takes a person off every team of the workspace; returns on how many they were. */
  endMemberships(workspaceId: string, userId: string, now: string): number {
    return this.endEveryMembership.run(now, workspaceId, userId).changes;
  }

  private readonly distinctPeople = this.db.prepare<[string], { people: number; several: number }>(
    `SELECT count(*) AS people, coalesce(sum(teams > 1), 0) AS several FROM (
       SELECT m.user_id, count(DISTINCT m.team_id) AS teams FROM members m JOIN teams t ON t.id = m.team_id
       WHERE t.workspace_id = ? AND t.removed_at IS NULL AND m.left_at IS NULL GROUP BY m.user_id)`,
  );

  /** How many different people the live rosters hold, and how many of them are on several teams. */
  people(workspaceId: string): { people: number; onSeveralTeams: number } {
    const row = this.distinctPeople.get(workspaceId);
    return { people: row?.people ?? 0, onSeveralTeams: row?.several ?? 0 };
  }

  private readonly membershipsOfUser = this.db.prepare<
    [string, string],
    { name: string; role: Role; specialty: Specialty | null; joined_at: string }
  >(
    `SELECT t.name, m.role, m.specialty, m.joined_at FROM members m JOIN teams t ON t.id = m.team_id
     WHERE t.workspace_id = ? AND m.user_id = ? AND m.left_at IS NULL AND t.removed_at IS NULL ORDER BY t.name_key`,
  );

  /** The person's current memberships: team, role and since when. */
  membershipsOf(
    workspaceId: string,
    userId: string,
  ): Array<{ teamName: string; role: Role; specialty: Specialty | null; since: string }> {
    return this.membershipsOfUser
      .all(workspaceId, userId)
      .map((r) => ({ teamName: r.name, role: r.role, specialty: r.specialty, since: r.joined_at }));
  }

  private readonly workspacesWithTeams = this.db.prepare<[], { workspace_id: string }>(
    'SELECT DISTINCT workspace_id FROM teams ORDER BY workspace_id',
  );

  /** Every workspace that has ever had a team in this database, for the CLI report. */
  workspaceIds(): string[] {
    return this.workspacesWithTeams.all().map((r) => r.workspace_id);
  }
}

interface MemberRow {
  team_id: number;
  user_id: string;
  role: Role;
  specialty: Specialty | null;
  joined_at: string;
}

const toMember = (r: MemberRow): Member => ({
  teamId: r.team_id,
  userId: r.user_id,
  role: r.role,
  specialty: r.specialty,
  joinedAt: r.joined_at,
});
