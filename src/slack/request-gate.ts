/**
 * Lets background work (the outbox's sends) give way to requests from Slack. A request must be
 * acknowledged within 3 s and a person is waiting on it; a queued message (a DM changing to
 * "Thanks, recorded") can wait a moment. Node runs both on one thread, so under a burst of
 * requests every send made between them delays the acks behind it.
 *
 * `quiet()` resolves once no request is being handled and none has arrived for `quietMs`, and
 * never later than `maxWaitMs` after it was called, so sends are delayed by a lull at most and
 * never starved by steady traffic.
 */
export class RequestGate {
  private inFlight = 0;
  private lastArrival = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: { quietMs: number; maxWaitMs: number } = { quietMs: 20, maxWaitMs: 1000 },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A request arrived; call the returned function (once or more) when it has been answered. */
  enter(): () => void {
    this.inFlight++;
    this.lastArrival = this.now();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight--;
    };
  }

  /** Resolves in the next lull of requests, or after `maxWaitMs` at the latest. */
  async quiet(): Promise<void> {
    const { quietMs, maxWaitMs } = this.options;
    const deadline = this.now() + maxWaitMs;
    for (;;) {
      const now = this.now();
      const wait = this.inFlight > 0 ? quietMs : this.lastArrival + quietMs - now;
      if (wait <= 0 || now >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, deadline - now)));
    }
  }
}
