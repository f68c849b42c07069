// The floor for acknowledgement latency: a Bolt app built exactly as tooth-tail builds its own
// (createSlackApp's receiver, which is Bolt's signature check, parse and ack, and createServer's
// /healthz, timestamp and size checks), whose listeners only ack. They are Bolt's `app.command`,
// `app.action` and `app.view`, registered as Bolt's documentation shows; the app itself registers
// none and routes every request through one global middleware (src/slack/listeners/router.ts),
// which costs Bolt less dispatch work. With BENCH_BARE_REPLY=1 they also make the one Slack call
// tooth-tail makes after each ack (a reply to the command's response_url; views.open for a click
// on "Answer"; chat.update of the check-in DM), with fixed text: a reference for how much of the
// app's cost is that call. Its client hands an HTTP 429 back instead of waiting out Slack's
// Retry-After and trying again: retried, the calls refused in one block went out in a burst during
// a later block, often another app's, and slowed whatever was measured there. JavaScript for the
// reason given in app.mjs.
import { pathToFileURL } from 'node:url';
// Node's ESM loader cannot see this CommonJS export by name; the default export carries it.
import webApi from '@slack/web-api';

const dir = process.env.BENCH_CODE_DIR;
const ext = process.env.BENCH_CODE_EXT ?? '.js';
if (!dir) throw new Error('BENCH_CODE_DIR must name dist/ (or src/ under tsx)');
const load = (module) => import(pathToFileURL(`${dir}/${module}${ext}`).href);

const { loadConfig } = await load('config');
const { createSlackApp, webClientOptions } = await load('slack/app');
const { createServer } = await load('slack/server');

const config = loadConfig(process.env);
const { app, receiver } = createSlackApp(config);
const reply = process.env.BENCH_BARE_REPLY === '1';
const replies = new webApi.WebClient(config.botToken, {
  ...webClientOptions(config),
  rejectRateLimitedCalls: true,
});
/**
 * The one Slack call. An HTTP 429 is let go, not retried in a later block; any other error ends
 * this process, so the benchmark stops on its next request instead of reporting a reference that
 * made no calls.
 */
const call = (make) =>
  make().catch((error) => {
    if (error?.code === webApi.ErrorCode.RateLimitedError) return;
    console.error(error);
    process.exit(1);
  });
app.command('/tooth-tail', async ({ ack, respond }) => {
  await ack();
  if (reply) await respond({ response_type: 'ephemeral', text: 'ok' });
});
app.action('check_in_answer', async ({ ack, body }) => {
  await ack();
  if (!reply) return;
  await call(() =>
    replies.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'check_in_submit',
        title: { type: 'plain_text', text: 'Check-in' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'ok' } }],
      },
    }),
  );
});
app.view('check_in_submit', async ({ ack, body }) => {
  await ack();
  if (!reply) return;
  const { channel, ts } = JSON.parse(body.view.private_metadata);
  await call(() => replies.chat.update({ channel, ts, text: 'Thanks, recorded' }));
});

const server = createServer({ receiver, health: () => ({ mode: config.mode }) });
server.listen(config.port);

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
