/**
 * Polls `fn` every 10 ms until it returns something other than undefined or false; rejects with
 * an error naming `what` after `timeoutMs`.
 */
export function waitFor<T>(
  fn: () => T | undefined | false,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      let value: T | undefined | false;
      try {
        value = fn();
      } catch (error) {
        reject(error);
        return;
      }
      if (value !== undefined && value !== false) {
        resolve(value);
        return;
      }
      if (Date.now() - started >= timeoutMs) {
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        return;
      }
      setTimeout(tick, 10);
    };
    tick();
  });
}
