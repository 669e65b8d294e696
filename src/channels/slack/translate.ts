import { normalise } from '../../core/understand/normalise.js';
import { conversationId, type ConversationId, type InboundEvent, type SlackAddress } from '../../support/events.js';
import { ACTIONS, type ActionValue } from '../reply-view.js';
import { CASE_ACTIONS } from './render.js';

/** A Slack conversation as the core knows it: a thread in a channel, a DM, or a user's /npr. Made here and only here. */
export function slackConversationId(team: string | undefined, channel: string, thread?: string): ConversationId {
  return conversationId.parse(['slack', team ?? '-', channel, thread ?? ''].join(':'));
}

/** The support-side key of a case posted at `ts` in `channel`: its thread. */
export const supportKey = (channel: string, ts: string) => `slack:${channel}:${ts}`;

interface SlackBody {
  type?: string;
  team_id?: string;
  event_id?: string;
  event?: Record<string, unknown> & { type?: string };
  command?: string;
  trigger_id?: string;
  response_url?: string;
  user_id?: string;
  channel_id?: string;
  text?: string;
  actions?: { action_id?: string; value?: string; action_ts?: string }[];
  user?: { id: string };
  channel?: { id: string };
  team?: { id: string };
  container?: { is_ephemeral?: boolean; thread_ts?: string; message_ts?: string };
  message?: { thread_ts?: string; ts?: string };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * Turns what Slack sends (an Events API callback, a slash command, a button click) into one of
 * the desk's typed events, or nothing for what the bot does not answer (its own messages, edits,
 * channel chatter outside case threads). Every key is unique per event: Slack's event id, or the
 * trigger id of a command or click, so a retry or a replay is recorded once.
 */
export function translateSlack(body: SlackBody, supportChannel: string | undefined): InboundEvent | undefined {
  if (body.type === 'event_callback' && body.event && body.event_id) {
    const e = body.event;
    const key = `slack:event:${body.event_id}`;
    const channel = str(e.channel);
    const user = str(e.user);
    const text = str(e.text) ?? '';
    const ts = str(e.ts);
    const threadTs = str(e.thread_ts);
    // edits, deletions and bot messages carry a subtype or a bot_id
    const fromBot = e.bot_id !== undefined || e.subtype !== undefined;
    if (e.type === 'app_home_opened') return e.tab === 'home' && user ? { key, platform: 'slack', type: 'home', user } : undefined;
    if (fromBot || !channel || !user || !ts) return undefined;
    if (e.type === 'app_mention') {
      if (channel === supportChannel) return undefined; // the support channel is the team's workplace
      const thread = threadTs ?? ts;
      return { key, platform: 'slack', type: 'message', conversation: slackConversationId(body.team_id, channel, thread), to: { platform: 'slack', channel, thread }, user, text };
    }
    if (e.type === 'message') {
      if (channel === supportChannel && threadTs) {
        return { key, platform: 'slack', type: 'agent_reply', supportKey: supportKey(channel, threadTs), where: channel, agent: user, text: normalise(text).text };
      }
      if (e.channel_type !== 'im') return undefined;
      const to: SlackAddress = threadTs ? { platform: 'slack', channel, thread: threadTs } : { platform: 'slack', channel };
      return { key, platform: 'slack', type: 'message', conversation: slackConversationId(body.team_id, channel, threadTs), to, user, text };
    }
    return undefined;
  }
  if (body.command === '/npr' && body.trigger_id && body.user_id && body.channel_id) {
    return {
      key: `slack:command:${body.trigger_id}`,
      platform: 'slack',
      type: 'command',
      conversation: slackConversationId(body.team_id, body.channel_id, `slash-${body.user_id}`),
      // /npr answers only the user who asked (its response URL works where the bot is no member);
      // the support team's answers on a case opened here come by direct message
      to: body.response_url ? { platform: 'slack', responseUrl: body.response_url } : { platform: 'slack', user: body.user_id, dm: true },
      later: { platform: 'slack', user: body.user_id, dm: true },
      user: body.user_id,
      text: body.text ?? '',
    };
  }
  if (body.type === 'block_actions' && body.actions?.[0] && body.user) {
    const action = body.actions[0];
    const id = action.action_id ?? '';
    const key = `slack:action:${body.trigger_id ?? `${body.user.id}:${action.action_ts ?? ''}`}`;
    const channel = body.channel?.id;
    const ephemeral = body.container?.is_ephemeral === true;
    const threadTs = body.message?.thread_ts ?? body.container?.thread_ts;
    let value: ActionValue & { caseId?: number };
    try {
      value = JSON.parse(action.value ?? '{}') as ActionValue & { caseId?: number };
    } catch {
      return undefined;
    }
    // a note only the clicking user sees, in the thread where they clicked
    const toUser: SlackAddress = { platform: 'slack', user: body.user.id, ...(channel ? { channel } : {}), ...(threadTs ? { thread: threadTs } : {}) };
    const caseAction = (Object.entries(CASE_ACTIONS).find(([, actionId]) => actionId === id)?.[0]) as 'claim' | 'resolve' | 'forward' | undefined;
    if (caseAction) {
      if (typeof value.caseId !== 'number' || !channel) return undefined;
      return { key, platform: 'slack', type: 'case_action', caseId: value.caseId, action: caseAction, agent: body.user.id, where: channel, to: toUser };
    }
    const parsed = conversationId.safeParse(value.conversationId);
    if (!parsed.success) return undefined;
    const buttons: Record<string, 'helpful' | 'not_helpful' | 'support' | 'post_to_channel'> = {
      [ACTIONS.helpful]: 'helpful',
      [ACTIONS.notHelpful]: 'not_helpful',
      [ACTIONS.support]: 'support',
      [ACTIONS.postToChannel]: 'post_to_channel',
    };
    const kind = buttons[id];
    if (!kind) return undefined;
    // an answer only the user saw gets a reply only the user sees
    const to: SlackAddress = ephemeral && body.response_url ? { platform: 'slack', responseUrl: body.response_url } : kind === 'support' && channel ? { platform: 'slack', channel, ...(threadTs ? { thread: threadTs } : {}) } : toUser;
    return {
      key,
      platform: 'slack',
      type: 'button',
      conversation: parsed.data,
      to,
      user: body.user.id,
      action: kind,
      lang: value.lang,
      ...(kind === 'post_to_channel' ? { question: value.question ?? '', ...(channel ? { channel: { platform: 'slack' as const, channel } } : {}) } : {}),
    };
  }
  return undefined;
}
