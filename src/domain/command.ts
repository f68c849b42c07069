// What `/tooth-tail <text>` can mean (SPEC section 6). The grammar lives in parse-command.ts;
// this file is the shape the rest of the app works with.
import type { Cadence, Role, Specialty } from './types.js';

/** `<@U123|name>` or `<@U123>` gives an id; a plain `@name` gives a name to resolve. */
export type UserRef = { id: string; name?: string } | { id?: undefined; name: string };
/** `<#C123|name>` or `<#C123>` gives an id; a plain `#name` gives a name to resolve. */
export type ChannelRef = { id: string; name?: string } | { id?: undefined; name: string };

/** `<!subteam^S123|@name>` or `<!subteam^S123>` gives an id; a plain `@name` gives a handle to resolve. */
export type UsergroupRef = { id: string; handle?: string } | { id?: undefined; handle: string };

export interface RoleSpec {
  role: Role;
  specialty: Specialty | null;
}

/** A team's or the org's digests. */
export type Scope = { kind: 'team'; team: string } | { kind: 'all' };

export type Command =
  | { kind: 'help' }
  | { kind: 'summary'; team: string | null; post: boolean }
  | { kind: 'ratio' }
  | { kind: 'teams' }
  | { kind: 'team-add'; team: string; channel: ChannelRef | null; timezone: string | null }
  | { kind: 'team-remove'; team: string }
  | { kind: 'roster-add'; team: string; users: UserRef[]; role: RoleSpec }
  | { kind: 'roster-remove'; team: string; users: UserRef[] }
  | { kind: 'roster-sync'; team: string; group: UsergroupRef; role: RoleSpec }
  | { kind: 'roster-unsync'; team: string; group: UsergroupRef }
  | { kind: 'blocker-themes'; turn: 'on' | 'off' | null }
  | { kind: 'lead-add'; team: string; users: UserRef[] }
  | { kind: 'lead-remove'; team: string; users: UserRef[] }
  | { kind: 'ratio-access'; visibility: 'everyone' | 'leads' }
  | { kind: 'join'; team: string; role: RoleSpec }
  | { kind: 'leave'; team: string }
  | { kind: 'schedule'; team: string; cron: string; timezone: string | null; openDays: number | null }
  | { kind: 'survey-now'; team: string }
  | { kind: 'survey-close'; team: string }
  | {
      kind: 'subscribe';
      channel: ChannelRef | null;
      scope: Scope | null;
      cadence: Cadence | null;
      /**
       * The other reading of an unquoted team name of two words or more, when no cadence was
       * given: the name without its last word, and that word as a cadence typed wrong
       * (`subscribe Recommendations sometimes`). Only the team list can tell which is meant, so
       * the service that looks the team up decides (OrgService.subscribedTeam).
       */
      cadenceSlip: CadenceSlip | null;
    }
  | { kind: 'unsubscribe'; channel: ChannelRef | null; scope: Scope | null }
  | { kind: 'subscriptions' }
  | { kind: 'export'; team: string | null }
  | { kind: 'forget-me' };

/** `subscribe`'s team name read as a shorter name (`team`) followed by a cadence (`word`). */
export interface CadenceSlip {
  team: string;
  word: string;
}

export type CommandKind = Command['kind'];

/** The input could not be read; `message` says what was wrong, `usage` how to write it. */
export interface UsageError {
  kind: 'usage-error';
  message: string;
  usage: string;
}

export type ParseResult = Command | UsageError;
