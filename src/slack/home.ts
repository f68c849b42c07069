import type { Directory } from '../services/directory.js';
import type { InsightService } from '../services/insight.js';
import type { OrgService } from '../services/org.js';
import type { ReportService } from '../services/reports.js';
import type { RoundRepository } from '../storage/rounds.js';
import type { UserRepository } from '../storage/users.js';
import { type HomeInput, homeView, setupHints } from './views/home.js';

/**
 * How long the admin check may take before the Home tab is published without the admin part.
 * users.info is cached, but a cold cache behind a rate limit would otherwise push the publish
 * past the 3 s the tab should appear in; the next opening shows the full view.
 */
const ADMIN_CHECK_MS = 1_500;

/** Gathers what one person may see on their App Home: their teams, check-ins and own answers. */
export class HomeService {
  constructor(
    private readonly deps: {
      org: OrgService;
      reports: ReportService;
      insight: InsightService;
      rounds: RoundRepository;
      directory: Directory;
      users: UserRepository;
      /** RETENTION_DAYS, said on the Home tab beside what is stored. */
      retentionDays: number;
      adminCheckMs?: number;
    },
  ) {}

  async view(workspaceId: string, userId: string): Promise<{ type: 'home'; blocks: unknown[] }> {
    const isAdmin = this.isAdmin(workspaceId, userId);
    const { org, reports, rounds } = this.deps;
    const liveTeams = new Map(org.teams(workspaceId).map((t) => [t.id, t.name]));
    const nameOfRound = (roundId: number, teamId?: number): string =>
      liveTeams.get(teamId ?? rounds.get(roundId)?.teamId ?? -1) ?? 'a removed team';
    const openCheckIns: HomeInput['openCheckIns'] = rounds
      .openRoundsOfMember(workspaceId, userId)
      .map((round) => ({
        teamName: nameOfRound(round.id, round.teamId),
        roundId: round.id,
        closesAt: round.closesAt,
        answered: rounds.response(round.id, userId) !== undefined,
      }));
    const ownAnswers = rounds
      .responsesOfMember(workspaceId, userId)
      .map((response) => ({ teamName: nameOfRound(response.roundId), response }));
    const input: HomeInput = {
      teams: org.teamsOf(workspaceId, userId).map((team) => ({ team, report: reports.latest(team) })),
      openCheckIns,
      ownAnswers,
      stored: {
        memberships: org.membershipsOf(workspaceId, userId),
        profile: this.deps.users.get(workspaceId, userId) ?? null,
        answers: ownAnswers.length,
        retentionDays: this.deps.retentionDays,
      },
      admin: null,
    };
    if (await isAdmin) {
      const report = this.deps.insight.orgReport(workspaceId);
      input.admin = {
        org: report,
        hints: setupHints({
          headcounts: org.headcounts(workspaceId),
          subscriptions: org.subscriptions(workspaceId).length,
          k: report.k,
        }),
      };
    }
    return homeView(input);
  }

  /** False when the check fails or is slow: the member view is always safe to show. */
  private async isAdmin(workspaceId: string, userId: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.deps.adminCheckMs ?? ADMIN_CHECK_MS);
    });
    try {
      return await Promise.race([this.deps.directory.isAdmin(workspaceId, userId).catch(() => false), slow]);
    } finally {
      clearTimeout(timer);
    }
  }
}
