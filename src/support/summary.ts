import type { Bot, Label } from '../core/bot.js';
import type { Lang } from '../core/types.js';
import type { CaseEvent, CaseRecord } from '../store/cases.js';

/** The support team reads cases in bokmål, whatever language the user wrote in. */
export const SUPPORT_LANG: Lang = 'nb';

export interface CaseSummary {
  title: string;
  status: string;
  findings: string[];
  transcript: string;
}

const ROLE_MARK: Record<string, string> = { user_message: '👤', bot_message: '🤖', agent_message: '🧑‍💼' };

/** What the support side shows of a case: title, status, findings and the redacted conversation. */
export function summarise(bot: Bot, c: CaseRecord, events: CaseEvent[]): CaseSummary {
  const label = (name: Label, vars?: Record<string, string>) => bot.label(name, SUPPORT_LANG, vars);
  const f = c.findings;
  const findings = [
    label(`support-reason-${f.reason}` as Label),
    `${c.channel} · ${c.lang}`,
    ...(f.intents.length ? [`intents: ${f.intents.join(', ')}`] : []),
    ...(f.purpose ? [`purpose: ${f.purpose}`] : []),
    ...(f.category ? [`category: ${f.category}`] : []),
    ...(f.registries?.length ? [`registries: ${f.registries.join(', ')}`] : []),
    ...(f.dates?.length ? [`dates: ${f.dates.join(', ')}`] : []),
    ...(f.hours !== undefined ? [`hours: ${f.hours}`] : []),
  ];
  const transcript = events
    .filter((e) => e.kind in ROLE_MARK && e.text)
    .map((e) => `${ROLE_MARK[e.kind]} ${e.text}`)
    .join('\n');
  return {
    title: `${label('support-case')} ${c.number}`,
    status: label(`support-status-${c.status}` as Label, { assignee: c.assignee ?? '' }),
    findings,
    transcript,
  };
}

/** A case as every support-side renderer shows it. */
export interface CaseView extends CaseSummary {
  caseId: number;
  closed: boolean;
  labels: { findings: string; transcript: string; claim: string; resolve: string; forward: string };
}

export function caseView(bot: Bot, c: CaseRecord, summary: CaseSummary): CaseView {
  return { caseId: c.id, ...summary, closed: c.status === 'resolved', labels: caseLabels(bot) };
}

/** The words on a case post. */
function caseLabels(bot: Bot): CaseView['labels'] {
  return {
    findings: bot.label('support-findings', SUPPORT_LANG),
    transcript: bot.label('support-transcript', SUPPORT_LANG),
    claim: bot.label('support-claim', SUPPORT_LANG),
    resolve: bot.label('support-resolve', SUPPORT_LANG),
    forward: bot.label('support-forward', SUPPORT_LANG),
  };
}
