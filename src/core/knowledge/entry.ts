import type { Lang, Source } from '../types.js';
import type { FrontMatter } from './schema.js';

/** One body section: `## nb` is the answer, `## nb estimate` a variant. */
export interface Section {
  text: string;
  line: number;
}

export interface KnowledgeEntry extends FrontMatter {
  file: string;
  /** The entry's sources as answers cite them: each with the day the entry's facts were checked. */
  cited: Source[];
  /** Keyed `${lang}` or `${lang} ${variant}`. */
  sections: Map<string, Section>;
  /**
   * Lines in the file of front-matter values that problems and edits point at, keyed by their
   * path: `checked`, `page.0.heading`, `page.0.fingerprint`, `page.0.facts.hourlyRateNok`.
   */
  lines: Map<string, number>;
}

export function sectionKey(lang: Lang, variant?: string): string {
  return variant ? `${lang} ${variant}` : lang;
}

export interface KnowledgeBase {
  entries: Map<string, KnowledgeEntry>;
}

export function entry(kb: KnowledgeBase, id: string): KnowledgeEntry {
  const found = kb.entries.get(id);
  if (!found) throw new Error(`knowledge entry "${id}" does not exist`);
  return found;
}

