import type { Role, Specialty } from '../domain/types.js';
import { Repository } from './repository.js';

export type JoinStatus = 'pending' | 'approved' | 'declined';

export interface JoinRequest {
  id: number;
  workspaceId: string;
  teamId: number;
  userId: string;
  role: Role;
  specialty: Specialty | null;
  status: JoinStatus;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

interface Row {
  id: number;
  workspace_id: string;
  team_id: number;
  user_id: string;
  role: Role;
  specialty: Specialty | null;
  status: JoinStatus;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
}

const toRequest = (r: Row): JoinRequest => ({
  id: r.id,
  workspaceId: r.workspace_id,
  teamId: r.team_id,
  userId: r.user_id,
  role: r.role,
  specialty: r.specialty,
  status: r.status,
  requestedAt: r.requested_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
});

/** `join` requests waiting for a lead or an admin. */
export class JoinRequestRepository extends Repository {
  private readonly byId = this.db.prepare<[number], Row>('SELECT * FROM join_requests WHERE id = ?');
  private readonly pendingOf = this.db.prepare<[number, string], Row>(
    "SELECT * FROM join_requests WHERE team_id = ? AND user_id = ? AND status = 'pending'",
  );
  private readonly insert = this.db.prepare(
    `INSERT INTO join_requests (workspace_id, team_id, user_id, role, specialty, requested_at)
     VALUES (@workspaceId, @teamId, @userId, @role, @specialty, @now)`,
  );
  private readonly decideOnce = this.db.prepare(
    "UPDATE join_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
  );

  get(id: number): JoinRequest | undefined {
    const row = this.byId.get(id);
    return row && toRequest(row);
  }

  pending(teamId: number, userId: string): JoinRequest | undefined {
    const row = this.pendingOf.get(teamId, userId);
    return row && toRequest(row);
  }

  add(input: {
    workspaceId: string;
    teamId: number;
    userId: string;
    role: Role;
    specialty: Specialty | null;
    now: string;
  }): JoinRequest {
    const info = this.insert.run(input);
    return this.get(Number(info.lastInsertRowid)) as JoinRequest;
  }

  /** Records the decision if the request is still pending; returns whether this call decided it. */
  decide(id: number, status: 'approved' | 'declined', decidedBy: string, now: string): boolean {
    return this.decideOnce.run(status, decidedBy, now, id).changes > 0;
  }
}
