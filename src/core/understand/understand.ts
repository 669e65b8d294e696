import type { Lang } from '../types.js';
import type { Lexicon } from '../lexicon.js';
import type { IntentDef } from '../intents/schema.js';
import type { KnowledgeBase } from '../knowledge/entry.js';
import { entry } from '../knowledge/entry.js';
import { REDACTED, redactIdentityNumbers } from '../privacy.js';
import { DataCategories } from '../answer/rules/deadlines.js';
import { PurposeReader, type Purpose } from '../answer/rules/routing.js';
import { IntentClassifier, type Classification } from './classifier.js';
import { LanguageDetector } from './language.js';
import { hasReadableText, normalise, tokenize } from './normalise.js';
import { SlotReader, type Day } from './slots.js';
import { TermList } from './terms.js';

/** Everything the bot reads out of one message, before it decides what to answer. */
export interface Understanding {
  /** The question, redacted and normalised: the only form of it that leaves this step. */
  text: string;
  tokens: string[];
  lang: Lang;
  /** False when no word told the language apart. */
  langKnown: boolean;
  readable: boolean;
  truncated: boolean;
  redactions: number;
  classification: Classification;
  hours?: number;
  bareNumber?: number;
  received?: Day;
  category?: string;
  purpose?: Purpose;
  namesNpr: boolean;
  namesOtherRegistry: boolean;
  /** Other registries named, as the user wrote them. */
  registries: string[];
  /** A short yes or no, as an answer to "shall I open a case?". */
  yes: boolean;
  no: boolean;
  /** Two questions joined in one message ("pris og leveringstid?"). */
  joinsQuestions: boolean;
  /** Knowledge marks the question as one for a person (a complaint, a linkage of several sources). */
  needsPerson: boolean;
  namesLinkage: boolean;
}

/** What an amount of hours adds to price, or a date or data category to delivery time. */
const SLOT_EVIDENCE = 0.5;
/** "ja", "yes please", "ja, gjør det": longer messages are questions, not answers. */
const SHORT_ANSWER_WORDS = 4;

export class Reader {
  readonly classifier: IntentClassifier;
  private readonly language: LanguageDetector;
  private readonly slots: SlotReader;
  private readonly categories: DataCategories;
  private readonly purposes: PurposeReader;
  private readonly npr: TermList;
  private readonly otherRegistries: TermList;
  private readonly linkage: TermList;
  private readonly yes: TermList;
  private readonly no: TermList;
  private readonly needsPerson: TermList;
  private readonly and: TermList;

  constructor(intents: readonly IntentDef[], kb: KnowledgeBase, lexicon: Lexicon) {
    this.classifier = new IntentClassifier(intents);
    this.language = new LanguageDetector(intents, lexicon);
    this.slots = new SlotReader(lexicon);
    const known = this.classifier.knownWords;
    this.categories = new DataCategories(entry(kb, 'deadlines'), known);
    this.purposes = new PurposeReader(kb, known);
    this.npr = new TermList(lexicon.nprNames, known);
    this.otherRegistries = new TermList(lexicon.otherRegistries, known);
    this.linkage = new TermList(lexicon.linkageWords, known);
    this.yes = new TermList(lexicon.yesWords, known);
    this.and = new TermList(lexicon.andWords, known);
    this.no = new TermList(lexicon.noWords, known);
    this.needsPerson = new TermList(
      [...kb.entries.values()].flatMap((e) => e.needsPersonTerms ?? []),
      known,
    );
  }

  /**
   * Keyboards without æ, ø and å give "aapne", "soknad", "paa": a word the examples do not use
   * is read with the letters put back when that makes a word they do use.
   */
  private withNorwegianLetters(token: string): string {
    const known = this.classifier.knownWords;
    if (known.has(token) || !/aa|ae|oe|o/.test(token)) return token;
    const digraphs = token.replace(/aa/g, 'å').replace(/ae/g, 'æ').replace(/oe/g, 'ø');
    for (const candidate of [digraphs, digraphs.replace(/o/g, 'ø')]) if (candidate !== token && known.has(candidate)) return candidate;
    return token;
  }

  read(raw: string, now: Date): Understanding {
    // identity numbers go first, so that nothing after this line ever sees them; and again after
    // normalising, which can join a number split by an entity, a wide digit or a zero-width space
    const before = redactIdentityNumbers(raw);
    const normalised = normalise(before.text);
    const after = redactIdentityNumbers(normalised.text);
    const { text } = after;
    const { truncated } = normalised;
    const redacted = { redactions: before.redactions + after.redactions };
    const withoutRedactions = text.replaceAll(REDACTED, ' ');
    const tokens = tokenize(withoutRedactions).map((t) => this.withNorwegianLetters(t));
    const { lang, known } = this.language.detect(text);
    const hours = this.slots.hours(text);
    const received = this.slots.date(text, now);
    const category = this.categories.find(tokens)?.name;
    // figures say what a question is about even where its words are few
    const registries = [...new Set(this.otherRegistries.matches(tokens).map((m) => tokens.slice(m.at, m.at + m.length).join(' ')))];
    const short = tokens.length <= SHORT_ANSWER_WORDS;
    const evidence = { pricing: hours !== undefined ? SLOT_EVIDENCE : 0, deadlines: received || category ? SLOT_EVIDENCE : 0 };
    return {
      text,
      tokens,
      lang,
      langKnown: known,
      readable: hasReadableText(withoutRedactions),
      truncated,
      redactions: redacted.redactions,
      classification: this.classifier.classify(tokens, evidence),
      hours,
      bareNumber: this.slots.bareNumber(text),
      received,
      category,
      purpose: this.purposes.find(tokens),
      namesNpr: this.npr.has(tokens),
      namesOtherRegistry: registries.length > 0,
      registries,
      yes: short && this.yes.has(tokens) && !this.no.has(tokens),
      no: short && this.no.has(tokens),
      joinsQuestions: this.and.has(tokens),
      needsPerson: this.needsPerson.has(tokens) || (registries.length >= 2 && this.linkage.has(tokens)),
      namesLinkage: this.linkage.has(tokens),
    };
  }
}
