// The check-in thread (see CheckInThread in check-in-thread.ts), which opens the check-in modal:
// its own read-only connection to the database, its own Web API client, and the same CheckIns the
// main thread would use.
import type { MessagePort } from 'node:worker_threads';
import { WebClient } from '@slack/web-api';
import { CheckIns } from '../services/check-ins.js';
import { openDatabase } from '../storage/database.js';
import {
  type CheckInReply,
  type CheckInRequest,
  type CheckInThreadData,
  type JobReply,
  type ModalOutcome,
  ModalRateLimit,
  openCheckInModal,
} from './check-in-thread.js';
import { keepAliveFetch } from './keep-alive-fetch.js';
import { sayEphemeral } from './response-url.js';
import { blockKitMessages } from './views/messages.js';

export function serve(port: MessagePort, data: CheckInThreadData): void {
  // Read-only: every write of the process stays on the app's connection, which is what lets the
  // kept command replies see this process's changes at once (dataVersion, database.ts).
  const db = openDatabase(data.file, { readonly: true });
  // Opening a modal writes nothing and reads no time.
  const checkIns = CheckIns.on(db, blockKitMessages, () => new Date());
  // The calls Slack answered are handed back with the jobs, so the app's count (SlackCalls) is whole.
  let answered = 0;
  const client = new WebClient(data.client.token, {
    ...data.client.options,
    // It only opens modals: see openCheckInModal for why a 429 comes back at once.
    rejectRateLimitedCalls: true,
    fetch: async (url, init) => {
      const response = await keepAliveFetch(url, init);
      if (response.status !== 429) answered += 1;
      return response;
    },
  });
  const rateLimit = new ModalRateLimit();
  const openView = (args: { trigger_id: string; view: Record<string, unknown> }) =>
    client.views.open(args as never);
  // Answers go back once per turn of this thread's event loop, as jobs come (CheckInThread.post):
  // under a burst of clicks, the modals that opened or were refused in one turn wake the main
  // thread once.
  const replies: JobReply[] = [];
  const flush = () => {
    if (replies.length === 0) return;
    const batch = replies.splice(0);
    for (const r of batch) r.slackCalls = 0;
    (batch[0] as JobReply).slackCalls = answered;
    answered = 0;
    port.postMessage(batch satisfies CheckInReply);
  };
  const send = (answer: JobReply) => {
    replies.push(answer);
    if (replies.length === 1) setImmediate(flush);
  };
  const failure = (id: number, error: unknown): JobReply => ({
    id,
    error: (error as Error).message ?? String(error),
    slackCalls: 0,
  });
  const modal = (request: CheckInRequest) =>
    openCheckInModal(checkIns, openView, request.input, rateLimit)
      .then((outcome) => tell(request.input.responseUrl, outcome))
      .then(
        (outcome) => send({ id: request.id, outcome, slackCalls: 0 }),
        (error) => send(failure(request.id, error)),
      );
  // A refusal is said here when the click has a response_url: under a burst that Slack rate-limits,
  // nearly every click is one, and the main thread, which acks everyone's requests, is spared it.
  // If Slack does not take it, the listener says it the way it would without the thread.
  const tell = async (responseUrl: string | null, outcome: ModalOutcome): Promise<ModalOutcome> => {
    if (outcome.ok || responseUrl === null) return outcome;
    try {
      await sayEphemeral(responseUrl, outcome.refused);
      return { ...outcome, told: true };
    } catch {
      return outcome;
    }
  };

  port.on('message', (requests: CheckInRequest[] | 'stop') => {
    if (requests === 'stop') {
      db.close();
      // Ends this thread only, with any Web API call still waiting out a Retry-After.
      process.exit(0);
    }
    for (const request of requests) void modal(request);
  });
  port.postMessage({ ready: true } satisfies CheckInReply);
}
