import { textReply } from '../views/replies.js';
import { defineCommand } from './module.js';

export const blockers = defineCommand<'blocker-themes'>({
  key: 'blockers',
  access: { who: 'admins', what: 'turn blocker themes on or off' },
  local: true,
  run: async (ctx, command, { blockerThemes }) => {
    const settings =
      command.turn === null
        ? blockerThemes.settings(ctx.workspaceId)
        : blockerThemes.turn(ctx.workspaceId, command.turn === 'on', ctx.userId);
    return textReply(
      settings.blockerThemes
        ? 'Blocker themes are *on*: every Monday at 09:00, channels subscribed to `all` get the themes of last week’s blockers, grouped by keyword, each only when at least k people named it, with no one’s words, name, team or role, in random order. Only blockers written after this was turned on count. `/tooth-tail blockers off` stops it.'
        : 'Blocker themes are *off*: free-text blockers are never posted anywhere. `/tooth-tail blockers on` posts a weekly, unattributed list of themes to `all` channels.',
    );
  },
});
