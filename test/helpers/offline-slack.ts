import { SlackCallError, type SlackPort } from '../../src/services/ports.js';

/**
 * A SlackPort for service-level tests that never reach the sandbox: posts succeed, nobody is
 * found. Tests that need Slack's real behaviour use the sandbox instead.
 */
export function offlineSlack(overrides: Partial<SlackPort> = {}): SlackPort {
  return {
    postMessage: async () => ({ channel: 'D1', ts: '1' }),
    updateMessage: async () => {},
    userInfo: async () => {
      throw new SlackCallError('user_not_found', true);
    },
    listUsers: async function* () {},
    findUserByName: async () => undefined,
    findChannelByName: async () => undefined,
    usergroupMembers: async () => {
      throw new SlackCallError('no_such_subteam', true);
    },
    findUsergroupByHandle: async () => undefined,
    uploadFile: async () => {},
    authTest: async () => ({ teamId: 'T0SANDBOX', botUserId: 'UBOT' }),
    conversationInfo: async () => {
      throw new SlackCallError('channel_not_found', true);
    },
    joinChannel: async () => {
      throw new SlackCallError('channel_not_found', true);
    },
    ...overrides,
  };
}
