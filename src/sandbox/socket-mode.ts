// Slack's side of Socket Mode (SPEC section 8): a loopback WebSocket that greets with `hello`,
// sends envelopes and waits for each envelope's ack.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface EnvelopeAck {
  /** 200 when acked, 504 when the app did not ack within the timeout, 503 when no app is connected. */
  status: number;
  /** The ack's payload; an empty payload (what `ack()` sends) is reported as null. */
  body: unknown;
  ackMs: number;
}

interface Pending {
  resolve: (ack: EnvelopeAck) => void;
  timer: NodeJS.Timeout;
  sentAt: number;
}

/** What @slack/socket-mode sends back: `{ envelope_id, payload }` (SocketModeClient.send). */
const ackMessage = z.object({ envelope_id: z.string(), payload: z.unknown().optional() });

export interface SocketModeServerOptions {
  appId: string;
  /** How long to wait for an ack. */
  ackTimeoutMs: number;
  /**
   * Slack pings each connection; @slack/socket-mode starts its 30 s "no ping from server" timer at
   * the first ping (SlackWebSocket.monitorPingFromSlack), so any interval well below 30 s keeps it
   * quiet. The client's own pings are answered with pongs by `ws` automatically.
   */
  pingIntervalMs: number;
}

function isEmpty(payload: unknown): boolean {
  return (
    payload === undefined ||
    payload === null ||
    (typeof payload === 'object' && !Array.isArray(payload) && Object.keys(payload).length === 0)
  );
}

export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets: WebSocket[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly pingTimers = new Map<WebSocket, NodeJS.Timeout>();

  constructor(private readonly options: SocketModeServerOptions) {}

  /** A one-use URL for apps.connections.open; `wsBase` is `ws://127.0.0.1:PORT`. */
  issueUrl(wsBase: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${wsBase}/socket?ticket=${ticket}`;
  }

  get connectionCount(): number {
    return this.sockets.length;
  }

  /** Accepts an upgrade on /socket carrying an unused ticket; refuses anything else with 401. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/socket' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.sockets.push(ws);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.forget(ws));
    ws.on('error', () => this.forget(ws));
    const ping = setInterval(() => ws.ping(), this.options.pingIntervalMs);
    ping.unref();
    this.pingTimers.set(ws, ping);
    // Shaped like Slack's greeting; @slack/socket-mode resolves start() when it arrives.
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.length,
        debug_info: { host: 'sandbox', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.options.appId },
      }),
    );
  }

  private forget(ws: WebSocket): void {
    const index = this.sockets.indexOf(ws);
    if (index >= 0) this.sockets.splice(index, 1);
    clearInterval(this.pingTimers.get(ws));
    this.pingTimers.delete(ws);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) return;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    } catch {
      return;
    }
    const ack = ackMessage.safeParse(json);
    if (!ack.success) return;
    const pending = this.pending.get(ack.data.envelope_id);
    if (pending === undefined) return;
    this.settle(ack.data.envelope_id, {
      status: 200,
      body: isEmpty(ack.data.payload) ? null : ack.data.payload,
      ackMs: Date.now() - pending.sentAt,
    });
  }

  private settle(envelopeId: string, ack: EnvelopeAck): void {
    const pending = this.pending.get(envelopeId);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.pending.delete(envelopeId);
    pending.resolve(ack);
  }

  /** Sends one envelope over the newest connection and waits for its ack. */
  send(
    type: EnvelopeType,
    payload: unknown,
    extra: { acceptsResponsePayload: boolean; retryAttempt?: number; retryReason?: string },
  ): Promise<EnvelopeAck> {
    const ws = this.sockets.at(-1);
    if (ws === undefined) {
      return Promise.reject(
        new Error('no Socket Mode connection: start the app (socketMode: true) against this sandbox first'),
      );
    }
    const envelopeId = randomUUID();
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: extra.acceptsResponsePayload,
      ...(extra.retryAttempt === undefined
        ? {}
        : { retry_attempt: extra.retryAttempt, retry_reason: extra.retryReason ?? 'timeout' }),
    };
    return new Promise((resolve) => {
      const sentAt = Date.now();
      const timer = setTimeout(
        () => this.settle(envelopeId, { status: 504, body: null, ackMs: Date.now() - sentAt }),
        this.options.ackTimeoutMs,
      );
      this.pending.set(envelopeId, { resolve, timer, sentAt });
      ws.send(JSON.stringify(envelope));
    });
  }

  /** Closes every connection (1001, going away) and settles waiting envelopes as unanswered. */
  async close(): Promise<void> {
    for (const id of [...this.pending.keys()]) this.settle(id, { status: 503, body: null, ackMs: 0 });
    const closing = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          const force = setTimeout(() => ws.terminate(), 500);
          ws.once('close', () => {
            clearTimeout(force);
            resolve();
          });
          ws.close(1001, 'sandbox stopping');
        }),
    );
    await Promise.all(closing);
    for (const ws of [...this.sockets]) this.forget(ws);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
