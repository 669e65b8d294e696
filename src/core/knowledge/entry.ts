import type { Lang } from '../types.js';
import type { FrontMatter } from './schema.js';

/** One body section: `## nb` is the answer, `## nb estimate` a variant. */
export interface Section {
  text: string;
  line: number;
}

export interface KnowledgeEntry extends FrontMatter {
  file: string;
  /** Keyed `${lang}` or `${lang} ${variant}`. */
  sections: Map<string, Section>;
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

