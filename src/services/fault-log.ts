export interface FaultLogger {
  info(message: string): void;
  error(message: string): void;
}

/**
 * Background work (the sender's passes, the scheduler's tick, the lease's renewal) catches its
 * failures and tries again on its next pass. A fault that lasts, such as a database locked by
 * another process, would otherwise log the same line every pass: this logs it once when it
 * starts, with what was being done and what happens next, and once when that work succeeds again.
 */
export class FaultLog {
  private readonly failing = new Map<string, number>();

  constructor(private readonly logger: FaultLogger) {}

  /** `what` failed with `error`; `next` says what the app does about it. */
  failed(what: string, error: unknown, next: string): void {
    const count = this.failing.get(what) ?? 0;
    this.failing.set(what, count + 1);
    if (count > 0) return;
    const { code, message } = describe(error);
    this.logger.error(`${what} failed (${code}): ${message}; ${next}`);
  }

  /** `what` worked: if it had been failing, say it recovered. */
  succeeded(what: string): void {
    const count = this.failing.get(what);
    if (count === undefined) return;
    this.failing.delete(what);
    this.logger.info(`${what} works again after ${count} ${count === 1 ? 'failure' : 'failures'}`);
  }
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : error.name, message: error.message };
  }
  return { code: 'unknown', message: String(error) };
}
