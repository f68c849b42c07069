// The benchmark's client lets an idle kept-alive socket go before the server would close it, so a
// block that starts after a long wait never writes into a socket the server is closing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IDLE_SOCKET_MS, SignedClient } from '../../bench/lib/signed-client.js';

const started: Array<{ server: http.Server; client: SignedClient }> = [];
afterEach(async () => {
  for (const { server, client } of started.splice(0)) {
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(keepAliveTimeoutMs: number, idleSocketMs: number) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => res.writeHead(200).end());
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new SignedClient(`http://127.0.0.1:${port}/slack/events`, 'secret', 4, 5000, idleSocketMs);
  started.push({ server, client });
  return client;
}

const bodies = Array.from({ length: 20 }, () => ({
  body: 'a=1',
  contentType: 'application/x-www-form-urlencoded',
}));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SignedClient', () => {
  it('keeps its sockets between blocks, and closes them itself once idle for its timeout', async () => {
    const client = await serve(2000, 300);
    expect((await client.load(bodies, 4)).failures).toBe(0);
    expect(client.idleSockets()).toBe(4);
    await sleep(600);
    expect(client.idleSockets()).toBe(0);
    const again = await client.load(bodies, 4);
    expect(again.failures).toBe(0);
    expect(again.latencies).toHaveLength(20);
  });

  it('lets go of idle sockets before a Node server closes them (its keepAliveTimeout is 5 s)', () => {
    expect(IDLE_SOCKET_MS).toBeLessThan(new http.Server().keepAliveTimeout);
  });
});
