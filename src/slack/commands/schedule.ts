import { isValidTimeZone, nextOccurrence, parseCron } from '../../domain/schedule.js';
import { windowOverlap } from '../../domain/schedule-window.js';
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
    const now = (clock ?? systemClock)();
    const overlap = windowOverlap(cron.cron, timezone, openDays, now);
    if (overlap) throw new InvalidInputError(overlapMessage(command.cron, openDays, overlap));
    org.setSchedule(team, command.cron, timezone, openDays);
    const next = nextOccurrence(cron.cron, timezone, now);
    return textReply(
      `*${escapeText(team.name)}* check-ins open at \`${command.cron}\` (${timezone}) for ${openDays} day${openDays === 1 ? '' : 's'}; each person is asked at that local time in their own zone.${next ? ` Next: ${slackDate(next.toISOString())}.` : ''}`,
    );
  },
});

const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;

function gapText(ms: number): string {
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} minutes`;
  const hours = Math.round(ms / 3_600_000);
  return hours < 48 ? `${hours} hour${hours === 1 ? '' : 's'}` : days(Math.round(hours / 24));
}

/** Why the schedule is refused, and what would fit. */
function overlapMessage(cron: string, openDays: number, overlap: { gapMs: number; longestOpenDays: number }) {
  const fix =
    overlap.longestOpenDays >= 1
      ? `Use \`open ${overlap.longestOpenDays}d\` or less, or a less frequent schedule.`
      : 'A check-in stays open at least a day, so choose a schedule that opens at most once a day.';
  return `Nothing was changed: each check-in stays open ${days(openDays)}, but \`${cron}\` opens the next one ${gapText(overlap.gapMs)} after the last, while it would still be open. ${fix}`;
}
