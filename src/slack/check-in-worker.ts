// The check-in thread (see CheckInThread in check-in-thread.ts): its own connection to the
// database, its own Web API client, and the same CheckIns the main thread would use.
import type { MessagePort } from 'node:worker_threads';
import { WebClient } from '@slack/web-api';
import { CheckIns } from '../services/check-ins.js';
import { openDatabase } from '../storage/database.js';
import { OutboxRepository } from '../storage/outbox.js';
import { RoundRepository } from '../storage/rounds.js';
import { TeamRepository } from '../storage/teams.js';
import {
  type CheckInReply,
  type CheckInRequest,
  type CheckInThreadData,
  openCheckInModal,
  recordCheckIn,
} from './check-in-thread.js';
import { keepAliveFetch } from './keep-alive-fetch.js';
import { blockKitMessages } from './views/messages.js';

export function serve(port: MessagePort, data: CheckInThreadData): void {
  const db = openDatabase(data.file);
  // A submission is recorded at the main thread's time of its arrival (the app's clock).
  let now = new Date(0);
  const checkIns = new CheckIns({
    db,
    teams: new TeamRepository(db),
    rounds: new RoundRepository(db),
    outbox: new OutboxRepository(db),
    messages: blockKitMessages,
    clock: () => now,
  });
  // The calls Slack answered are handed back with the jobs, so the app's count (SlackCalls) is whole.
  let answered = 0;
  const client = new WebClient(data.client.token, {
    ...data.client.options,
    fetch: async (url, init) => {
      const response = await keepAliveFetch(url, init);
      if (response.status !== 429) answered += 1;
      return response;
    },
  });
  const openView = (args: { trigger_id: string; view: Record<string, unknown> }) =>
    client.views.open(args as never);
  const reply = (message: CheckInReply) => port.postMessage(message);

  port.on('message', (request: CheckInRequest | 'stop') => {
    if (request === 'stop') {
      db.close();
      // Ends this thread only, with any Web API call still waiting out a Retry-After.
      process.exit(0);
    }
    const done = (outcome: Partial<Extract<CheckInReply, { id: number }>>) => {
      reply({ id: request.id, slackCalls: answered, ...outcome });
      answered = 0;
    };
    const failed = (error: unknown) => done({ error: (error as Error).message ?? String(error) });
    try {
      if (request.kind === 'record') {
        now = new Date(request.now);
        done({ outcome: recordCheckIn(checkIns, request.input) });
      } else openCheckInModal(checkIns, openView, request.input).then((outcome) => done({ outcome }), failed);
    } catch (error) {
      failed(error);
    }
  });
  reply({ ready: true });
}
