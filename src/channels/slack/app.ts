import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type BlockAction, type ButtonAction, type Logger as BoltLogger, type webApi } from '@slack/bolt';

type WebClient = webApi.WebClient;
import type { Bot } from '../../core/bot.js';
import type { Lang, Reply } from '../../core/types.js';
import type { Config } from '../../server/config.js';
import { errorFields, type Logger } from '../../server/log.js';
import { ACTIONS, viewOf, type ActionValue } from '../reply-view.js';
import { escapeMrkdwn, renderSlack, type RenderOptions } from './render.js';
import { SeenEvents } from './seen-events.js';

/** Slack's rule: a request signed more than five minutes from now, either way, is refused. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
export const BODY_LIMIT_BYTES = 1024 * 1024;

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

export interface SlackChannel {
  app: App;
  /** For HTTP mode: handles POST /slack/events (signature, timestamp, body limit). */
  requestListener?: (req: IncomingMessage, res: ServerResponse) => void;
}

export function createSlackChannel(config: Config, bot: Bot, log: Logger): SlackChannel {
  const seen = new SeenEvents();
  const clientOptions = {
    slackApiUrl: config.SLACK_API_URL ? `${config.SLACK_API_URL.replace(/\/$/, '')}/` : undefined,
    timeout: config.SLACK_API_TIMEOUT_MS,
    // rate limits are waited out (Retry-After); failures other than that are retried twice
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
  };
  const logger = boltLogger(log);
  const receiver = config.SLACK_APP_TOKEN
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET!,
        endpoints: '/slack/events',
        bodyLimit: BODY_LIMIT_BYTES,
        logger,
      });
  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    ...(receiver ? { receiver } : { appToken: config.SLACK_APP_TOKEN, socketMode: true }),
    clientOptions,
    logger,
  });

  const post = async (client: WebClient, reply: Reply, options: RenderOptions, where: { channel: string; thread_ts?: string; user?: string }) => {
    for (const message of renderSlack(viewOf(bot, reply), options)) {
      const args = { channel: where.channel, text: message.text, blocks: message.blocks, ...(where.thread_ts ? { thread_ts: where.thread_ts } : {}) };
      if (where.user) await client.chat.postEphemeral({ ...args, user: where.user });
      else await client.chat.postMessage(args);
    }
  };
  const failed = (what: string) => (error: unknown) => log.error(`slack: ${what} failed`, errorFields(error));

  // An event delivered twice is handled once.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !seen.firstTime(eventId)) return;
    await next();
  });

  const answerInThread = async (client: WebClient, team: string | undefined, e: { channel: string; text?: string; ts: string; thread_ts?: string }, thread: boolean) => {
    const threadTs = thread ? (e.thread_ts ?? e.ts) : e.thread_ts;
    const conversationId = slackConversationId(team, e.channel, threadTs);
    const reply = await bot.answer({ conversationId, text: e.text ?? '' });
    await post(client, reply, { action: { conversationId, lang: reply.lang } }, { channel: e.channel, thread_ts: threadTs });
  };

  app.event('app_mention', async ({ event, client, body }) => {
    if (event.bot_id || event.subtype) return;
    await answerInThread(client, body.team_id, event, true).catch(failed('answering a mention'));
  });

  app.message(async ({ message, client, body }) => {
    // only direct messages; edits, deletions and bot messages carry a subtype or a bot_id
    if (message.channel_type !== 'im' || message.subtype !== undefined || 'bot_id' in message) return;
    await answerInThread(client, body.team_id, message, false).catch(failed('answering a direct message'));
  });

  app.command('/npr', async ({ command, ack, client }) => {
    await ack();
    const conversationId = slackConversationId(command.team_id, command.channel_id, `slash-${command.user_id}`);
    const reply = await bot.answer({ conversationId, text: command.text });
    const action: ActionValue = { conversationId, lang: reply.lang, question: reply.question };
    await post(client, reply, { action, postToChannel: true, showQuestion: true }, { channel: command.channel_id, user: command.user_id }).catch(
      failed('answering /npr'),
    );
  });

  app.action<BlockAction<ButtonAction>>(/^npr_/, async ({ ack, body, action, client }) => {
    await ack();
    if (action.type !== 'button') return;
    const value = JSON.parse(action.value ?? '{}') as ActionValue;
    const channel = body.channel?.id ?? body.user.id;
    const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts;
    const respond = async () => {
      switch (action.action_id) {
        case ACTIONS.postToChannel: {
          const conversationId = slackConversationId(body.team?.id, channel, `shared-${body.user.id}`);
          const reply = await bot.answer({ conversationId, text: value.question ?? '' });
          await post(client, reply, { action: { conversationId, lang: reply.lang }, showQuestion: true }, { channel });
          return;
        }
        case ACTIONS.support: {
          const reply = await bot.act(value.conversationId, 'handoff');
          await post(client, reply, { action: value }, { channel, thread_ts: threadTs });
          return;
        }
        default: {
          const reply = await bot.act(value.conversationId, action.action_id === ACTIONS.helpful ? 'helpful' : 'not_helpful');
          await client.chat.postEphemeral({ channel, user: body.user.id, text: reply.text, ...(threadTs ? { thread_ts: threadTs } : {}) });
        }
      }
    };
    await respond().catch(failed(`handling ${action.action_id}`));
  });

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await client.views
      .publish({ user_id: event.user, view: { type: 'home', blocks: homeBlocks(bot) } })
      .catch(failed('publishing App Home'));
  });

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
  return { app, requestListener };
}

/** App Home: what the bot answers, with example questions, in bokmål and English. */
function homeBlocks(bot: Bot) {
  return (['nb', 'en'] as Lang[]).flatMap((lang) => [
    { type: 'header' as const, text: { type: 'plain_text' as const, text: bot.label('home-title', lang) } },
    { type: 'section' as const, text: { type: 'mrkdwn' as const, text: escapeMrkdwn(bot.helpText(lang)) } },
  ]);
}
