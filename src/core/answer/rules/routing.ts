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
  private readonly notResearch: TermList;

  constructor(kb: KnowledgeBase, known?: ReadonlySet<string>) {
    const termsOf = (id: string) => new TermList(entry(kb, id).purposeTerms ?? [], known);
    this.terms = {
      own_data: termsOf(PURPOSE_ROUTES.own_data.knowledge),
      non_research: termsOf(PURPOSE_ROUTES.non_research.knowledge),
      research: termsOf(PURPOSE_ROUTES.research.knowledge),
    };
    this.notResearch = new TermList(entry(kb, PURPOSE_ROUTES.non_research.knowledge).notResearchTerms ?? [], known);
  }

  /** Own data first; then a denial of research ("not a research study"); then research; then other purposes. */
  find(tokens: readonly string[]): Purpose | undefined {
    if (this.terms.own_data.has(tokens)) return 'own_data';
    if (this.notResearch.has(tokens)) return 'non_research';
    if (this.terms.research.has(tokens)) return 'research';
    return this.terms.non_research.has(tokens) ? 'non_research' : undefined;
  }
}
