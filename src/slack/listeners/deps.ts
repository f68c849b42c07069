import type { Logger } from '@slack/bolt';
import type { AccessService } from '../../services/access.js';
import type { ChannelService } from '../../services/channels.js';
import type { DepartureService } from '../../services/departures.js';
import type { Directory } from '../../services/directory.js';
import type { InstallService } from '../../services/installs.js';
import type { OrgService } from '../../services/org.js';
import type { SlackPort } from '../../services/ports.js';
import type { ReportService } from '../../services/reports.js';
import type { RosterSyncService } from '../../services/roster-sync.js';
import type { RoundService } from '../../services/rounds.js';
import type { RoundRepository } from '../../storage/rounds.js';
import type { CheckInSubmissions } from '../check-in-submissions.js';
import type { CheckInThread } from '../check-in-thread.js';
import type { CommandRunner } from '../commands/command-runner.js';
import type { HomeService } from '../home.js';

/** Everything the listeners call: services only, never repositories' SQL. */
export interface ListenerDeps {
  commands: CommandRunner;
  rounds: RoundService;
  /** Records the check-in modal's answers (a turn's submissions in one transaction). */
  submissions: Pick<CheckInSubmissions, 'record'>;
  /** Opens the check-in modal (on a thread of its own). */
  modals: Pick<CheckInThread, 'openModal'>;
  roundRepo: RoundRepository;
  org: OrgService;
  access: AccessService;
  reports: ReportService;
  directory: Directory;
  slack: SlackPort;
  home: HomeService;
  channels: ChannelService;
  departures: DepartureService;
  installs: InstallService;
  rosterSync: RosterSyncService;
  logger: Logger;
}
