// The Web API methods the sandbox speaks, by their Slack names.
import * as auth from './auth.js';
import * as chat from './chat.js';
import * as conversations from './conversations.js';
import * as files from './files.js';
import type { Method } from './method.js';
import * as usergroups from './usergroups.js';
import * as users from './users.js';
import * as views from './views.js';

export const METHODS: Readonly<Record<string, Method>> = {
  'auth.test': auth.test,
  'apps.connections.open': auth.connectionsOpen,
  'chat.postMessage': chat.postMessage,
  'chat.update': chat.update,
  'chat.delete': chat.remove,
  'chat.postEphemeral': chat.postEphemeral,
  'conversations.open': conversations.open,
  'conversations.list': conversations.list,
  'conversations.info': conversations.info,
  'conversations.join': conversations.join,
  'users.info': users.info,
  'users.list': users.list,
  'usergroups.list': usergroups.list,
  'usergroups.users.list': usergroups.usersList,
  'views.open': views.open,
  'views.push': views.push,
  'views.update': views.update,
  'views.publish': views.publish,
  'files.getUploadURLExternal': files.getUploadURLExternal,
  'files.completeUploadExternal': files.completeUploadExternal,
};

export { type MethodContext, SlackApiError } from './method.js';
