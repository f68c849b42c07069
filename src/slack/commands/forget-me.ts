import { forgetMeConfirmation } from '../views/forget-me.js';
import { ANYONE, defineCommand } from './module.js';

/** Only asks for confirmation; the button's handler deletes the person's own answers. */
export const forgetMe = defineCommand<'forget-me'>({
  key: 'forget-me',
  access: ANYONE,
  local: true,
  run: async () => forgetMeConfirmation(),
});
