import type { IncomingMessage, ServerResponse } from 'node:http';
import { ActivityTypes, CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Bot } from '../../core/bot.js';
import { LANGS, type Lang } from '../../core/types.js';
import { normalise } from '../../core/understand/normalise.js';
import type { Config } from '../../server/config.js';
import { errorFields, type Logger } from '../../log.js';
import type { CaseRecord } from '../../store/cases.js';
import type { OutboxItem } from '../../store/outbox.js';
import type { Platform, ReplyOptions } from '../../support/desk.js';
import { NotRecorded, type Dispatcher } from '../../support/dispatch.js';
import { conversationId, type ConversationId, type InboundEvent, type TeamsAddress } from '../../support/events.js';
import { caseView, type CaseSummary } from '../../support/summary.js';
import { ACTIONS, viewOf } from '../reply-view.js';
import { renderCard, renderCaseCard, type CardActionData } from './card.js';

/** A Teams conversation as the core knows it: the chat or the channel thread, so follow-ups stay together. Made here and only here. */
export const teamsConversationId = (id: string): ConversationId => conversationId.parse(`teams:${id}`);

const REGISTER_COMMAND = /^\s*(register support channel|registrer supportkanal)\s*$/i;
const CASE_ACTIONS: Record<string, 'claim' | 'resolve' | 'forward'> = { npr_case_claim: 'claim', npr_case_resolve: 'resolve', npr_case_forward: 'forward' };
const BUTTONS: Record<string, 'helpful' | 'not_helpful' | 'support'> = { [ACTIONS.helpful]: 'helpful', [ACTIONS.notHelpful]: 'not_helpful', [ACTIONS.support]: 'support' };

const isCardAction = (value: unknown): value is CardActionData & { caseId?: number } =>
  typeof value === 'object' && value !== null && typeof (value as CardActionData).action === 'string' && (value as CardActionData).action.startsWith('npr_');

/** The root conversation of a channel thread: "19:…@thread.tacv2;messageid=123" → "19:…@thread.tacv2". */
const channelOf = (id: string) => id.split(';')[0]!;

/** The user's language from a locale ("en-US" → en, "nb-NO" and "no" → nb, "nn-NO" → nn); bokmål when unknown. */
export function langOfLocale(locale: string | undefined): Lang {
  const base = (locale ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  if (base === 'no') return 'nb';
  return (LANGS as readonly string[]).includes(base) ? (base as Lang) : 'nb';
}

/** The Teams client's locale: the activity's, or its clientInfo entity's (which some conversationUpdates carry instead). */
export function localeOf(activity: Pick<Activity, 'locale' | 'entities'>): string | undefined {
  if (activity.locale) return activity.locale;
  const info = activity.entities?.find((e) => e.type === 'clientInfo') as { locale?: unknown } | undefined;
  return typeof info?.locale === 'string' ? info.locale : undefined;
}

/**
 * Turns a Teams activity into one of the desk's typed events, or nothing: a chat message or a
 * channel mention, a card button, a support agent's reply in a case thread, "register support
 * channel", or a welcome when the bot joins. The key is the activity's id in its conversation.
 */
export function translateTeams(activity: Activity): InboundEvent | undefined {
  const key = `teams:${activity.conversation.id}:${activity.id ?? ''}`;
  const ref = TurnContext.getConversationReference(activity) as unknown as TeamsAddress['ref'];
  const to: TeamsAddress = { platform: 'teams', ref };
  const conversation = teamsConversationId(activity.conversation.id);
  const personal = activity.conversation.conversationType === 'personal';
  const user = activity.from?.aadObjectId ?? activity.from?.id ?? '';
  if (activity.type === ActivityTypes.ConversationUpdate) {
    // a welcome in a personal chat when it starts, and once in a team when the bot joins it,
    // not a post in the channel each time someone joins the team
    const added = activity.membersAdded ?? [];
    const botJoined = added.some((m) => m.id === activity.recipient.id);
    if ((personal && added.some((m) => m.id !== activity.recipient.id)) || (!personal && botJoined)) {
      return { key, platform: 'teams', type: 'welcome', conversation, to, lang: langOfLocale(localeOf(activity)) };
    }
    return undefined;
  }
  if (activity.type !== ActivityTypes.Message) return undefined;
  if (isCardAction(activity.value)) {
    const { action, caseId } = activity.value;
    if (action in CASE_ACTIONS) {
      if (typeof caseId !== 'number') return undefined;
      return { key, platform: 'teams', type: 'case_action', caseId, action: CASE_ACTIONS[action]!, agent: user, where: channelOf(activity.conversation.id), to };
    }
    const kind = BUTTONS[action];
    const of = conversationId.safeParse(activity.value.conversationId);
    if (!kind || !of.success) return undefined;
    return { key, platform: 'teams', type: 'button', conversation: of.data, to, user, action: kind, lang: activity.value.lang };
  }
  // in a channel the bot is @mentioned; the mention is not part of the question
  const text = normalise(TurnContext.removeRecipientMention(activity) ?? activity.text ?? '').text;
  if (REGISTER_COMMAND.test(text) && activity.conversation.conversationType === 'channel') {
    const channel: TeamsAddress = { platform: 'teams', ref: { ...ref, conversation: { ...ref.conversation, id: channelOf(ref.conversation.id) } } };
    return { key, platform: 'teams', type: 'register_support', channel, user, to };
  }
  // a channel message says where it was posted: the desk knows which channel threads are cases
  const channel = activity.conversation.conversationType === 'channel' ? { where: channelOf(activity.conversation.id), agent: activity.from?.name ?? user } : undefined;
  return { key, platform: 'teams', type: 'message', conversation, to, user, text, ...(channel ? { channel } : {}) };
}

/**
 * The public cloud's endpoints, as botbuilder uses them when no endpoint is set: once one is set
 * (the key metadata), it takes none of the defaults, so the rest are spelled out.
 */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
  ValidateAuthority: true,
};

/**
 * botbuilder's adapter, run without its `process()`, which prints errors and returns their
 * messages in the response: here an unauthenticated request gets a bare 401 and a log line.
 */
class RecordingAdapter extends CloudAdapter {
  authenticateAndRun(authorization: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authorization, activity, logic);
  }
}

export interface TeamsChannel {
  /** Handles POST /api/messages once the body is read and parsed. */
  handle(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void>;
  /** Sends the desk's deliveries. */
  platform: Platform;
}

export interface TeamsDeps {
  config: Config;
  bot: Bot;
  dispatcher: Dispatcher;
  log: Logger;
}

export function createTeamsChannel({ config, bot, dispatcher, log }: TeamsDeps): TeamsChannel {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppType: config.MicrosoftAppType ?? (config.MicrosoftAppId ? 'MultiTenant' : ''),
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
    ...(config.BotOpenIdMetadata ? { ...PUBLIC_CLOUD, ToBotFromChannelOpenIdMetadataUrl: config.BotOpenIdMetadata } : {}),
  });
  const adapter = new RecordingAdapter(auth);
  const appId = config.MicrosoftAppId ?? '';

  /** Runs `logic` in a conversation the bot is not answering right now (proactive message). */
  const inConversation = (ref: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => adapter.continueConversationAsync(appId, ref, logic);
  const caseCard = (c: CaseRecord, s: CaseSummary) => CardFactory.adaptiveCard(renderCaseCard(caseView(bot, c, s)));
  /** Sends an activity into a conversation as a reply to the message the reference names (a new post when it names none). */
  const sendIn = (ref: Partial<ConversationReference>, activity: Partial<Activity>) =>
    inConversation(ref, async (context) => void (await context.adapter.sendActivities(context, [TurnContext.applyConversationReference({ ...activity }, ref)])));
  const sendText = (ref: Partial<ConversationReference>, text: string) => sendIn(ref, { type: 'message', text });

  /**
   * "…is typing" in the conversation, sent straight away and not through the outbox: it is worth
   * something only now, before the answer. Retried after a failure or a restart it would come
   * after the answer, and recording it would cost a database write per message; a lost one costs
   * nothing, so a failure is only logged (at debug).
   */
  const showTyping = (to: TeamsAddress) => {
    sendIn(to.ref as unknown as Partial<ConversationReference>, { type: ActivityTypes.Typing }).catch((error: unknown) => log.debug('teams: the typing indicator could not be sent', errorFields(error)));
  };

  const platform: Platform = {
    async reply(to, reply, options: ReplyOptions) {
      const card = renderCard(viewOf(bot, reply), options.conversation, { buttons: options.buttons });
      // the card carries the answer; text beside it would show it twice. The summary is for notifications.
      await sendIn((to as TeamsAddress).ref as unknown as Partial<ConversationReference>, { type: 'message', summary: reply.text.slice(0, 200), attachments: [CardFactory.adaptiveCard(card)] });
    },
    async text(to, text) {
      await sendText((to as TeamsAddress).ref as unknown as Partial<ConversationReference>, text);
    },
    async postCase(where, c, summary) {
      if (!where || where.platform !== 'teams') throw new Error('no Teams support channel is registered');
      const channel = where.ref as unknown as Partial<ConversationReference>;
      let id = '';
      await inConversation(channel, async (context) => {
        // a new post in the channel, not a reply to the continuation's made-up activity id
        const activity = TurnContext.applyConversationReference({ type: 'message', attachments: [caseCard(c, summary)] }, { ...channel, activityId: undefined });
        id = (await context.adapter.sendActivities(context, [activity]))[0]?.id ?? '';
      });
      if (!id) throw new Error('Teams returned no id for the case post');
      const thread = `${channel.conversation!.id};messageid=${id}`;
      return { platform: 'teams', activityId: id, channel: channel as unknown as Record<string, unknown>, key: teamsConversationId(thread) };
    },
    async updateCase(ref, c, summary) {
      await inConversation(ref.channel as ConversationReference, async (context) => {
        await context.updateActivity({ type: 'message', id: String(ref.activityId), attachments: [caseCard(c, summary)] });
      });
    },
    async postInCase(ref, text) {
      const channel = ref.channel as ConversationReference;
      await sendText({ ...channel, conversation: { ...channel.conversation, id: `${channel.conversation.id};messageid=${String(ref.activityId)}` } }, text);
    },
    async notice(where, text) {
      if (!where || where.platform !== 'teams') throw new Error('no Teams support channel is registered');
      await sendText(where.ref as unknown as Partial<ConversationReference>, text);
    },
  };

  return {
    platform,
    async handle(req, res, body) {
      const activity = body as unknown as Activity;
      let logicRan = false;
      try {
        await adapter.authenticateAndRun(String(req.headers.authorization ?? ''), activity, async (context) => {
          logicRan = true;
          const event = translateTeams(context.activity);
          if (!event) return;
          await dispatcher.accept(event);
          // accepted: the user sees the bot typing until the answer comes (see showTyping)
          if (event.type === 'message' && event.to.platform === 'teams') showTyping(event.to);
        });
        res.writeHead(200).end();
      } catch (error) {
        if (error instanceof NotRecorded) {
          res.writeHead(503, { 'retry-after': '1' }).end();
        } else if (!logicRan && (error as { statusCode?: number }).statusCode === 500) {
          // the signing keys could not be fetched: not the sender's fault, and Teams sends it again
          log.error('teams: the token-signing keys could not be fetched; the request was refused for now', errorFields(error));
          res.writeHead(503, { 'retry-after': '5' }).end();
        } else if (!logicRan) {
          // a request that does not authenticate: refused, with nothing about why
          log.warn('teams: a request that did not authenticate was refused', errorFields(error));
          res.writeHead(401).end();
        } else {
          log.error('teams: handling a request failed', errorFields(error));
          res.writeHead(500).end();
        }
      }
    },
  };
}
