import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  TurnContext,
  type Request as BotRequest,
  type Response as BotResponse,
} from 'botbuilder';
import type { Bot } from '../../core/bot.js';
import type { Reply } from '../../core/types.js';
import type { Config } from '../../server/config.js';
import { errorFields, type Logger } from '../../server/log.js';
import { ACTIONS, viewOf } from '../reply-view.js';
import { renderCard, type CardActionData } from './card.js';

/** A Teams conversation id names the channel thread or the chat, so follow-ups stay together. */
export const teamsConversationId = (conversationId: string) => `teams:${conversationId}`;

const isCardAction = (value: unknown): value is CardActionData =>
  typeof value === 'object' && value !== null && typeof (value as CardActionData).action === 'string' && (value as CardActionData).action.startsWith('npr_');

/** Answers personal chats and channel mentions, welcomes new members, handles card buttons. */
export class TeamsHandler extends TeamsActivityHandler {
  constructor(
    private readonly bot: Bot,
    log: Logger,
  ) {
    super();
    this.onMessage(async (context, next) => {
      try {
        await this.onText(context);
      } catch (error) {
        log.error('teams: answering failed', errorFields(error));
      }
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id === context.activity.recipient.id) continue;
        const conversationId = teamsConversationId(context.activity.conversation.id);
        await this.send(context, await this.bot.act(conversationId, 'help'), conversationId);
      }
      await next();
    });
  }

  private async send(context: TurnContext, reply: Reply, conversationId: string) {
    const card = renderCard(viewOf(this.bot, reply), conversationId);
    await context.sendActivity({ type: 'message', text: reply.text, attachments: [CardFactory.adaptiveCard(card)] });
  }

  private async onText(context: TurnContext) {
    const activity = context.activity;
    if (isCardAction(activity.value)) {
      const { action, conversationId } = activity.value;
      const reply = await this.bot.act(conversationId, action === ACTIONS.support ? 'handoff' : action === ACTIONS.helpful ? 'helpful' : 'not_helpful');
      if (action === ACTIONS.support) await this.send(context, reply, conversationId);
      else await context.sendActivity({ type: 'message', text: reply.text });
      return;
    }
    // in a channel the bot is @mentioned; the mention is not part of the question
    const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
    const conversationId = teamsConversationId(activity.conversation.id);
    const reply = await this.bot.answer({ conversationId, text });
    await this.send(context, reply, conversationId);
  }
}

export interface TeamsChannel {
  /** Handles POST /api/messages once the body is read and parsed. */
  handle(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void>;
}

/** botbuilder wants an Express-like request and response; these wrap Node's. */
function botRequest(req: IncomingMessage, body: Record<string, unknown>): BotRequest {
  return { body, headers: req.headers, method: req.method };
}

function botResponse(res: ServerResponse): BotResponse {
  return {
    socket: res.socket,
    header: (name: string, value: unknown) => res.setHeader(name, String(value)),
    status: (code: number) => void (res.statusCode = code),
    send: (payload?: unknown) => {
      if (payload === undefined) return;
      if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
      res.write(typeof payload === 'string' ? payload : JSON.stringify(payload));
    },
    end: () => res.end(),
  } as BotResponse;
}

export function createTeamsChannel(config: Config, bot: Bot, log: Logger): TeamsChannel {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppType: config.MicrosoftAppType ?? (config.MicrosoftAppId ? 'MultiTenant' : ''),
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (_context, error) => log.error('teams: turn failed', errorFields(error));
  const handler = new TeamsHandler(bot, log);
  return {
    async handle(req, res, body) {
      await adapter.process(botRequest(req, body), botResponse(res), (context) => handler.run(context));
      if (!res.writableEnded) res.end();
    },
  };
}
