import { helpText } from '../../domain/parse-command.js';
import { textReply } from '../views/replies.js';
import { ANYONE, defineCommand } from './module.js';

export const help = defineCommand<'help'>({
  key: 'help',
  access: ANYONE,
  local: true,
  run: async () => textReply(helpText()),
});
