import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  TurnContext,
  type ConversationReference,
  type Request as BotRequest,
  type Response as BotResponse,
} from 'botbuilder';
import type { Bot } from '../../core/bot.js';
import type { Reply } from '../../core/types.js';
import { normalise } from '../../core/understand/normalise.js';
import type { Config } from '../../server/config.js';
import { errorFields, type Logger } from '../../server/log.js';
import type { CaseRecord } from '../../store/cases.js';
import type { Settings } from '../../store/settings.js';
import type { CaseAction, Platform, SupportDesk, UserAddress } from '../../support/desk.js';
import { caseView, SUPPORT_LANG, type CaseSummary } from '../../support/summary.js';
import { ACTIONS, viewOf } from '../reply-view.js';
import { renderCard, renderCaseCard, type CardActionData } from './card.js';

/** A Teams conversation id names the channel thread or the chat, so follow-ups stay together. */
export const teamsConversationId = (conversationId: string) => `teams:${conversationId}`;

/** The setting that remembers the channel where a support agent ran "register support channel". */
export const SUPPORT_CHANNEL_SETTING = 'teams.supportChannel';
const REGISTER_COMMAND = /^\s*(register support channel|registrer supportkanal)\s*$/i;
const CASE_ACTIONS: Record<string, CaseAction> = { npr_case_claim: 'claim', npr_case_resolve: 'resolve', npr_case_forward: 'forward' };

const isCardAction = (value: unknown): value is CardActionData & { caseId?: number } =>
  typeof value === 'object' && value !== null && typeof (value as CardActionData).action === 'string' && (value as CardActionData).action.startsWith('npr_');

/** The root conversation of a channel thread: "19:…@thread.tacv2;messageid=123" → "19:…@thread.tacv2". */
const channelOf = (conversationId: string) => conversationId.split(';')[0]!;

/** Answers personal chats and channel mentions, welcomes new members, handles card buttons. */
export class TeamsHandler extends TeamsActivityHandler {
  constructor(
    private readonly bot: Bot,
    private readonly desk: SupportDesk,
    private readonly settings: Settings,
    private readonly log: Logger,
    /** Who may register the support channel; empty: whoever registers first. */
    private readonly admins: readonly string[] = [],
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
      // a welcome in a personal chat when it starts, and once in a team when the bot joins it,
      // not a post in the channel each time someone joins the team
      const added = context.activity.membersAdded ?? [];
      const personal = context.activity.conversation.conversationType === 'personal';
      const botJoined = added.some((m) => m.id === context.activity.recipient.id);
      if ((personal && added.some((m) => m.id !== context.activity.recipient.id)) || (!personal && botJoined)) {
        const conversationId = teamsConversationId(context.activity.conversation.id);
        await this.send(context, await this.bot.act(conversationId, 'help'), conversationId);
      }
      await next();
    });
  }

  private async send(context: TurnContext, reply: Reply, conversationId: string) {
    const card = renderCard(viewOf(this.bot, reply), conversationId);
    // the card carries the answer; text beside it would show it twice. The summary is for notifications.
    await context.sendActivity({ type: 'message', summary: reply.text.slice(0, 200), attachments: [CardFactory.adaptiveCard(card)] });
  }

  private async onText(context: TurnContext) {
    const activity = context.activity;
    if (isCardAction(activity.value)) {
      const { action, conversationId, caseId } = activity.value;
      if (action in CASE_ACTIONS && caseId !== undefined) {
        // case buttons count only in the registered support channel
        const registered = await this.settings.get<ConversationReference>(SUPPORT_CHANNEL_SETTING);
        if (registered?.conversation.id !== channelOf(activity.conversation.id)) {
          this.log.warn('teams: a case action outside the support channel was ignored');
          return;
        }
        const note = await this.desk.onCaseAction(caseId, CASE_ACTIONS[action]!, activity.from.aadObjectId ?? activity.from.id);
        if (note) await context.sendActivity({ type: 'message', text: note });
        return;
      }
      if (action === ACTIONS.support) {
        await this.send(context, await this.bot.act(conversationId, 'handoff'), conversationId);
        return;
      }
      const reply = await this.desk.onFeedback(conversationId, action === ACTIONS.helpful);
      await context.sendActivity({ type: 'message', text: reply.text });
      return;
    }
    // in a channel the bot is @mentioned; the mention is not part of the question
    const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
    if (REGISTER_COMMAND.test(normalise(text).text) && activity.conversation.conversationType === 'channel') {
      const who = activity.from.aadObjectId ?? activity.from.id;
      const current = await this.settings.get<ConversationReference>(SUPPORT_CHANNEL_SETTING);
      const allowed = this.admins.length > 0 ? this.admins.includes(who) : !current || current.conversation.id === channelOf(activity.conversation.id);
      if (!allowed) {
        this.log.warn('teams: a support channel registration was refused', { user: who });
        await context.sendActivity({ type: 'message', text: this.bot.label('support-register-refused', SUPPORT_LANG) });
        return;
      }
      const ref = TurnContext.getConversationReference(activity);
      await this.settings.set(SUPPORT_CHANNEL_SETTING, { ...ref, conversation: { ...ref.conversation, id: channelOf(ref.conversation!.id) } });
      await context.sendActivity({ type: 'message', text: this.bot.label('support-registered', SUPPORT_LANG) });
      return;
    }
    const conversationId = teamsConversationId(activity.conversation.id);
    if (await this.desk.onAgentMessage(conversationId, activity.from.name ?? activity.from.id, normalise(text).text)) return;
    // the support channel is the team's workplace, not a place to ask the bot (e.g. a resolved case's thread)
    const support = await this.settings.get<ConversationReference>(SUPPORT_CHANNEL_SETTING);
    if (support && support.conversation.id === channelOf(activity.conversation.id)) return;
    const address: UserAddress = { channel: 'teams', conversationId, ref: TurnContext.getConversationReference(activity) as Record<string, unknown> };
    const reply = await this.desk.onUserMessage(address, text);
    await this.send(context, reply, conversationId);
  }
}

export interface TeamsChannel {
  /** Handles POST /api/messages once the body is read and parsed. */
  handle(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void>;
  /** Sends to users and to the support channel, for the support desk's outbox. */
  platform: Platform;
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

export interface TeamsDeps {
  config: Config;
  bot: Bot;
  desk: SupportDesk;
  settings: Settings;
  log: Logger;
}

export function createTeamsChannel({ config, bot, desk, settings, log }: TeamsDeps): TeamsChannel {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppType: config.MicrosoftAppType ?? (config.MicrosoftAppId ? 'MultiTenant' : ''),
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (_context, error) => log.error('teams: turn failed', errorFields(error));
  const admins = (config.SUPPORT_TEAMS_ADMINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const handler = new TeamsHandler(bot, desk, settings, log, admins);
  const appId = config.MicrosoftAppId ?? '';

  /** Runs `logic` in a conversation the bot is not answering right now (proactive message). */
  const inConversation = (ref: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) =>
    adapter.continueConversationAsync(appId, ref, logic);

  const caseCard = (c: CaseRecord, s: CaseSummary) => CardFactory.adaptiveCard(renderCaseCard(caseView(bot, c, s)));

  const platform: Platform = {
    async postCase(c, summary) {
      const channel = await settings.get<ConversationReference>(SUPPORT_CHANNEL_SETTING);
      if (!channel) throw new Error('no Teams support channel is registered');
      let id = '';
      await inConversation(channel, async (context) => {
        // a new post in the channel, not a reply to the continuation's made-up activity id
        const activity = TurnContext.applyConversationReference({ type: 'message', attachments: [caseCard(c, summary)] }, { ...channel, activityId: undefined });
        id = (await context.adapter.sendActivities(context, [activity]))[0]?.id ?? '';
      });
      if (!id) throw new Error('Teams returned no id for the case post');
      const thread = `${channel.conversation.id};messageid=${id}`;
      return { platform: 'teams', activityId: id, channel: channel as unknown as Record<string, unknown>, key: teamsConversationId(thread) };
    },
    async updateCase(ref, c, summary) {
      await inConversation(ref.channel as ConversationReference, async (context) => {
        await context.updateActivity({ type: 'message', id: String(ref.activityId), attachments: [caseCard(c, summary)] });
      });
    },
    async postInCase(ref, text) {
      const channel = ref.channel as ConversationReference;
      const thread = { ...channel, conversation: { ...channel.conversation, id: `${channel.conversation.id};messageid=${String(ref.activityId)}` } };
      await inConversation(thread, async (context) => void (await context.sendActivity({ type: 'message', text })));
    },
    async sendToUser(ref, text) {
      await inConversation(ref as Partial<ConversationReference>, async (context) => void (await context.sendActivity({ type: 'message', text })));
    },
  };

  return {
    async handle(req, res, body) {
      await adapter.process(botRequest(req, body), botResponse(res), (context) => handler.run(context));
      if (!res.writableEnded) res.end();
    },
    platform,
  };
}
