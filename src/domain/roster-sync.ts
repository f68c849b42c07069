// Rosters kept equal to Slack user groups (SPEC section 6, `roster sync`). Pure: which people a
// team should have, in which role, given its synced groups' members, and what to change to get there.
import type { RoleSpec, UsergroupRef } from './command.js';
import type { RosterEntry } from './types.js';

export type { UsergroupRef } from './command.js';

// Slack escapes a user group mention as <!subteam^ID|@handle> (or <!subteam^ID> with no label).
const ESCAPED = /^<!subteam\^([A-Z0-9]+)(?:\|@?([^>]*))?>$/;
const PLAIN = /^@([a-z0-9._-]+)$/i;

/** Reads one user group mention, escaped or typed; undefined when it is neither. */
export function parseUsergroupMention(word: string): UsergroupRef | undefined {
  const escaped = ESCAPED.exec(word);
  if (escaped) {
    const [, id, handle] = escaped;
    return handle ? { id: id as string, handle } : { id: id as string };
  }
  const plain = PLAIN.exec(word);
  return plain ? { handle: (plain[1] as string).toLowerCase() } : undefined;
}

/** One synced group of a team, in the order the syncs were made. */
export interface SyncedGroup extends RoleSpec {
  userIds: readonly string[];
}

/**
 * The roster a team's synced groups call for: everyone in any of them, in their group's role. A
 * person in two of a team's groups with different roles takes the role of the group synced first,
 * so the outcome never depends on the order events arrive in.
 */
export function desiredRoster(groups: readonly SyncedGroup[]): RosterEntry[] {
  const byUser = new Map<string, RosterEntry>();
  for (const group of groups) {
    for (const userId of group.userIds) {
      if (!byUser.has(userId))
        byUser.set(userId, {
          userId,
          role: group.role,
          specialty: group.role === 'engineer' ? group.specialty : null,
        });
    }
  }
  return [...byUser.values()];
}

export interface RosterChanges {
  /** People to put on the team, or whose role changes. */
  upsert: RosterEntry[];
  /** People to take off the team. */
  remove: string[];
}

/** What to change so that `current` becomes `desired`: nothing for who already matches. */
export function rosterChanges(
  current: readonly RosterEntry[],
  desired: readonly RosterEntry[],
): RosterChanges {
  const now = new Map(current.map((m) => [m.userId, m]));
  const wanted = new Set(desired.map((m) => m.userId));
  return {
    upsert: desired.filter((d) => {
      const m = now.get(d.userId);
      return m === undefined || m.role !== d.role || (m.specialty ?? null) !== (d.specialty ?? null);
    }),
    remove: current.filter((m) => !wanted.has(m.userId)).map((m) => m.userId),
  };
}
