import { LANGS } from './types.js';
import type { DataProblem } from './data-file.js';
import type { KnowledgeBase, KnowledgeEntry } from './knowledge/entry.js';
import type { IntentDef } from './intents/schema.js';
import { FORMATS } from './knowledge/format.js';
import { PLACEHOLDER } from './knowledge/render.js';
import { knowledgeSchemas } from './knowledge/schema.js';
import { pageFactProblems } from './knowledge/page-facts.js';
import { PURPOSE_ROUTES } from './answer/rules/routing.js';
import { LABELS, ROUTES } from './answer/compose.js';
import { tokenize } from './understand/normalise.js';
import { daysFacts, dueName } from './answer/rules/deadlines.js';

/** Knowledge entries the code itself answers from, and the variables each one's rule fills in. */
export const CODE_ENTRIES: Record<string, string[]> = {
  price: ['rateIncl', 'hours', 'billedHours', 'excl', 'incl', 'baseFee', 'baseFeeOne', 'exclOne', 'inclOne', 'baseFeeSeveral', 'exclSeveral', 'inclSeveral', 'requests', 'sum'],
  // and a due date per delivery-time fact (dueName)
  deadlines: ['why', 'days', 'received', 'due', 'holiday'],
  applying: [],
  'non-research': ['question'],
  'own-data': [],
  contact: [],
  privacy: [],
  clarify: ['first', 'second'],
  empty: [],
  truncated: ['limit'],
  'instructions-ignored': [],
  labels: ['assignee', 'link', 'caseNumber', 'to', 'conversation', 'attempts', 'error', 'date'],
  feedback: [],
  handoff: ['caseNumber', 'text', 'summary', 'transcript'],
};

/** Sections the rules ask for, beyond the plain answer. */
const RULE_SECTIONS: Record<string, (e: KnowledgeEntry) => string[]> = {
  price: (e) => [
    ...(e.facts.baseFeeOneSourceNok !== undefined ? ['estimate-one', 'estimate-several', 'estimate-both'] : ['estimate']),
    ...(e.facts.minimumHours !== undefined ? ['estimate-minimum', 'minimum'] : []),
    ...(e.facts.billing === 'started-hour' ? ['estimate-started'] : []),
    ...Object.keys(e.freeCases ?? {}).map((c) => `free-${c}`),
  ],
  deadlines: (e) => [
    'date',
    'date-both',
    'day-kind',
    ...(e.categories && !e.bySources ? ['category', ...Object.keys(e.categories).map((c) => `why-${c}`)] : []),
    ...((e.dayCount ?? 'calendar') === 'calendar' ? ['falls-on-weekend', 'falls-on-holiday'] : []),
  ],
  labels: () => [...LABELS],
  handoff: () => ['offer', 'confirmed', 'opened', 'declined', 'relayed', 'agent-reply', 'resolved', 'mail-subject', 'mail-body', 'unavailable'],
  feedback: () => ['not-helpful'],
  'non-research': () => ['mail-subject', 'mail-body'],
};

const key = (text: string) => tokenize(text).join(' ');

/**
 * Cross-references, after each file's shape has passed: every intent answers from an entry that
 * exists, every entry is reachable, every placeholder has a value, rules find the typed facts
 * and sections they need, the facts declared on the documentation page are facts of their entry,
 * and no utterance stands under two intents or in both examples and tests.
 */
export function checkReferences(kb: KnowledgeBase, intents: readonly IntentDef[]): DataProblem[] {
  const problems: DataProblem[] = [];
  const reached = new Set(Object.keys(CODE_ENTRIES));

  for (const intent of intents) {
    const target = intent.answer.knowledge;
    if (!kb.entries.has(target)) problems.push({ file: intent.file, line: 2, message: `answer.knowledge "${target}" is not an entry in knowledge/` });
    reached.add(target);
  }
  for (const route of Object.values(PURPOSE_ROUTES)) {
    if (!intents.some((i) => i.intent === route.intent)) problems.push({ file: 'intents/', line: 1, message: `no intent file for "${route.intent}", which routing needs` });
  }
  for (const required of ['fallback', 'handoff', 'pricing', 'deadlines']) {
    if (!intents.some((i) => i.intent === required)) problems.push({ file: 'intents/', line: 1, message: `no intent file for "${required}"` });
  }
  for (const [intent, { fact: [id, fact] }] of Object.entries(ROUTES)) {
    const e = kb.entries.get(id);
    if (e?.facts[fact] === undefined) problems.push({ file: e?.file ?? 'knowledge/', line: 2, message: `fact "${fact}" of entry "${id}" is missing; intent "${intent}" routes users there` });
  }
  for (const id of Object.keys(CODE_ENTRIES)) {
    if (!kb.entries.has(id)) problems.push({ file: 'knowledge/', line: 1, message: `entry "${id}" is missing; the code answers from it` });
  }

  for (const e of kb.entries.values()) {
    if (!reached.has(e.id)) problems.push({ file: e.file, line: 2, message: `entry "${e.id}" is not reachable: no intent answers from it` });
    const vars = new Set([...(CODE_ENTRIES[e.id] ?? []), ...(e.id === 'deadlines' ? daysFacts(e).map(dueName) : [])]);
    for (const [sectionKey, section] of e.sections) {
      for (const [, name, format] of section.text.matchAll(PLACEHOLDER)) {
        const where = { file: e.file, line: section.line };
        if (format && !(FORMATS as readonly string[]).includes(format)) problems.push({ ...where, message: `{${name}:${format}}: unknown format (${FORMATS.join(', ')})` });
        if (vars.has(name!) || name! in e.facts) continue;
        const [otherId, fact] = name!.split('.');
        if (fact && kb.entries.get(otherId!)?.facts[fact] !== undefined) continue;
        problems.push({ ...where, message: `{${name}} in "## ${sectionKey}" is neither a fact of this entry, another entry's fact, nor a value its rule gives` });
      }
    }
    for (const variant of RULE_SECTIONS[e.id]?.(e) ?? []) {
      for (const lang of ['nb', 'en'] as const) {
        if (!e.sections.has(`${lang} ${variant}`)) problems.push({ file: e.file, line: 2, message: `missing section "## ${lang} ${variant}", which its rule uses` });
      }
    }
    for (const [name, category] of Object.entries(e.categories ?? {})) {
      if (!(category.days in e.facts)) problems.push({ file: e.file, line: 2, message: `category "${name}" names days fact "${category.days}", which is not in facts` });
    }
    problems.push(...pageFactProblems(e));
    for (const [count, fact] of Object.entries(e.bySources ?? {})) {
      if (!fact.endsWith('Days') || !(fact in e.facts)) problems.push({ file: e.file, line: 2, message: `bySources.${count} names "${fact}", which is not a delivery-time fact (a fact ending in Days)` });
    }
  }

  const typed: [string, { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }][] = [
    ['price', knowledgeSchemas().priceFacts],
    ['deadlines', knowledgeSchemas().deadlineFacts],
    ['data-period', knowledgeSchemas().dataPeriodFacts],
  ];
  for (const [id, schema] of typed) {
    const e = kb.entries.get(id);
    const result = e && schema.safeParse(e.facts);
    if (e && result && !result.success) {
      for (const issue of result.error!.issues) problems.push({ file: e.file, line: 2, message: `facts.${issue.path.join('.')}: ${issue.message}` });
    }
  }

  // each delivery time gives a due date that channels show under a label
  const deadlines = kb.entries.get('deadlines');
  const labels = kb.entries.get('labels');
  if (deadlines && labels) {
    for (const name of daysFacts(deadlines).map(dueName)) {
      for (const lang of ['nb', 'en'] as const) {
        if (!labels.sections.has(`${lang} figure-${name}`)) problems.push({ file: labels.file, line: 2, message: `missing section "## ${lang} figure-${name}": the label of the due date from ${deadlines.file}` });
      }
    }
  }

  const seen = new Map<string, { intent: string; file: string; line: number; part: string }>();
  for (const intent of intents) {
    for (const part of ['examples', 'tests'] as const) {
      for (const lang of LANGS) {
        intent[part][lang].forEach((text, i) => {
          const line = intent.lines.get(`${part}.${lang}.${i}`) ?? 1;
          const k = key(text);
          const other = seen.get(k);
          if (other && other.intent !== intent.intent) {
            problems.push({ file: intent.file, line, message: `"${text}" is also under intent "${other.intent}" (${other.file}:${other.line})` });
          } else if (other && other.part !== part) {
            problems.push({ file: intent.file, line, message: `"${text}" is both a training example and a held-out test (${other.file}:${other.line})` });
          } else if (!other) seen.set(k, { intent: intent.intent, file: intent.file, line, part });
        });
      }
    }
  }
  return problems;
}
