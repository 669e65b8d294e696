import { z } from 'zod';
import { LANGS } from '../core/types.js';

/**
 * What the channels hand the desk: typed events, each with a key unique per delivery of the same
 * event (a retry or a replay has the same key), and typed addresses to answer at. Recorded as
 * JSON in the inbox and checked with these schemas when read back.
 */

/** Where to answer on Slack: a channel or DM (and thread), a user only (ephemeral), or a command's response URL. */
export const slackAddress = z.strictObject({
  platform: z.literal('slack'),
  channel: z.string().regex(/^[CDGU][A-Z0-9]+$/).optional(),
  thread: z.string().regex(/^\d+\.\d+$/).optional(),
  /** Shown only to this user (chat.postEphemeral), or, with `dm`, sent to their direct messages. */
  user: z.string().regex(/^[UW][A-Z0-9]+$/).optional(),
  dm: z.boolean().optional(),
  /** A command's or an ephemeral button's response URL: answers only the user who asked. */
  responseUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type SlackAddress = z.infer<typeof slackAddress>;

/** Where to answer on Teams: the conversation reference botbuilder gives, as it gave it. */
export const teamsAddress = z.strictObject({
  platform: z.literal('teams'),
  ref: z.looseObject({
    serviceUrl: z.string(),
    conversation: z.looseObject({ id: z.string() }),
  }),
});
export type TeamsAddress = z.infer<typeof teamsAddress>;

export const address = z.discriminatedUnion('platform', [slackAddress, teamsAddress]);
export type Address = z.infer<typeof address>;

/** A conversation as the core knows it: "slack:T1:C1:1764…" or "teams:a:1…"; made by each channel's `conversationId`. */
export const conversationId = z.string().regex(/^(slack|teams):.+/).brand<'ConversationId'>();
export type ConversationId = z.infer<typeof conversationId>;

const base = { key: z.string().min(1), platform: z.enum(['slack', 'teams']) };
const lang = z.enum(LANGS);

export const inboundEvent = z.discriminatedUnion('type', [
  /**
   * A user's question: a mention, a direct message, a Teams chat message. A Teams channel message
   * says where it was posted: in a case thread of the support channel it is an agent's reply.
   */
  z.strictObject({
    ...base,
    type: z.literal('message'),
    conversation: conversationId,
    to: address,
    user: z.string(),
    text: z.string(),
    channel: z.strictObject({ where: z.string(), agent: z.string() }).optional(),
  }),
  /** /npr: answered to the user alone; a case opened here is answered by direct message. */
  z.strictObject({ ...base, type: z.literal('command'), conversation: conversationId, to: address, later: address, user: z.string(), text: z.string() }),
  /** A button on an answer. */
  z.strictObject({
    ...base,
    type: z.literal('button'),
    conversation: conversationId,
    to: address,
    user: z.string(),
    action: z.enum(['helpful', 'not_helpful', 'support', 'post_to_channel']),
    lang,
    /** For "post to channel": the (redacted) question, and where the post goes. */
    question: z.string().optional(),
    channel: address.optional(),
  }),
  /** A support agent's message in a case thread. */
  z.strictObject({ ...base, type: z.literal('agent_reply'), supportKey: z.string(), where: z.string(), agent: z.string(), text: z.string() }),
  /** Claim, Resolve or Forward on a case; `where` says where the button was pressed, `to` where to tell the agent. */
  z.strictObject({ ...base, type: z.literal('case_action'), caseId: z.number().int(), action: z.enum(['claim', 'resolve', 'forward']), agent: z.string(), where: z.string(), to: address }),
  /** "register support channel" in a Teams channel. */
  z.strictObject({ ...base, type: z.literal('register_support'), channel: teamsAddress, user: z.string(), to: address }),
  /** A conversation or a team the bot just joined. */
  z.strictObject({ ...base, type: z.literal('welcome'), conversation: conversationId, to: address, lang }),
  /** Slack's App Home opened. */
  z.strictObject({ ...base, type: z.literal('home'), user: z.string() }),
]);
export type InboundEvent = z.infer<typeof inboundEvent>;

/** The conversation an event belongs to, for handling a conversation's events in order. */
export function orderKeyOf(e: InboundEvent): string {
  if ('conversation' in e) return e.conversation;
  if (e.type === 'agent_reply') return `support:${e.supportKey}`;
  if (e.type === 'case_action') return `case:${e.caseId}`;
  if (e.type === 'home') return `home:${e.user}`;
  return `support:${e.channel.ref.conversation.id}`;
}
