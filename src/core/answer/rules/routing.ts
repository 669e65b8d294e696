import type { Lexicon } from '../../lexicon.js';
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

/** The ways to data: the two routes to apply, and whom to contact. */
export const WAYS_TO_DATA: ReadonlySet<string> = new Set(['apply_research', 'apply_non_research', 'contact']);

/** How many words after an own-data term may make it about something else ("innsyn i aggregerte tall"). */
const OWN_DATA_EXCEPTION_REACH = 2;
/** How many words before a research word an other purpose's word describes it ("planning a research project"). */
const DESCRIBES_RESEARCH_REACH = 4;
/** How many words before a research word a negation denies it ("ikke tenkt som forskning"). */
const DENIAL_REACH = 3;

/** Says what a request is for, from the purpose words of the knowledge entries. */
/** The lexicon's lists a purpose is read with. */
export type PurposeWords = Pick<Lexicon, 'negationWords' | 'ownDataExceptions' | 'researcherWords' | 'contrastWords' | 'questionWords' | 'otherPurposeRoles'>;

export class PurposeReader {
  private readonly terms: Record<Purpose, TermList>;
  private readonly notResearch: TermList;
  private readonly roles: TermList;
  /** The lists whose words say what data are for, which the models do not read. */
  private readonly purposeWords: readonly TermList[];

  private readonly negations: ReadonlySet<string>;
  /** Words that, just after an own-data term, make it about something else ("my data request"). */
  private readonly ownDataExceptions: ReadonlySet<string>;
  /** Words for someone who does research ("forskaren"): who asks, which a purpose named for the data outweighs. */
  private readonly researchers: ReadonlySet<string>;
  /** Words that turn from what was said ("men", "but"): a purpose named after one is the one meant. */
  private readonly contrasts: ReadonlySet<string>;
  /** Words that open a question ("is", "er"): research asked about after another purpose is no description of it. */
  private readonly questionWords: ReadonlySet<string>;

  /** `words`: the lexicon's lists the reading of a purpose uses (none given: none of those readings). */
  constructor(kb: KnowledgeBase, list: (terms: readonly string[]) => TermList, words?: PurposeWords) {
    this.negations = new Set(words?.negationWords);
    this.ownDataExceptions = new Set(words?.ownDataExceptions);
    this.researchers = new Set(words?.researcherWords);
    this.contrasts = new Set(words?.contrastWords);
    this.questionWords = new Set(words ? Object.values(words.questionWords).flat() : []);
    this.roles = list(words?.otherPurposeRoles ?? []);
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

  /** An own-data term not followed by what makes it about something else ("my data request", "innsyn i aggregerte tall"). */
  private namesOwnData(read: WordParts): boolean {
    const followedByException = (end: number) => read.words.slice(end, end + OWN_DATA_EXCEPTION_REACH).some((w) => this.ownDataExceptions.has(w));
    return this.terms.own_data.matches(read).some((m) => !followedByException(m.at + m.length));
  }

  /**
   * Own data first; then a denial of research ("not a research study"); then the purpose named
   * first: people say what they do before they ask about the routes ("we're doing a clinical
   * audit … the helsedata.no form looks like it's for research").
   */
  find(read: WordParts): Purpose | undefined {
    if (this.namesOwnData(read)) return 'own_data';
    if (this.notResearch.has(read)) return 'non_research';
    // research denied a few words before it ("det er ikke tenkt som forskning") is not the purpose
    const denied = (at: number) => read.words.slice(Math.max(0, at - DENIAL_REACH), at).some((w) => this.negations.has(w));
    const mentions = this.terms.research.starts(read);
    if (mentions.length > 0 && mentions.every(denied)) return 'non_research';
    const otherMentions = this.terms.non_research.starts(read);
    // (a researcher who asks is no purpose for the data when one is named: "Forskaren vår vil vite om
    // skjemaet skal brukast når dataa skal til eit kvalitetsprosjekt")
    const research = mentions.find((at) => !denied(at) && !(otherMentions.length > 0 && this.researchers.has(read.words[at]!))) ?? -1;
    // an other purpose's word just before research describes the research ("I'm planning a research
    // project", "planning a study on …"): not the purpose
    // (not research asked about: "for the budget process - is that research?")
    const describesResearch = (at: number) => mentions.some((r) => r > at && r - at <= DESCRIBES_RESEARCH_REACH && !read.words.slice(at + 1, r).some((w) => this.questionWords.has(w)));
    const other = otherMentions.find((at) => !describesResearch(at)) ?? -1;
    if (research < 0) return other < 0 ? undefined : 'non_research';
    // (a role named as who asks is no purpose where research is named for the data: "Vi er et kvalitetsteam
    // som nå vil skrive en vitenskapelig artikkel")
    const roles = new Set(this.roles.starts(read));
    const onlyRoles = otherMentions.every((at) => describesResearch(at) || roles.has(at));
    if (other >= 0 && other < research && !(onlyRoles && !this.researchers.has(read.words[research]!))) return 'non_research';
    // (another purpose after a turn from the research first named: "I do research, but this request
    // comes from the hospital board")
    const turned = otherMentions.some((at) => at > research && read.words.slice(research, at).some((w) => this.contrasts.has(w)));
    return turned ? 'non_research' : 'research';
  }
}
