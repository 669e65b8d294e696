import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import pRetry from 'p-retry';
import type { Bot } from '../../core/bot.js';
import type { Lang, Reply } from '../../core/types.js';
import type { Config } from '../../server/config.js';
import { errorFields, type Logger } from '../../log.js';
import type { CaseRecord } from '../../store/cases.js';
import { DeliveryError, type OutboxItem } from '../../store/outbox.js';
import type { Platform, ReplyOptions } from '../../support/desk.js';
import type { Dispatcher } from '../../support/dispatch.js';
import type { Address, SlackAddress } from '../../support/events.js';
import { caseView, type CaseSummary } from '../../support/summary.js';
import { viewOf, type ActionValue } from '../reply-view.js';
import { escapeMrkdwn, renderCase, renderSlack, type SlackMessage } from './render.js';
import { SlackApi, SlackApiError } from './api.js';
import { supportKey, translateSlack } from './translate.js';


/** Slack's rule: a request signed more than five minutes from now, either way, is refused. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** Slack keeps a button's value under 2 000 characters; the question rides along in it. */
const MAX_QUESTION_IN_BUTTON = 1500;
/** Posts carry this in their metadata, with the outbox key: a post whose outcome was unknown is looked for before it is sent again. */
const DELIVERY_EVENT = 'npr_bot_delivery';
/** How far back, and how many messages, to look for an earlier attempt at a post. */
const LOOK_BACK_MS = 10 * 60_000;
const LOOK_BACK_MESSAGES = 100;

/** Plain text goes without blocks: Slack refuses an empty list. */
const blocksOf = (m: SlackMessage) => (m.blocks.length ? { blocks: m.blocks } : {});

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) => msg.map(String).join(' ');
  return {
    debug: () => {},
    info: () => {},
    warn: (...m) => log.warn(text(m), { channel: 'slack' }),
    error: (...m) => log.error(text(m), { channel: 'slack' }),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * Socket Mode that acknowledges an envelope only once the event in it is recorded: if recording
 * fails, or the connection drops first, Slack sends it again. (Bolt's own receiver acknowledges
 * Events API envelopes before any listener runs.)
 */
class RecordingSocketModeReceiver implements Receiver {
  readonly client: SocketModeClient;
  private app?: App;

  constructor(appToken: string, clientOptions: { slackApiUrl?: string }, log: Logger) {
    this.client = new SocketModeClient({ appToken, clientOptions, logger: boltLogger(log), autoReconnectEnabled: true });
    const handle = async ({ ack, body, retry_num, retry_reason }: { ack: (response?: Record<string, unknown>) => Promise<void>; body: Record<string, unknown>; retry_num?: number; retry_reason?: string }) => {
      let response: Record<string, unknown> | undefined;
      let acked = false;
      const event: ReceiverEvent = {
        body,
        retryNum: retry_num,
        retryReason: retry_reason,
        customProperties: {},
        // held until the event is recorded
        ack: async (r?: unknown) => {
          acked = true;
          if (r && typeof r === 'object') response = r as Record<string, unknown>;
        },
      };
      try {
        await this.app?.processEvent(event);
      } catch (error) {
        log.warn('slack: an envelope was not acknowledged; Slack will send it again', errorFields(error));
        return;
      }
      if (!acked) return;
      try {
        await ack(response);
      } catch (error) {
        // the connection went while the event was recorded: Slack sends it again, and it is recorded once
        log.warn('slack: a recorded envelope could not be acknowledged; Slack will send it again', errorFields(error));
      }
    };
    // every envelope (events, commands, interactions) comes as `slack_event`; the client also emits
    // commands and interactions under their own type, which would handle and acknowledge them twice
    this.client.on('slack_event', (args) => void handle(args as Parameters<typeof handle>[0]));
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<unknown> {
    return this.client.start();
  }

  async stop(): Promise<unknown> {
    return this.client.disconnect();
  }
}

/** What auth.test answers for a token Slack will never accept: a bad setting, not an outage. */
export const REJECTED_TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);
const rejectedToken = (error: unknown) => error instanceof SlackApiError && error.kind === 'slack' && REJECTED_TOKEN_ERRORS.has(error.detail.error ?? '');

/** Whether Slack accepted the bot token: `checking` until auth.test has answered (retried with backoff while Slack cannot be reached). */
export type SlackCredentials = { state: 'checking' } | { state: 'accepted' } | { state: 'rejected'; error: string };

/**
 * Who the bot is on Slack (its user and bot ids), asked with auth.test from the start, and again
 * with backoff (p-retry) while Slack cannot be reached or fails. Bolt's own check runs once at
 * start and keeps a failure for good, so a Slack outage at start would refuse every event until a
 * restart; here an event is taken in any case (the ids only help to ignore the bot's own
 * messages, which the translation does as well). A token Slack refuses (invalid_auth and the
 * like) is not asked about again: `onRejected` is told.
 */
class SlackIdentity {
  private ids?: { botId: string; botUserId: string };
  private asking?: Promise<void>;
  private readonly abort = new AbortController();
  credentials: SlackCredentials = { state: 'checking' };

  constructor(
    private readonly api: SlackApi,
    private readonly log: Logger,
    /** The first wait before asking again; it doubles up to 60 times this (at most a minute). */
    private readonly retryBaseDelayMs: number,
    private readonly onRejected?: (error: string) => void,
  ) {}

  /** Asks Slack who the bot is until it answers; once is enough. */
  start(): void {
    this.asking ??= pRetry(() => this.api.call<{ bot_id?: string; user_id?: string }>('auth.test'), {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: this.retryBaseDelayMs,
      maxTimeout: Math.min(60_000, this.retryBaseDelayMs * 60),
      randomize: true,
      unref: true,
      signal: this.abort.signal,
      shouldRetry: ({ error }) => !rejectedToken(error),
      onFailedAttempt: ({ error, attemptNumber }) => {
        if (!rejectedToken(error)) this.log.warn('slack: auth.test failed; asking again with backoff (not ready until it answers)', { attempt: attemptNumber, ...errorFields(error) });
      },
    }).then(
      (r) => {
        this.ids = { botId: String(r.bot_id ?? ''), botUserId: String(r.user_id ?? '') };
        this.credentials = { state: 'accepted' };
        this.log.info('slack: the bot token is accepted (auth.test)');
      },
      (error: unknown) => {
        if (this.abort.signal.aborted) return;
        if (!rejectedToken(error)) return void this.log.error('slack: checking the bot token stopped (not ready)', errorFields(error));
        const code = (error as SlackApiError).detail.error!;
        this.credentials = { state: 'rejected', error: code };
        if (this.onRejected) this.onRejected(code);
        else this.log.error(`slack: SLACK_BOT_TOKEN is refused by Slack (auth.test: ${code})`, { setting: 'SLACK_BOT_TOKEN' });
      },
    );
  }

  stop(): void {
    this.abort.abort();
  }

  async authorize(token: string) {
    return { botToken: token, ...this.ids };
  }
}

export interface SlackChannel {
  app: App;
  /** For HTTP mode: handles POST /slack/events (signature, timestamp, body limit). */
  requestListener?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Sends the desk's deliveries. */
  platform: Platform;
  /** Whether Slack accepted SLACK_BOT_TOKEN (for readiness). */
  credentials(): SlackCredentials;
  start(): Promise<void>;
  /** Stops taking events (Socket Mode disconnects) and checking the token; deliveries can still be sent. */
  stop(): Promise<void>;
  /** Closes the Web API's kept-alive connections: after the last delivery (one in progress would fail). */
  close(): void;
}

export interface SlackDeps {
  config: Config;
  bot: Bot;
  dispatcher: Dispatcher;
  log: Logger;
  bodyLimit: number;
  /** The first wait before auth.test is asked again when Slack cannot be reached (default 1 s; doubling up to a minute). */
  retryBaseDelayMs?: number;
  /** Slack refused SLACK_BOT_TOKEN at start (invalid_auth, not_authed, account_inactive, token_revoked, token_expired). Unset: logged as an error. */
  onCredentialsRejected?: (error: string) => void;
}

/** Classifies a Web API failure for the outbox: wait (429), may have arrived (no answer, a server error), or not sent. */
function deliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (!(error instanceof SlackApiError)) return new DeliveryError(error instanceof Error ? error.message : String(error));
  if (error.kind === 'rate_limited') return new DeliveryError(error.message, { retryAfterMs: error.detail.retryAfterMs ?? 1000 });
  if (error.kind === 'http') return new DeliveryError(error.message, { uncertain: (error.detail.status ?? 500) >= 500 });
  if (error.kind === 'request') return new DeliveryError(error.message, { uncertain: true });
  return new DeliveryError(error.message);
}

export function createSlackChannel({ config, bot, dispatcher, log, bodyLimit, retryBaseDelayMs = 1000, onCredentialsRejected }: SlackDeps): SlackChannel {
  const clientOptions = {
    slackApiUrl: config.SLACK_API_URL ? `${config.SLACK_API_URL.replace(/\/$/, '')}/` : undefined,
    timeout: config.SLACK_API_TIMEOUT_MS,
    // for bolt's own client and Socket Mode's connection requests; deliveries go through SlackApi
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
  const logger = boltLogger(log);
  const socketMode = config.SLACK_APP_TOKEN ? new RecordingSocketModeReceiver(config.SLACK_APP_TOKEN, clientOptions, log) : undefined;
  const receiver =
    socketMode ??
    new HTTPReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET!,
      endpoints: '/slack/events',
      bodyLimit,
      logger,
      // the response waits until the event is recorded; if it cannot be, Slack gets 503 and sends it again
      processBeforeResponse: true,
      processEventErrorHandler: async ({ response }) => {
        if (!response.headersSent) response.writeHead(503, { 'retry-after': '1' }).end();
        return false;
      },
    });
  const token = config.SLACK_BOT_TOKEN!;
  // deliveries use their own client; bolt's, with no token of its own, only runs listeners
  const api = new SlackApi(token, { apiUrl: clientOptions.slackApiUrl, timeoutMs: config.SLACK_API_TIMEOUT_MS });
  const identity = new SlackIdentity(api, log, retryBaseDelayMs, onCredentialsRejected);
  const app = new App({ authorize: () => identity.authorize(token), receiver, clientOptions, logger });
  const supportChannel = config.SUPPORT_SLACK_CHANNEL;
  // one door: every request becomes a typed event, recorded before it is acknowledged
  app.use(async (args) => {
    const event = translateSlack(args.body as Parameters<typeof translateSlack>[0], supportChannel);
    if (event) await dispatcher.accept(event);
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  });
  app.error(async (error) => {
    throw error; // to the receiver: 503 over HTTP, no acknowledgement in Socket Mode
  });

  const metadata = (item: OutboxItem, part: number) => ({ event_type: DELIVERY_EVENT, event_payload: { outbox: item.key, part } });
  const dmChannel = async (user: string) => (await api.call<{ channel: { id: string } }>('conversations.open', { users: user })).channel.id;

  /** Sends messages to an address: a response URL, an ephemeral note, a DM, or a channel (thread). */
  const send = async (to: SlackAddress, messages: SlackMessage[], item: OutboxItem) => {
    try {
      for (const [part, m] of messages.entries()) {
        if (to.responseUrl) {
          const res = await fetch(to.responseUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: m.text, ...blocksOf(m) }),
            signal: AbortSignal.timeout(config.SLACK_API_TIMEOUT_MS),
          });
          if (!res.ok) throw new DeliveryError(`response URL answered ${res.status}`, { uncertain: res.status >= 500 });
        } else if (to.user && !to.dm) {
          await api.call('chat.postEphemeral', { channel: to.channel ?? to.user, user: to.user, text: m.text, ...blocksOf(m), ...(to.thread ? { thread_ts: to.thread } : {}) });
        } else {
          const channel = to.dm && to.user ? await dmChannel(to.user) : to.channel!;
          await api.call('chat.postMessage', { channel, text: m.text, ...blocksOf(m), metadata: metadata(item, part), ...(to.thread ? { thread_ts: to.thread } : {}) });
        }
      }
    } catch (error) {
      throw deliveryError(error);
    }
  };

  /** Whether Slack shows a post carrying this item's key: in the thread or channel it went to. */
  const findPost = async (channel: string, thread: string | undefined, item: OutboxItem): Promise<boolean> => {
    const oldest = String((Date.parse(item.createdAt) - LOOK_BACK_MS) / 1000);
    const page = await api.call<{ messages?: unknown[] }>(thread ? 'conversations.replies' : 'conversations.history', {
      channel,
      ...(thread ? { ts: thread } : {}),
      oldest,
      limit: LOOK_BACK_MESSAGES,
      include_all_metadata: true,
    });
    return (page.messages ?? []).some((m) => {
      const meta = (m as { metadata?: { event_type?: string; event_payload?: { outbox?: string } } }).metadata;
      return meta?.event_type === DELIVERY_EVENT && meta.event_payload?.outbox === item.key;
    });
  };

  const caseMessage = (c: CaseRecord, s: CaseSummary) => renderCase(caseView(bot, c, s));

  const platform: Platform = {
    async reply(to, reply: Reply, options: ReplyOptions, item) {
      const slack = to as SlackAddress;
      const action: ActionValue = { conversationId: options.conversation, lang: reply.lang, ...(options.postToChannel ? { question: reply.question.slice(0, MAX_QUESTION_IN_BUTTON) } : {}) };
      const messages = renderSlack(viewOf(bot, reply), { action: options.buttons ? action : undefined, postToChannel: options.postToChannel, showQuestion: options.showQuestion });
      await send(slack, messages, item);
    },
    async text(to, text, item) {
      await send(to as SlackAddress, [{ text: escapeMrkdwn(text), blocks: [] }], item);
    },
    async home(user) {
      try {
        await api.call('views.publish', { user_id: user, view: { type: 'home', blocks: homeBlocks(bot) } });
      } catch (error) {
        throw deliveryError(error);
      }
    },
    async postCase(_where, c, summary, item) {
      if (!supportChannel) throw new DeliveryError('SUPPORT_SLACK_CHANNEL is not set');
      try {
        const result = await api.call<{ ts: string }>('chat.postMessage', { channel: supportChannel, ...caseMessage(c, summary), metadata: metadata(item, 0) });
        return { platform: 'slack', channel: supportChannel, ts: result.ts, key: supportKey(supportChannel, result.ts) };
      } catch (error) {
        throw deliveryError(error);
      }
    },
    async updateCase(ref, c, summary) {
      try {
        await api.call('chat.update', { channel: String(ref.channel), ts: String(ref.ts), ...caseMessage(c, summary) });
      } catch (error) {
        throw deliveryError(error);
      }
    },
    async postInCase(ref, text, item) {
      await send({ platform: 'slack', channel: String(ref.channel), thread: String(ref.ts) }, [{ text: escapeMrkdwn(text), blocks: [] }], item);
    },
    async notice(_where, text, item) {
      if (!supportChannel) throw new DeliveryError('SUPPORT_SLACK_CHANNEL is not set');
      await send({ platform: 'slack', channel: supportChannel }, [{ text: escapeMrkdwn(text), blocks: [] }], item);
    },
    async wasDelivered(item) {
      // only posts can be found again; ephemeral notes and response URLs leave nothing to look for
      const to = (item.payload.to ?? undefined) as Address | undefined;
      try {
        if (item.kind === 'case_post' && supportChannel) return await findPost(supportChannel, undefined, item);
        if (!to || to.platform !== 'slack' || to.responseUrl || (to.user && !to.dm)) return false;
        const channel = to.dm && to.user ? await dmChannel(to.user) : to.channel;
        return channel ? await findPost(channel, to.thread, item) : false;
      } catch (error) {
        throw deliveryError(error);
      }
    },
  };

  const requestListener = socketMode
    ? undefined
    : (req: IncomingMessage, res: ServerResponse) => {
        // bolt refuses only old timestamps; one from the future is as suspect
        const timestamp = Number(req.headers['x-slack-request-timestamp']);
        if (Number.isFinite(timestamp) && timestamp - Date.now() / 1000 > MAX_CLOCK_SKEW_SECONDS) {
          res.writeHead(401).end();
          req.resume();
          return;
        }
        (receiver as HTTPReceiver).requestListener(req, res);
      };
  return {
    app,
    requestListener,
    platform,
    credentials: () => identity.credentials,
    start: async () => {
      identity.start();
      if (socketMode) await app.start();
    },
    stop: async () => {
      identity.stop();
      if (socketMode) await app.stop();
    },
    close: () => api.close(),
  };
}

/** App Home: what the bot answers, with example questions, in bokmål and English. */
function homeBlocks(bot: Bot) {
  return (['nb', 'en'] as Lang[]).flatMap((lang) => [
    { type: 'header' as const, text: { type: 'plain_text' as const, text: bot.label('home-title', lang) } },
    { type: 'section' as const, text: { type: 'mrkdwn' as const, text: escapeMrkdwn(bot.helpText(lang)) } },
  ]);
}
