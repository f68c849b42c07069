import { isValidTimeZone, nextOccurrence, parseCron } from '../../domain/schedule.js';
import { InvalidInputError } from '../../services/errors.js';
import { systemClock } from '../../services/ports.js';
import { escapeText, slackDate } from '../views/format.js';
import { textReply } from '../views/replies.js';
import { defineCommand } from './module.js';

export const schedule = defineCommand<'schedule'>({
  key: 'schedule',
  access: { who: 'leads', what: 'change its schedule', team: (c) => c.team },
  local: false,
  run: async (ctx, command, { org, clock }) => {
    const team = org.team(ctx.workspaceId, command.team);
    const cron = parseCron(command.cron);
    if (!cron.ok) throw new InvalidInputError(cron.message);
    const timezone = command.timezone ?? team.timezone;
    if (!isValidTimeZone(timezone)) {
      throw new InvalidInputError(
        `“${escapeText(timezone)}” is not a time zone I know. Use an IANA name such as Europe/London. Example: \`/tooth-tail schedule ${escapeText(team.name)} 0 10 * * MON tz Europe/London open 3d\``,
      );
    }
    const openDays = command.openDays ?? team.openDays;
    org.setSchedule(team, command.cron, timezone, openDays);
    const next = nextOccurrence(cron.cron, timezone, (clock ?? systemClock)());
    return textReply(
      `*${escapeText(team.name)}* check-ins open at \`${command.cron}\` (${timezone}) for ${openDays} day${openDays === 1 ? '' : 's'}; each person is asked at that local time in their own zone.${next ? ` Next: ${slackDate(next.toISOString())}.` : ''}`,
    );
  },
});
