import type { KnowledgeBase } from '../../knowledge/entry.js';
import { entry } from '../../knowledge/entry.js';
import { TermList } from '../../understand/terms.js';

export type Purpose = 'research' | 'non_research' | 'own_data';

/** The intent that answers each purpose, and the knowledge entry whose terms name it. */
export const PURPOSE_ROUTES: Record<Purpose, { intent: string; knowledge: string }> = {
  own_data: { intent: 'own_data', knowledge: 'own-data' },
  non_research: { intent: 'apply_non_research', knowledge: 'non-research' },
  research: { intent: 'apply_research', knowledge: 'applying' },
};

/** Says what a request is for, from the purpose words of the knowledge entries. */
export class PurposeReader {
  private readonly terms: Record<Purpose, TermList>;

  constructor(kb: KnowledgeBase, known?: ReadonlySet<string>) {
    const termsOf = (id: string) => new TermList(entry(kb, id).purposeTerms ?? [], known);
    this.terms = {
      own_data: termsOf(PURPOSE_ROUTES.own_data.knowledge),
      non_research: termsOf(PURPOSE_ROUTES.non_research.knowledge),
      research: termsOf(PURPOSE_ROUTES.research.knowledge),
    };
  }

  /**
   * Own data first; then a stated research purpose wins over other purposes, unless its word is
   * part of a non-research phrase such as "ikke forskning".
   */
  find(tokens: readonly string[]): Purpose | undefined {
    if (this.terms.own_data.has(tokens)) return 'own_data';
    const other = this.terms.non_research.matches(tokens);
    const inside = (at: number) => other.some((o) => at >= o.at && at < o.at + o.length);
    if (this.terms.research.matches(tokens).some((m) => !inside(m.at))) return 'research';
    return other.length > 0 ? 'non_research' : undefined;
  }
}
