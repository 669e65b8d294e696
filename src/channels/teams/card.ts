import type { CaseView } from '../../support/summary.js';
import { ACTIONS, type ActionValue, type ReplyView } from '../reply-view.js';

/** Adaptive Card data sent back by a button. */
export interface CardActionData extends ActionValue {
  action: string;
}

/** Card markdown treats these as formatting; the answer text is shown as written. */
const escapeMarkdown = (text: string) => text.replace(/([*_~`[\]\\])/g, '\\$1');

/** The reply as an Adaptive Card: answer, figures, sources as links, feedback and support buttons. */
export function renderCard(view: ReplyView, conversationId: string, options: { buttons: boolean } = { buttons: true }): Record<string, unknown> {
  const data = (action: string): CardActionData => ({ action, conversationId, lang: view.reply.lang });
  const body: Record<string, unknown>[] = view.text
    .split(/\n{2,}/)
    .map((paragraph) => ({ type: 'TextBlock', text: escapeMarkdown(paragraph).replace(/\n/g, '\n\n'), wrap: true }));
  if (view.figures.length > 0) {
    body.push({ type: 'FactSet', facts: view.figures.map((f) => ({ title: f.label, value: f.value })) });
  }
  if (view.sources.length > 0) {
    body.push({
      type: 'TextBlock',
      wrap: true,
      size: 'Small',
      isSubtle: true,
      text: `${view.labels.sources}: ${view.sources.map((s) => `[${escapeMarkdown(s.title)}](${s.url}), ${escapeMarkdown(s.checkedText)}`).join('; ')}`,
    });
  }
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions: [
      ...(view.reply.mailto ? [{ type: 'Action.OpenUrl', title: view.labels['write-email'], url: view.reply.mailto }] : []),
      // a welcome carries no feedback buttons: there is no answer to rate yet
      ...(options.buttons
        ? [
            { type: 'Action.Submit', title: view.labels.helpful, data: data(ACTIONS.helpful) },
            { type: 'Action.Submit', title: view.labels['not-helpful'], data: data(ACTIONS.notHelpful) },
            { type: 'Action.Submit', title: view.labels.support, data: data(ACTIONS.support) },
          ]
        : []),
    ],
  };
}

/** A support case as an Adaptive Card, with Claim, Resolve and Forward to NPR. */
export function renderCaseCard(v: CaseView): Record<string, unknown> {
  const data = (action: string) => ({ action, caseId: v.caseId });
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: escapeMarkdown(v.title), weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: escapeMarkdown(v.status), isSubtle: true, wrap: true },
      { type: 'TextBlock', text: `**${escapeMarkdown(v.labels.findings)}**`, wrap: true },
      ...v.findings.map((f) => ({ type: 'TextBlock', text: `- ${escapeMarkdown(f)}`, wrap: true, spacing: 'None' })),
      { type: 'TextBlock', text: `**${escapeMarkdown(v.labels.transcript)}**`, wrap: true },
      ...v.transcript.split('\n').map((line) => ({ type: 'TextBlock', text: escapeMarkdown(line), wrap: true, spacing: 'None' })),
    ],
    actions: v.closed
      ? []
      : [
          { type: 'Action.Submit', title: v.labels.claim, data: data('npr_case_claim') },
          { type: 'Action.Submit', title: v.labels.resolve, data: data('npr_case_resolve') },
          { type: 'Action.Submit', title: v.labels.forward, data: data('npr_case_forward') },
        ],
  };
}
