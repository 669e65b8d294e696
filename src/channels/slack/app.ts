import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type BlockAction, type ButtonAction, type Logger as BoltLogger, type webApi } from '@slack/bolt';
import type { Bot } from '../../core/bot.js';
import type { Lang, Reply } from '../../core/types.js';
import { normalise } from '../../core/understand/normalise.js';
import type { Config } from '../../server/config.js';
import { errorFields, type Logger } from '../../server/log.js';
import type { ProcessedEvents } from '../../store/conversations.js';
import type { CaseRecord } from '../../store/cases.js';
import type { CaseAction, Platform, SupportDesk, UserAddress } from '../../support/desk.js';
import { caseView, type CaseSummary } from '../../support/summary.js';
import { ACTIONS, viewOf, type ActionValue } from '../reply-view.js';
import { CASE_ACTIONS, escapeMrkdwn, renderCase, renderSlack, type RenderOptions } from './render.js';

type WebClient = webApi.WebClient;

/** Slack's rule: a request signed more than five minutes from now, either way, is refused. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Slack keeps a button's value under 2 000 characters; the question rides along in it. */
const MAX_QUESTION_IN_BUTTON = 1500;

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

/** Where a Slack event's follow-ups belong: its thread, or the DM. */
export function slackConversationId(team: string | undefined, channel: string, threadTs?: string): string {
  return ['slack', team ?? '-', channel, threadTs ?? ''].join(':');
}

/** The support-side key of a case posted at `ts` in `channel`: its thread. */
const supportKey = (channel: string, ts: string) => `slack:${channel}:${ts}`;

export interface SlackChannel {
  app: App;
  /** For HTTP mode: handles POST /slack/events (signature, timestamp, body limit). */
  requestListener?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Sends to users and to the support channel, for the support desk's outbox. */
  platform: Platform;
}

export interface SlackDeps {
  config: Config;
  bot: Bot;
  desk: SupportDesk;
  events: ProcessedEvents;
  log: Logger;
}

export function createSlackChannel({ config, bot, desk, events, log }: SlackDeps): SlackChannel {
  const clientOptions = {
    slackApiUrl: config.SLACK_API_URL ? `${config.SLACK_API_URL.replace(/\/$/, '')}/` : undefined,
    timeout: config.SLACK_API_TIMEOUT_MS,
    // rate limits are waited out (Retry-After); failures other than that are retried twice
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
  };
  const logger = boltLogger(log);
  const receiver = config.SLACK_APP_TOKEN
    ? undefined
    : new HTTPReceiver({ signingSecret: config.SLACK_SIGNING_SECRET!, endpoints: '/slack/events', bodyLimit: BODY_LIMIT_BYTES, logger });
  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    ...(receiver ? { receiver } : { appToken: config.SLACK_APP_TOKEN, socketMode: true }),
    clientOptions,
    logger,
  });
  const supportChannel = config.SUPPORT_SLACK_CHANNEL;

  const post = async (client: WebClient, reply: Reply, options: RenderOptions, where: { channel: string; thread_ts?: string; user?: string }) => {
    for (const message of renderSlack(viewOf(bot, reply), options)) {
      const args = { channel: where.channel, text: message.text, blocks: message.blocks, ...(where.thread_ts ? { thread_ts: where.thread_ts } : {}) };
      if (where.user) await client.chat.postEphemeral({ ...args, user: where.user });
      else await client.chat.postMessage(args);
    }
  };
  const failed = (what: string) => (error: unknown) => log.error(`slack: ${what} failed`, errorFields(error));

  // An event delivered twice (HTTP retry, Socket Mode redelivery, another instance) is handled once.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !(await events.firstTime(`slack:${eventId}`))) return;
    await next();
  });

  const answerInThread = async (client: WebClient, team: string | undefined, e: { channel: string; text?: string; ts: string; thread_ts?: string }, thread: boolean) => {
    const threadTs = thread ? (e.thread_ts ?? e.ts) : e.thread_ts;
    const address: UserAddress = { channel: 'slack', conversationId: slackConversationId(team, e.channel, threadTs), ref: { channel: e.channel, thread_ts: threadTs ?? null } };
    const reply = await desk.onUserMessage(address, e.text ?? '');
    await post(client, reply, { action: { conversationId: address.conversationId, lang: reply.lang } }, { channel: e.channel, thread_ts: threadTs });
  };

  app.event('app_mention', async ({ event, client, body }) => {
    if (event.bot_id || event.subtype || event.channel === supportChannel) return;
    await answerInThread(client, body.team_id, event, true).catch(failed('answering a mention'));
  });

  app.message(async ({ message, client, body }) => {
    // edits, deletions and bot messages carry a subtype or a bot_id
    if (message.subtype !== undefined || 'bot_id' in message) return;
    if (message.channel === supportChannel && message.thread_ts) {
      const text = normalise(message.text ?? '').text;
      await desk.onAgentMessage(supportKey(message.channel, message.thread_ts), message.user, text).catch(failed('relaying a support reply'));
      return;
    }
    if (message.channel_type !== 'im') return;
    await answerInThread(client, body.team_id, message, false).catch(failed('answering a direct message'));
  });

  app.command('/npr', async ({ command, ack, respond }) => {
    await ack();
    const conversationId = slackConversationId(command.team_id, command.channel_id, `slash-${command.user_id}`);
    // /npr answers only the user who asked (through the command's response URL, which works where
    // the bot is no member); the support team's answers on a case opened here come by DM
    const address: UserAddress = { channel: 'slack', conversationId, ref: { user: command.user_id, dm: true } };
    const answer = async () => {
      const reply = await desk.onUserMessage(address, command.text);
      const action: ActionValue = { conversationId, lang: reply.lang, question: reply.question.slice(0, MAX_QUESTION_IN_BUTTON) };
      for (const m of renderSlack(viewOf(bot, reply), { action, postToChannel: true, showQuestion: true })) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: m.text, blocks: m.blocks });
      }
    };
    await answer().catch(failed('answering /npr'));
  });

  app.action<BlockAction<ButtonAction>>(/^npr_/, async ({ ack, body, action, client, respond }) => {
    await ack();
    const ephemeral = (body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral === true;
    const value = JSON.parse(action.value ?? '{}') as ActionValue & { caseId?: number };
    const channel = body.channel?.id ?? body.user.id;
    const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts;
    const caseAction = Object.entries(CASE_ACTIONS).find(([, id]) => id === action.action_id)?.[0] as CaseAction | undefined;
    const handle = async () => {
      if (caseAction && value.caseId !== undefined) {
        // case buttons count only where the support team works
        if (channel !== supportChannel) return log.warn('slack: a case action outside the support channel was ignored', { channel });
        const note = await desk.onCaseAction(value.caseId, caseAction, body.user.id);
        if (note) await client.chat.postEphemeral({ channel, user: body.user.id, text: escapeMrkdwn(note) });
        return;
      }
      switch (action.action_id) {
        case ACTIONS.postToChannel: {
          const conversationId = slackConversationId(body.team?.id, channel, `shared-${body.user.id}`);
          const reply = await bot.answer({ conversationId, text: value.question ?? '' });
          await post(client, reply, { action: { conversationId, lang: reply.lang }, showQuestion: true }, { channel });
          return;
        }
        case ACTIONS.support: {
          const reply = await bot.act(value.conversationId, 'handoff');
          if (ephemeral) {
            // an answer only the user saw gets an offer only the user sees
            for (const m of renderSlack(viewOf(bot, reply), { action: value })) await respond({ response_type: 'ephemeral', replace_original: false, text: m.text, blocks: m.blocks });
          } else await post(client, reply, { action: value }, { channel, thread_ts: threadTs });
          return;
        }
        default: {
          const reply = await desk.onFeedback(value.conversationId, action.action_id === ACTIONS.helpful);
          await client.chat.postEphemeral({ channel, user: body.user.id, text: reply.text, ...(threadTs ? { thread_ts: threadTs } : {}) });
        }
      }
    };
    await handle().catch(failed(`handling ${action.action_id}`));
  });

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: homeBlocks(bot) } }).catch(failed('publishing App Home'));
  });

  const caseMessage = (c: CaseRecord, s: CaseSummary) => renderCase(caseView(bot, c, s));

  // Deliveries for the support desk. Errors propagate, so the outbox retries them.
  const platform: Platform = {
    async postCase(c, summary) {
      if (!supportChannel) throw new Error('SUPPORT_SLACK_CHANNEL is not set');
      const result = await app.client.chat.postMessage({ channel: supportChannel, ...caseMessage(c, summary) });
      return { platform: 'slack', channel: supportChannel, ts: result.ts!, key: supportKey(supportChannel, result.ts!) };
    },
    async updateCase(ref, c, summary) {
      await app.client.chat.update({ channel: String(ref.channel), ts: String(ref.ts), ...caseMessage(c, summary) });
    },
    async postInCase(ref, text) {
      await app.client.chat.postMessage({ channel: String(ref.channel), thread_ts: String(ref.ts), text: escapeMrkdwn(text) });
    },
    async sendToUser(ref, text) {
      let channel = String(ref.channel);
      if (ref.dm) {
        const opened = await app.client.conversations.open({ users: String(ref.user) });
        channel = opened.channel!.id!;
      }
      await app.client.chat.postMessage({ channel, ...(ref.thread_ts ? { thread_ts: String(ref.thread_ts) } : {}), text: escapeMrkdwn(text) });
    },
  };

  const requestListener = receiver
    ? (req: IncomingMessage, res: ServerResponse) => {
        // bolt refuses only old timestamps; one from the future is as suspect
        const timestamp = Number(req.headers['x-slack-request-timestamp']);
        if (Number.isFinite(timestamp) && timestamp - Date.now() / 1000 > MAX_CLOCK_SKEW_SECONDS) {
          res.writeHead(401).end();
          req.resume();
          return;
        }
        receiver.requestListener(req, res);
      }
    : undefined;
  return { app, requestListener, platform };
}

/** App Home: what the bot answers, with example questions, in bokmål and English. */
function homeBlocks(bot: Bot) {
  return (['nb', 'en'] as Lang[]).flatMap((lang) => [
    { type: 'header' as const, text: { type: 'plain_text' as const, text: bot.label('home-title', lang) } },
    { type: 'section' as const, text: { type: 'mrkdwn' as const, text: escapeMrkdwn(bot.helpText(lang)) } },
  ]);
}
