// auth.test and Socket Mode's apps.connections.open.
import type { Method } from './method.js';

/** Bolt calls auth.test when an App is built with a bot token (FACTS.md), so this must answer. */
export const test: Method = {
  token: 'bot',
  run({ workspace }) {
    const { teamId, teamDomain, botUserId, botId, botName } = workspace.identity;
    return {
      ok: true,
      url: `https://${teamDomain}.slack.com/`,
      team: 'Sandbox',
      user: botName,
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    };
  },
};

/** Hands out a one-use loopback WebSocket URL, as Slack hands out a wss:// one. */
export const connectionsOpen: Method = {
  token: 'app',
  run({ issueSocketUrl }) {
    return { ok: true, url: issueSocketUrl() };
  },
};
