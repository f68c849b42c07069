// Benchmark 3, in process on a temp SQLite file seeded through the repositories: closing a round
// of many responses (RoundService.close), and `ratio` and `summary` over a large org
// (CommandRunner.run, as the slash command calls it). Each beside its floor: one prepared
// statement reading the same rows, without parsing or rendering them.
import path from 'node:path';
import { summariseRound } from '../src/domain/aggregate.js';
import { type Answers, PATHS_TO_PROD, PERCENT_BUCKETS, type RosterEntry } from '../src/domain/types.js';
import { type Clock, SlackCallError, type SlackPort } from '../src/services/ports.js';
import type { CommandContext } from '../src/slack/commands/command-runner.js';
import type { Db } from '../src/storage/database.js';
import { offlineServices } from '../test/helpers/services.js';
import {
  ADMIN,
  type Cleanups,
  migratedDatabase,
  type Person,
  people,
  seedTeam,
  tempDir,
  WORKSPACE,
} from './lib/setup.js';
import { median, percentile, timeAsync, timeSync } from './lib/stats.js';
import type { Row } from './lib/table.js';

export interface AggregationSizes {
  /** Responses in each round that is closed. */
  responses: number;
  /** Rounds closed (one sample each). */
  closeSamples: number;
  teams: number;
  /** Weekly closed rounds per team. */
  rounds: number;
  membersPerTeam: number;
  /** Timed runs of each command, after a few unmeasured ones. */
  iterations: number;
}

const K = 5;
const CLOSE_TARGET_MS = 200;
const COMMAND_TARGET_MS = 20;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Wired as main.ts wires them, without Slack: nothing measured here calls it. */
export function services(db: Db, clock: Clock) {
  const slack: SlackPort = new Proxy({} as SlackPort, {
    get: () => () => Promise.reject(new SlackCallError('not_in_benchmark', true)),
  });
  return offlineServices(db, {
    clock,
    slack,
    anonymityThreshold: K,
    adminUserIds: [ADMIN],
    logger: { error: (message: string) => console.error(message) },
  });
}

/** A small deterministic generator, so every run seeds the same answers. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function answersFor(entry: RosterEntry, next: () => number): Answers {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  return entry.role === 'data-scientist'
    ? {
        role: 'data-scientist',
        waitingPct: pick(PERCENT_BUCKETS),
        infraPct: pick(PERCENT_BUCKETS),
        pathToProd: pick(PATHS_TO_PROD),
        blocker: next() < 0.2 ? 'waiting for a GPU quota' : null,
      }
    : {
        role: 'engineer',
        rewritePct: pick(PERCENT_BUCKETS),
        supportPct: pick(PERCENT_BUCKETS),
        platformPct: pick(PERCENT_BUCKETS),
        blocker: null,
      };
}

const roster = (members: readonly Person[], promptAt: string): Array<RosterEntry & { promptAt: string }> =>
  members.map((m) => ({ userId: m.id, role: m.role, specialty: m.specialty, promptAt }));

export async function aggregation(sizes: AggregationSizes, cleanups: Cleanups): Promise<Row[]> {
  const dir = tempDir(cleanups);
  return [
    ...closeRound(sizes, path.join(dir, 'close.db')),
    ...(await orgCommands(sizes, path.join(dir, 'org.db'))),
  ];
}

function closeRound(sizes: AggregationSizes, file: string): Row[] {
  const db = migratedDatabase(file);
  try {
    const now = new Date();
    const s = services(db, () => now);
    const next = random(1);
    const readResponses = db.prepare('SELECT * FROM responses WHERE round_id = ?');
    const closeMs: number[] = [];
    const floorMs: number[] = [];
    for (let sample = 0; sample < sizes.closeSamples; sample++) {
      const members = people(`U${sample}C`, sizes.responses);
      const team = seedTeam(db, `Close ${sample}`, members, now);
      // A channel following the team and one following the whole org, both each round: closing
      // then also queues their digests and charts.
      for (const teamId of [team.id, null]) {
        s.subscriptions.subscribe({
          workspaceId: WORKSPACE,
          channelId: teamId === null ? 'C0ORG' : 'C0LEADS',
          teamId,
          cadence: 'each-round',
          createdBy: ADMIN,
          now: now.toISOString(),
        });
      }
      const at = now.toISOString();
      const round = db.transaction(() => {
        const entries = roster(members, at);
        const opened = s.rounds.open({
          workspaceId: WORKSPACE,
          teamId: team.id,
          scheduledFor: null,
          openedAt: at,
          closesAt: new Date(now.getTime() + 3 * DAY_MS).toISOString(),
          openedBy: ADMIN,
          roster: entries,
        });
        for (const entry of entries) {
          s.rounds.saveResponse({
            workspaceId: WORKSPACE,
            roundId: opened.id,
            userId: entry.userId,
            answers: answersFor(entry, next),
            now: at,
          });
        }
        return opened;
      })();
      readResponses.all(round.id);
      floorMs.push(...timeSync(() => readResponses.all(round.id), 1, 0));
      closeMs.push(...timeSync(() => s.roundService.close(round.id), 1, 0));
    }
    return [
      {
        benchmark: `close a round of ${sizes.responses} responses`,
        figure: median(closeMs),
        floor: median(floorMs),
        unit: 'ms',
        floorIs: 'SELECT its responses',
        target: `≤ ${CLOSE_TARGET_MS} ms`,
        met: median(closeMs) <= CLOSE_TARGET_MS,
        note: `RoundService.close, median of ${closeMs.length} (max ${Math.max(...closeMs).toFixed(1)} ms)`,
      },
    ];
  } finally {
    db.close();
  }
}

async function orgCommands(sizes: AggregationSizes, file: string): Promise<Row[]> {
  const db = migratedDatabase(file);
  try {
    const now = new Date();
    const s = services(db, () => now);
    const caller = seedOrg(db, s, sizes, now);
    const ctx: CommandContext = {
      workspaceId: WORKSPACE,
      userId: caller,
      channelId: 'C0LEADS',
      channelName: 'leads',
    };
    // The rows each command cannot do without: every team's latest two summaries (the table and
    // its trend), or the caller's team's.
    const latestTwo = db.prepare(
      'SELECT * FROM round_summaries WHERE team_id = ? ORDER BY closed_at DESC, round_id DESC LIMIT 2',
    );
    const teamIds = s.teams.list(WORKSPACE).map((t) => t.id);
    const callerTeams = s.teams.listForUser(WORKSPACE, caller).map((t) => t.id);
    const floors = {
      ratio: () => {
        for (const id of teamIds) latestTwo.all(id);
      },
      summary: () => {
        for (const id of callerTeams) latestTwo.all(id);
      },
    };
    const rows: Row[] = [];
    for (const text of ['ratio', 'summary'] as const) {
      const reply = await s.commands.run(ctx, text);
      if (!JSON.stringify(reply).includes('Team 001'))
        throw new Error(`/tooth-tail ${text} answered: ${reply.text}`);
      const figure = await timeAsync(() => s.commands.run(ctx, text), sizes.iterations, 5);
      const floor = timeSync(floors[text], sizes.iterations, 5);
      rows.push({
        benchmark: `\`${text}\`, ${sizes.teams} teams × ${sizes.rounds} rounds`,
        figure: median(figure),
        floor: median(floor),
        unit: 'ms',
        floorIs: 'SELECT the summaries shown',
        target: `≤ ${COMMAND_TARGET_MS} ms`,
        met: median(figure) <= COMMAND_TARGET_MS,
        note: `CommandRunner.run, median of ${figure.length} (p99 ${percentile(figure, 99).toFixed(1)} ms)`,
      });
    }
    return rows;
  } finally {
    db.close();
  }
}

/**
 * `teams` teams of `membersPerTeam`, each with `rounds` weekly rounds that closed with a stored
 * summary, about four in five members answering. Returns a member of the first team.
 */
export function seedOrg(db: Db, s: ReturnType<typeof services>, sizes: AggregationSizes, now: Date): string {
  const next = random(2);
  const firstWeek = now.getTime() - (sizes.rounds + 1) * WEEK_MS;
  let caller = '';
  for (let t = 0; t < sizes.teams; t++) {
    const members = people(`U${t}T`, sizes.membersPerTeam);
    caller ||= (members[0] as Person).id;
    const team = seedTeam(db, `Team ${String(t + 1).padStart(3, '0')}`, members, new Date(firstWeek));
    db.transaction(() => {
      for (let w = 0; w < sizes.rounds; w++) {
        const openedAt = new Date(firstWeek + w * WEEK_MS).toISOString();
        const closedAt = new Date(firstWeek + w * WEEK_MS + 3 * DAY_MS).toISOString();
        const entries = roster(members, openedAt);
        const round = s.rounds.open({
          workspaceId: WORKSPACE,
          teamId: team.id,
          scheduledFor: openedAt,
          openedAt,
          closesAt: closedAt,
          openedBy: ADMIN,
          roster: entries,
        });
        const answers: Answers[] = [];
        for (const entry of entries) {
          if (next() > 0.8) continue;
          const a = answersFor(entry, next);
          answers.push(a);
          s.rounds.saveResponse({
            workspaceId: WORKSPACE,
            roundId: round.id,
            userId: entry.userId,
            answers: a,
            now: openedAt,
          });
        }
        s.rounds.close(round.id, closedAt);
        s.summaries.save({
          roundId: round.id,
          workspaceId: WORKSPACE,
          teamId: team.id,
          teamName: team.name,
          openedAt,
          closedAt,
          figures: summariseRound(entries, answers, K),
        });
      }
    })();
  }
  return caller;
}
