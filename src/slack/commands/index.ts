// Every `/tooth-tail` command module. A new command is a new module (and its grammar key in
// src/domain/parse-command.ts), listed here.
import { blockers } from './blockers.js';
import { exportCsv } from './export.js';
import { forgetMe } from './forget-me.js';
import { help } from './help.js';
import { leadAdd, leadRemove } from './lead.js';
import { join, leave } from './membership.js';
import type { CommandModule } from './module.js';
import { ratio, ratioAccess } from './ratio.js';
import { rosterAdd, rosterRemove } from './roster.js';
import { rosterSync, rosterUnsync } from './roster-sync.js';
import { schedule } from './schedule.js';
import { subscribe, subscriptions, unsubscribe } from './subscriptions.js';
import { summary } from './summary.js';
import { surveyClose, surveyNow } from './survey.js';
import { teamAdd, teamRemove } from './team.js';
import { teams } from './teams.js';

export const COMMAND_MODULES: readonly CommandModule[] = [
  help,
  summary,
  ratio,
  ratioAccess,
  teams,
  teamAdd,
  teamRemove,
  rosterAdd,
  rosterRemove,
  rosterSync,
  rosterUnsync,
  leadAdd,
  leadRemove,
  join,
  leave,
  schedule,
  surveyNow,
  surveyClose,
  subscribe,
  unsubscribe,
  subscriptions,
  exportCsv,
  forgetMe,
  blockers,
];
