import type { KnowledgeBase } from '../../knowledge/entry.js';
import { entry } from '../../knowledge/entry.js';
import type { TermList, WordParts } from '../../understand/terms.js';

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
  /** The lists whose words say what data are for, which the models do not read. */
  private readonly purposeWords: readonly TermList[];

  constructor(kb: KnowledgeBase, list: (terms: readonly string[]) => TermList) {
    const termsOf = (id: string) => list(entry(kb, id).purposeTerms ?? []);
    this.terms = {
      own_data: termsOf(PURPOSE_ROUTES.own_data.knowledge),
      non_research: termsOf(PURPOSE_ROUTES.non_research.knowledge),
      research: termsOf(PURPOSE_ROUTES.research.knowledge),
    };
    this.notResearch = list(entry(kb, PURPOSE_ROUTES.non_research.knowledge).notResearchTerms ?? []);
    this.purposeWords = [this.terms.research, this.terms.non_research, this.notResearch];
  }

  /**
   * Where the words that name a research or other purpose stand ("journalist", "kvalitetsarbeid",
   * "PhD"): the topic of a question is read without them, since a purpose decides only the route.
   */
  covered(read: WordParts): Set<number> {
    const out = new Set<number>();
    for (const list of this.purposeWords) if (list.has(read)) for (const at of list.covered(read)) out.add(at);
    return out;
  }

  /** Whether any word names a research or other purpose: whether `covered` finds any. */
  named(read: WordParts): boolean {
    return this.purposeWords.some((list) => list.has(read));
  }

  /**
   * Own data first; then a denial of research ("not a research study"); then the purpose named
   * first: people say what they do before they ask about the routes ("we're doing a clinical
   * audit … the helsedata.no form looks like it's for research").
   */
  find(read: WordParts): Purpose | undefined {
    if (this.terms.own_data.has(read)) return 'own_data';
    if (this.notResearch.has(read)) return 'non_research';
    const research = this.terms.research.firstAt(read);
    const other = this.terms.non_research.firstAt(read);
    if (research < 0) return other < 0 ? undefined : 'non_research';
    return other >= 0 && other < research ? 'non_research' : 'research';
  }
}
