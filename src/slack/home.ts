import type { Directory } from '../services/directory.js';
import type { OrgService } from '../services/org.js';
import type { ReportService } from '../services/reports.js';
import type { RoundRepository } from '../storage/rounds.js';
import { type HomeInput, homeView } from './views/home.js';

/** Gathers what one person may see on their App Home: their teams, check-ins and own answers. */
export class HomeService {
  constructor(
    private readonly deps: {
      org: OrgService;
      reports: ReportService;
      rounds: RoundRepository;
      directory: Directory;
    },
  ) {}

  async view(workspaceId: string, userId: string): Promise<Record<string, unknown>> {
    const { org, reports, rounds } = this.deps;
    const teams = org.teamsOf(workspaceId, userId);
    const openCheckIns: HomeInput['openCheckIns'] = [];
    for (const team of teams) {
      const round = rounds.openRoundOf(team.id);
      if (round && rounds.rosterEntryOf(round.id, userId)) {
        openCheckIns.push({
          teamName: team.name,
          roundId: round.id,
          closesAt: round.closesAt,
          answered: rounds.response(round.id, userId) !== undefined,
        });
      }
    }
    const teamNames = new Map(org.teams(workspaceId).map((t) => [t.id, t.name]));
    const ownAnswers = rounds.responsesOfMember(workspaceId, userId).map((response) => {
      const round = rounds.get(response.roundId);
      return { teamName: (round && teamNames.get(round.teamId)) ?? 'a removed team', response };
    });
    const isAdmin = await this.deps.directory.isAdmin(workspaceId, userId);
    return homeView({
      teams: teams.map((team) => ({ team, report: reports.latest(team) })),
      openCheckIns,
      ownAnswers,
      admin: isAdmin
        ? { teams: org.teams(workspaceId).map((team) => ({ team, report: reports.latest(team) })) }
        : null,
    });
  }
}
