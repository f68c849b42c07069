import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type App,
  type BufferedIncomingMessage,
  HTTPModuleFunctions,
  HTTPResponseAck,
  type Logger,
  type Receiver,
  ReceiverMultipleAckError,
  type ReceiverProcessEventErrorHandlerArgs,
} from '@slack/bolt';

/** Interaction types Bolt routes without `actions` or `name` (see Bolt's getTypeAndConversation). */
const ROUTABLE_INTERACTIONS = new Set([
  'block_suggestion',
  'dialog_submission',
  'shortcut',
  'message_action',
  'view_submission',
  'view_closed',
]);

const FORM = 'application/x-www-form-urlencoded';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether the form had a `payload` field, which Bolt parses as JSON in its place. A literal `=`
 * inside a form value is always percent-encoded, so `payload=` can only be that field's name.
 */
const hasPayloadField = (raw: Buffer): boolean => raw.indexOf('payload=') === 0 || raw.includes('&payload=');

/**
 * Whether Bolt's parse of the body has the shape of something Slack sends: a slash command or
 * ssl_check form, an interaction Bolt can route, or a JSON object with a `type` (events,
 * url_verification). Bolt reads fields of the parsed body in a promise nobody catches, so a
 * `payload` of JSON `null` would end the process, and a body it cannot route waits 3 s for an ack
 * that never comes; such bodies are answered 400 instead.
 */
export function isSlackShaped(
  body: unknown,
  raw: Buffer,
  contentType: string | undefined,
): body is Record<string, unknown> {
  if (!isObject(body)) return false;
  if (contentType !== FORM) return typeof body.type === 'string';
  if (hasPayloadField(raw))
    return (
      body.actions !== undefined ||
      body.name !== undefined ||
      (typeof body.type === 'string' && ROUTABLE_INTERACTIONS.has(body.type))
    );
  return typeof body.command === 'string' || body.ssl_check === '1';
}

/**
 * Frozen messages, serialised: a kept reply (`help`, `summary`, `ratio`) is the same frozen object
 * for everyone it is given to, and JSON.stringify of its 2 KB of Block Kit was about 11 µs of the
 * main thread on every ack. Only a frozen object is kept: freezing a message says the app will not
 * change it (nor what it holds) after its first ack.
 */
const serialised = new WeakMap<object, string>();

function serialisedOnce(message: object): string {
  let json = serialised.get(message);
  if (json === undefined) {
    json = JSON.stringify(message);
    serialised.set(message, json);
  }
  return json;
}

/**
 * Bolt's handler for a request to POST /slack/events, assembled from the parts Bolt exports for
 * receivers of one's own (HTTPModuleFunctions, HTTPResponseAck) in the order of its HTTPReceiver:
 * Bolt's signature check (HMAC over the raw body, a timestamp at most 5 minutes old), Bolt's parse
 * of the body, then the app's shape check, then Bolt's dispatch with an ack that writes the HTTP
 * reply. Written out because HTTPReceiver has no hook between its parse and its dispatch: the shape
 * check had to parse every body a second time before it, which for a check-in submission (7 KB of
 * percent-encoded JSON) cost about 90 µs of the main thread, the thread every ack waits on. Here
 * nothing is parsed before the signature is verified, and everything once.
 */
export class SlackRequestReceiver implements Receiver {
  private app: App | undefined;
  /** The app's logger, at its level: Bolt gives it to the receiver in init(). */
  private logger: Logger | undefined;

  constructor(
    private readonly options: {
      signingSecret: string;
      /**
       * What happens when Bolt throws before any listener ran (HTTPReceiver's option of that
       * name); true if it acknowledged the request.
       */
      processEventErrorHandler: (args: ReceiverProcessEventErrorHandlerArgs) => Promise<boolean>;
    },
  ) {}

  init(app: App): void {
    this.app = app;
    this.logger = app.logger;
  }

  /** The app's own HTTP server (server.ts) listens; there is nothing to start or stop here. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Serves one request whose body server.ts has read (within Bolt's 4 MB). */
  async handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const { app, logger } = this;
    if (!app || !logger) throw new Error('the receiver was not given to a Bolt app');
    // Bolt reuses a body already read into `rawBody` instead of reading the stream again.
    Object.assign(req, { rawBody: raw });
    let request: BufferedIncomingMessage;
    try {
      request = await HTTPModuleFunctions.parseAndVerifyHTTPRequest(
        { enabled: true, signingSecret: this.options.signingSecret },
        req,
      );
    } catch (error) {
      logger.warn(`refused a request that failed Slack's signature check: ${(error as Error).message}`);
      HTTPModuleFunctions.buildNoBodyResponse(res, 401);
      return;
    }
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(request);
    } catch (error) {
      logger.warn(`refused a malformed request body: ${(error as Error).message}`);
      HTTPModuleFunctions.buildNoBodyResponse(res, 400);
      return;
    }
    if (!isSlackShaped(body, raw, req.headers['content-type'])) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('request body is not a Slack command, interaction or event');
      return;
    }
    // Slack's ssl_check and url_verification are answered here, as HTTPReceiver answers them.
    if (body.ssl_check === '1') {
      HTTPModuleFunctions.buildSSLCheckResponse(res);
      return;
    }
    if (body.type === 'url_verification') {
      HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
      return;
    }
    const ack = new HTTPResponseAck({
      logger,
      // Ack first, work after: the HTTP reply is written at ack(), inside Slack's 3 s deadline.
      processBeforeResponse: false,
      httpRequest: request,
      httpRequestBody: body,
      httpResponse: res,
    });
    const boltAck = ack.bind();
    let answered = false;
    // Bolt's ack, which writes a frozen message as JSON as Bolt would, serialised once for all.
    const acknowledge = async (response?: unknown): Promise<void> => {
      if (typeof response !== 'object' || response === null || !Object.isFrozen(response)) {
        answered = true;
        return boltAck(response);
      }
      if (answered) throw new ReceiverMultipleAckError();
      answered = true;
      ack.ack();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(serialisedOnce(response));
    };
    try {
      await app.processEvent({
        body,
        ack: acknowledge,
        retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
        retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
        customProperties: {},
      });
    } catch (error) {
      const acknowledged = await this.options.processEventErrorHandler({
        error: error as Error,
        logger,
        request: req,
        response: res,
        storedResponse: undefined,
      });
      // As in HTTPReceiver: only a handler that answered marks it acked (a late ack() may race).
      if (acknowledged) ack.ack();
    }
  }
}
