import type { Bot, Label } from '../core/bot.js';
import type { Lang, Reply, Source } from '../core/types.js';

/**
 * A reply with the words around it (headings, button labels, figure names) looked up in the
 * reply's language: what every channel renderer needs, platform-neutral.
 */
export interface ReplyView {
  reply: Reply;
  text: string;
  figures: { label: string; value: string }[];
  /** Each with when its facts were checked, as the reply's language writes it ("sjekket 25.11.2026"). */
  sources: (Source & { checkedText: string })[];
  labels: Record<Label, string>;
}

/** What a button on an answer carries back: the conversation it belongs to. */
export interface ActionValue {
  conversationId: string;
  lang: Lang;
  /** The (redacted) question, for "post to channel". */
  question?: string;
}

export function viewOf(bot: Bot, reply: Reply): ReplyView {
  const label = (name: Label) => bot.label(name, reply.lang);
  const labels = Object.fromEntries(
    (['sources', 'helpful', 'not-helpful', 'support', 'post-to-channel', 'asked', 'home-title', 'write-email'] as const).map((n) => [n, label(n)]),
  ) as Record<Label, string>;
  return {
    reply,
    text: reply.text,
    figures: reply.figures.map((f) => ({ label: label(`figure-${f.name}` as Label), value: f.display })),
    sources: reply.sources.map((s) => ({ ...s, checkedText: bot.sourceChecked(s, reply.lang) })),
    labels,
  };
}

/** Actions are named the same in every channel. */
export const ACTIONS = {
  helpful: 'npr_helpful',
  notHelpful: 'npr_not_helpful',
  support: 'npr_support',
  postToChannel: 'npr_post_to_channel',
} as const;
