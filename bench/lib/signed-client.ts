// Slack's side of the ack-latency benchmark: signed posts over loopback at a fixed concurrency,
// the same code for the app and for its floor, timing each request to its HTTP response (the ack).
import http from 'node:http';
import { signRequest } from '../../src/sandbox/signing.js';

/** A request body as Slack sends it (form-encoded command or interaction). */
export interface SlackBody {
  body: string;
  contentType: string;
}

export interface LoadResult {
  /** Milliseconds from writing the request to the end of the response, one per request. */
  latencies: number[];
  /** Requests answered with anything but HTTP 200, or not answered. */
  failures: number;
  firstFailure?: string;
}

/**
 * How long a kept-alive socket may sit idle before the client closes it. A Node server closes one
 * after 5 s (`keepAliveTimeout`) and Node's agent keeps it for ever unless told otherwise: a block
 * that began after a longer wait reused sockets the server was closing at that moment, and some of
 * its requests failed with ECONNRESET (the floor, 8 of 200, after the 2,000 warm-up clicks of the
 * apps before it in the rotation). Closed by the client first, the socket is opened again for the
 * next request, a loopback handshake that every app's block pays alike.
 */
export const IDLE_SOCKET_MS = 4000;

export class SignedClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(
    url: string,
    private readonly secret: string,
    concurrency: number,
    private readonly timeoutMs = 10_000,
    idleSocketMs = IDLE_SOCKET_MS,
  ) {
    this.target = new URL(url);
    // Keep-alive: the sockets stay open across requests, so each figure is the app's work and
    // not a TCP handshake. The floor gets the very same client. A socket idle for `idleSocketMs`
    // is closed by the client, before the server closes it.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, timeout: idleSocketMs });
  }

  /** Sockets open and idle, waiting for the next request. */
  idleSockets(): number {
    return Object.values(this.agent.freeSockets).reduce((n, sockets) => n + (sockets?.length ?? 0), 0);
  }

  /**
   * Posts `bodies` in order with `concurrency` in flight; each is signed just before it is sent.
   * A function is called for its body just before sending (a click needs a fresh trigger_id).
   */
  async load(bodies: ReadonlyArray<SlackBody | (() => SlackBody)>, concurrency: number): Promise<LoadResult> {
    const result: LoadResult = { latencies: [], failures: 0 };
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const entry = bodies[next++] as SlackBody | (() => SlackBody);
        const answer = await this.post(typeof entry === 'function' ? entry() : entry);
        if (answer.status === 200) result.latencies.push(answer.ms);
        else {
          result.failures += 1;
          result.firstFailure ??= `HTTP ${answer.status} ${answer.text.slice(0, 200)}`;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return result;
  }

  post(item: SlackBody): Promise<{ status: number; text: string; ms: number }> {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': item.contentType,
      'content-length': Buffer.byteLength(item.body),
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signRequest(this.secret, timestamp, item.body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    return new Promise((resolve) => {
      const started = performance.now();
      const req = http.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          headers,
          agent: this.agent,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.once('end', () =>
            resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - started }),
          );
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error('timed out')));
      req.once('error', (error) =>
        resolve({ status: 0, text: error.message, ms: performance.now() - started }),
      );
      req.end(item.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
