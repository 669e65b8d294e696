import type { Lang, Source } from '../types.js';
import type { Lexicon } from '../lexicon.js';
import { entry, sectionKey, type KnowledgeBase, type KnowledgeEntry } from './entry.js';
import { formatValue, type Value } from './format.js';

/** `{name}`, `{name:format}` or `{entry.fact:format}`. */
export const PLACEHOLDER = /\{([a-zA-Z][\w-]*(?:\.[a-zA-Z]\w*)?)(?::(\w+))?\}/g;

export interface Rendered {
  text: string;
  sources: Source[];
}

/** The section for a language; nynorsk falls back to bokmål where an entry has no nynorsk text. */
export function findSection(e: KnowledgeEntry, lang: Lang, variant?: string) {
  return e.sections.get(sectionKey(lang, variant)) ?? (lang === 'nn' ? e.sections.get(sectionKey('nb', variant)) : undefined);
}

/** Each source once; cited by entries checked on different days, it carries the earliest day. */
export function mergeSources(...lists: Source[][]): Source[] {
  const seen = new Map<string, Source>();
  for (const s of lists.flat()) {
    const key = s.title + s.url;
    const known = seen.get(key);
    if (!known) seen.set(key, s);
    else if (s.checked < known.checked) seen.set(key, { ...known, checked: s.checked });
  }
  return [...seen.values()];
}

/**
 * Fills a knowledge section's template. Values come from `vars` (a rule's results), the entry's
 * facts, or another entry's facts (`{contact.email}`), whose sources are then cited too.
 */
export function render(
  kb: KnowledgeBase,
  lexicon: Lexicon,
  entryId: string,
  lang: Lang,
  variant?: string,
  vars: Record<string, Value> = {},
): Rendered {
  const e = entry(kb, entryId);
  const section = findSection(e, lang, variant);
  if (!section) throw new Error(`${e.file}: no section "${sectionKey(lang, variant)}"`);
  const cited: Source[][] = [e.cited];
  let text = '';
  for (const piece of pieces(section.text)) {
    if (typeof piece === 'string') {
      text += piece;
      continue;
    }
    const { name, format } = piece;
    let value: Value | undefined = vars[name] ?? e.facts[name];
    if (value === undefined && name.includes('.')) {
      const [otherId, fact] = name.split('.') as [string, string];
      const other = entry(kb, otherId);
      value = other.facts[fact];
      cited.push(other.cited);
    }
    if (value === undefined) throw new Error(`${e.file}:${section.line}: no value for {${name}}`);
    text += formatValue(value, format, lang, lexicon);
  }
  return { text, sources: cited.length === 1 ? e.cited : mergeSources(...cited) };
}

/** A template split once into its text and its placeholders. */
type Piece = string | { name: string; format: string | undefined };
const parsed = new Map<string, Piece[]>();
function pieces(template: string): Piece[] {
  let found = parsed.get(template);
  if (!found) {
    found = [];
    let last = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      if (m.index > last) found.push(template.slice(last, m.index));
      found.push({ name: m[1]!, format: m[2] });
      last = m.index + m[0].length;
    }
    if (last < template.length) found.push(template.slice(last));
    parsed.set(template, found);
  }
  return found;
}
