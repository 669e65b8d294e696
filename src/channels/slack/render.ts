import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;
import type { CaseView } from '../../support/summary.js';
import { ACTIONS, type ActionValue, type ReplyView } from '../reply-view.js';

/** Slack's limits: characters in a section's text, blocks in one message. */
export const SECTION_LIMIT = 3000;
export const BLOCK_LIMIT = 50;
const CONTEXT_ELEMENT_LIMIT = 10;

/** Slack reads & < > as markup; escaped, text from a user can never ping anyone or link anywhere. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Splits text at paragraph, line or word boundaries into pieces of at most `limit` characters. */
export function splitText(text: string, limit = SECTION_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > limit / 2 ? cut : limit;
    pieces.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface RenderOptions {
  /** Where the buttons send their clicks back to; without it, no buttons (a welcome). */
  action?: ActionValue;
  /** On an ephemeral answer to /npr: a button that posts it to the channel for everyone. */
  postToChannel?: boolean;
  /** The user's question, shown above an ephemeral answer. */
  showQuestion?: boolean;
}

function button(text: string, actionId: string, value: ActionValue, style?: 'primary' | 'danger') {
  return { type: 'button' as const, text: { type: 'plain_text' as const, text, emoji: true }, action_id: actionId, value: JSON.stringify(value), ...(style ? { style } : {}) };
}

/**
 * The reply as Block Kit: question (optional), answer, figures, sources as links, buttons.
 * Long replies become several messages; the buttons go on the last.
 */
export function renderSlack(view: ReplyView, options: RenderOptions): SlackMessage[] {
  const blocks: KnownBlock[] = [];
  if (options.showQuestion && view.reply.question) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `*${escapeMrkdwn(view.labels.asked)}:* ${escapeMrkdwn(view.reply.question)}`.slice(0, SECTION_LIMIT) }] });
  }
  for (const piece of splitText(escapeMrkdwn(view.text))) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: piece } });
  if (view.figures.length > 0) {
    blocks.push({
      type: 'section',
      fields: view.figures.slice(0, 10).map((f) => ({ type: 'mrkdwn' as const, text: `*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}` })),
    });
  }
  if (view.reply.mailto) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `✉️ <${view.reply.mailto.replace(/[<>|]/g, encodeURIComponent)}|${escapeMrkdwn(view.labels['write-email'])}>` } });
  }
  for (let i = 0; i < view.sources.length; i += CONTEXT_ELEMENT_LIMIT) {
    blocks.push({
      type: 'context',
      elements: view.sources.slice(i, i + CONTEXT_ELEMENT_LIMIT).map((s) => ({
        type: 'mrkdwn' as const,
        text: `${i === 0 ? `${escapeMrkdwn(view.labels.sources)}: ` : ''}<${s.url}|${escapeMrkdwn(s.title).replace(/\|/g, '¦')}>, ${escapeMrkdwn(s.checkedText)}`,
      })),
    });
  }
  const value = options.action;
  const messages: SlackMessage[] = [];
  for (let i = 0; i < blocks.length; i += BLOCK_LIMIT - 1) messages.push({ text: '', blocks: blocks.slice(i, i + BLOCK_LIMIT - 1) });
  if (value) {
    const buttons = [
      ...(options.postToChannel ? [button(view.labels['post-to-channel'], ACTIONS.postToChannel, value, 'primary')] : []),
      button(view.labels.helpful, ACTIONS.helpful, { conversationId: value.conversationId, lang: value.lang }),
      button(view.labels['not-helpful'], ACTIONS.notHelpful, { conversationId: value.conversationId, lang: value.lang }),
      button(view.labels.support, ACTIONS.support, { conversationId: value.conversationId, lang: value.lang }),
    ];
    messages.at(-1)!.blocks.push({ type: 'actions', elements: buttons } as KnownBlock);
  }
  // the notification text: the start of the answer, plain
  const preview = view.text.length > 300 ? `${view.text.slice(0, 297)}…` : view.text;
  for (const m of messages) m.text = escapeMrkdwn(preview);
  return messages;
}

/** Actions on a case in the support channel. */
export const CASE_ACTIONS = { claim: 'npr_case_claim', resolve: 'npr_case_resolve', forward: 'npr_case_forward' } as const;


/** A support case as Block Kit: title and status, findings, the redacted conversation, actions. */
export function renderCase(v: CaseView): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: v.title.slice(0, 150) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(v.status) }] },
    { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(v.labels.findings)}*\n${v.findings.map((f) => `• ${escapeMrkdwn(f)}`).join('\n')}`.slice(0, SECTION_LIMIT) } },
  ];
  const transcript = splitText(escapeMrkdwn(v.transcript || '—'), SECTION_LIMIT - 50);
  transcript.slice(0, BLOCK_LIMIT - 6).forEach((piece, i) => {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: i === 0 ? `*${escapeMrkdwn(v.labels.transcript)}*\n${piece}` : piece } });
  });
  if (!v.closed) {
    const value = JSON.stringify({ caseId: v.caseId });
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: v.labels.claim }, action_id: CASE_ACTIONS.claim, value, style: 'primary' },
        { type: 'button', text: { type: 'plain_text', text: v.labels.resolve }, action_id: CASE_ACTIONS.resolve, value },
        { type: 'button', text: { type: 'plain_text', text: v.labels.forward }, action_id: CASE_ACTIONS.forward, value },
      ],
    });
  }
  return { text: escapeMrkdwn(`${v.title}: ${v.status}`), blocks };
}
