import { escapeText } from '../domain/escape.js';
import { USAGE, unknownCadenceMessage } from '../domain/parse-command.js';
import { slackDate } from './when.js';

// Errors a person can cause and fix. Each carries a code for the logs and a message written
// for the person who typed the command (it is shown to them as is).

export abstract class AppError extends Error {
  abstract readonly code: string;
}

export class NotAdminError extends AppError {
  readonly code = 'not_admin';
  constructor(what: string) {
    super(
      `Sorry, only tooth-tail admins can ${what}. Admins are workspace admins and owners, and the people in ADMIN_USER_IDS.`,
    );
  }
}

/** A refusal that names who can do it, for anything other than the admin-only commands. */
export class NotAllowedError extends AppError {
  readonly code = 'not_allowed';
}

export class TeamNotFoundError extends AppError {
  readonly code = 'team_not_found';
  constructor(name: string, known: string[]) {
    super(
      known.length === 0
        ? `There is no team called “${escapeText(name)}”; there are no teams yet. An admin can add one with \`/tooth-tail team add <name>\`.`
        : `There is no team called “${escapeText(name)}”. Teams: ${known.map(escapeText).join(', ')}.`,
    );
  }
}

/**
 * `subscribe <team> <word>` where no team has the whole name but one has it without `word`: the
 * word was meant as a cadence. Worded as the parser words a cadence it knows is not one.
 */
export class UnknownCadenceError extends AppError {
  readonly code = 'unknown_cadence';
  constructor(word: string) {
    super(`${unknownCadenceMessage(word)}\nUsage: ${USAGE.subscribe}`);
  }
}

export class TeamExistsError extends AppError {
  readonly code = 'team_exists';
  constructor(name: string) {
    super(`A team called “${escapeText(name)}” already exists.`);
  }
}

export class RoundOpenError extends AppError {
  readonly code = 'round_already_open';
  constructor(name: string, closesAt: string) {
    const team = escapeText(name);
    super(
      `${team} already has a check-in open${closesAt ? ` until ${slackDate(closesAt)}` : ''}. Close it first with \`/tooth-tail survey close ${team}\`.`,
    );
  }
}

export class NoOpenRoundError extends AppError {
  readonly code = 'no_open_round';
  constructor(name: string) {
    const team = escapeText(name);
    super(`${team} has no check-in open. Open one with \`/tooth-tail survey now ${team}\`.`);
  }
}

export class EmptyRosterError extends AppError {
  readonly code = 'empty_roster';
  constructor(name: string) {
    const team = escapeText(name);
    super(
      `${team} has nobody on its roster yet. Add people with \`/tooth-tail roster add ${team} @person as data-scientist\`.`,
    );
  }
}

export class RoundClosedError extends AppError {
  readonly code = 'round_closed';
  constructor() {
    super('This check-in has closed, so answers can no longer be recorded or changed. Thanks anyway!');
  }
}

export class NotInRoundError extends AppError {
  readonly code = 'not_in_round';
  constructor() {
    super('You were not asked in this check-in, so there is nothing to answer here.');
  }
}

export class UnknownUserError extends AppError {
  readonly code = 'unknown_user';
  constructor(names: string[]) {
    super(
      `I could not find ${names.map((n) => `@${escapeText(n)}`).join(', ')} in this workspace. Pick people from Slack's @-mention list so their ids come through.`,
    );
  }
}

export type IneligibleReason = 'deactivated' | 'bot' | 'external';

const INELIGIBLE_WHY: Record<IneligibleReason, string> = {
  deactivated: 'their Slack account is deactivated',
  bot: 'is a bot, and bots are not asked',
  external: 'is from another organisation (Slack Connect), and only people in this workspace are asked',
};

export class IneligibleMemberError extends AppError {
  readonly code = 'ineligible_member';
  constructor(people: Array<{ userId: string; reason: IneligibleReason }>) {
    super(
      `Nothing was changed. ${people
        .map(({ userId, reason }) =>
          reason === 'deactivated'
            ? `<@${userId}>: ${INELIGIBLE_WHY[reason]}.`
            : `<@${userId}> ${INELIGIBLE_WHY[reason]}.`,
        )
        .join(' ')}`,
    );
  }
}

export class UnknownChannelError extends AppError {
  readonly code = 'unknown_channel';
  constructor(name: string) {
    super(
      `I could not find the channel #${escapeText(name)}. Pick it from Slack's #-channel list so its id comes through.`,
    );
  }
}

export class InvalidInputError extends AppError {
  readonly code = 'invalid_input';
}
