import { App, type HTTPReceiverOptions, LogLevel } from '@slack/bolt';
import type { FetchFunction, RetryOptions } from '@slack/web-api';
// Node's ESM loader cannot see this CommonJS export by name; the default export carries it.
import webApi from '@slack/web-api';
import type { Config } from '../config.js';
import { keepAliveFetch } from './keep-alive-fetch.js';
import { SlackRequestReceiver } from './receiver.js';

const LEVELS = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
} as const;

/**
 * A bounded retry policy for HTTP 5xx and network errors: minutes, not the client's default of
 * about 30. HTTP 429 is retried separately by the client after Slack's Retry-After.
 */
export const DEFAULT_RETRY: RetryOptions = webApi.retryPolicies.fiveRetriesInFiveMinutes;

/**
 * Bolt throws before any listener runs for shapes Slack never sends (no `user`, `actions` not a
 * list, a team id like `constructor`) and would answer 500. They are the sender's mistake: 400.
 * Errors inside our listeners never reach here; app.error() logs those.
 */
const refuseMalformedEvent: NonNullable<HTTPReceiverOptions['processEventErrorHandler']> = async ({
  error,
  logger,
  response,
}) => {
  logger.warn(`refused a request Bolt could not process: ${(error as Error).message}`);
  if (!response.headersSent) {
    response.writeHead(400);
    response.end();
  }
  return false;
};

export interface SlackApp {
  app: App;
  /** HTTP mode only: the receiver that serves POST /slack/events. */
  receiver: SlackRequestReceiver | null;
}

export interface ClientSettings {
  retryConfig?: RetryOptions;
  requestTimeoutMs?: number;
  /** The transport; the app gives all its clients one SlackCalls, so the sender sees every call. */
  fetch?: FetchFunction;
}

/**
 * The Web API client's options. Bolt's client waits out an HTTP 429 itself (it pauses its whole
 * queue for Retry-After, then retries within the policy), which suits the odd call answering a
 * person. The sender's client passes `rejectRateLimitedCalls: true` to get each 429 back at once
 * and pace itself (DeliverySender).
 */
export function webClientOptions(config: Config, settings: ClientSettings = {}) {
  return {
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    retryConfig: settings.retryConfig ?? DEFAULT_RETRY,
    timeout: settings.requestTimeoutMs ?? 15_000,
    rejectRateLimitedCalls: false,
    logLevel: LEVELS[config.logLevel],
    fetch: settings.fetch ?? keepAliveFetch,
  };
}

/** Builds the Bolt app for the configured transport. Listeners are registered by the caller. */
/**
 * Bolt's conversation store keeps state per channel for listeners that read or set it
 * (`context.conversation`); none of ours does, and its default looks every request's channel up,
 * rejecting with a new Error each time it finds nothing.
 */
const NO_CONVERSATION_STORE = false;

export function createSlackApp(config: Config, options: ClientSettings = {}): SlackApp {
  const { logLevel: _logLevel, ...clientOptions } = webClientOptions(config, options);
  const logLevel = LEVELS[config.logLevel];
  if (config.mode === 'socket') {
    const app = new App({
      token: config.botToken,
      appToken: config.appToken as string,
      socketMode: true,
      convoStore: NO_CONVERSATION_STORE,
      logLevel,
      extendedErrorHandler: true,
      clientOptions,
      // The connection call (apps.connections.open) uses these options, so SLACK_API_URL applies there too.
      installerOptions: { clientOptions },
    });
    return { app, receiver: null };
  }
  const receiver = new SlackRequestReceiver({
    signingSecret: config.signingSecret as string,
    processEventErrorHandler: refuseMalformedEvent,
  });
  // The extended error handler is given the request too, so a listener's error is logged with what it was handling.
  const app = new App({
    token: config.botToken,
    receiver,
    convoStore: NO_CONVERSATION_STORE,
    logLevel,
    clientOptions,
    extendedErrorHandler: true,
  });
  return { app, receiver };
}
