import { helpText } from '../../domain/parse-command.js';
import { textReply } from '../views/replies.js';
import { ANYONE, defineCommand } from './module.js';

/** The same for everyone and from nothing in the database: kept like `ratio`'s reply. */
export const help = defineCommand<'help'>({
  key: 'help',
  access: ANYONE,
  local: true,
  cache: 'workspace',
  run: async () => textReply(helpText()),
});
