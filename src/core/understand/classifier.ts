import { LANGS } from '../types.js';
import type { IntentDef } from '../intents/schema.js';
import { tokenize } from './normalise.js';
import type { TermDictionary, TermList, WordParts } from './terms.js';
import { WordCache, type Vocabulary } from './vocabulary.js';
import { NumberTable } from './number-table.js';

export interface Ranked {
  intent: string;
  /** The model's probability, 0..1. */
  score: number;
}

/** Whether a question is one the knowledge can answer, and if not, why. */
export interface Scope {
  /** About NPR data, or conversation with the bot. */
  inScope: number;
  /** About something else. */
  outOfScope: number;
  /** About NPR data, but the documentation does not say. */
  notDocumented: number;
  /** Tries to change the bot's rules or reach what it must not show. */
  refusal: number;
}

/**
 * Topics with their probabilities, most likely first (of equals, the first in the intents'
 * order). Held as the model's probabilities, so that classifying makes no object per topic;
 * readers ask for the places they need. Answering asks only for the best, and for the best
 * that passes a test, which one pass finds: the full order of the indices (sorted by insertion,
 * a couple of dozen topics) is made when a reader asks for a place after the first. Plain
 * arrays: a typed array of this size is kept outside the heap, and costs several times as much
 * to make.
 */
export class Ranking {
  /** The index of the best intent, or -1 when there is none. */
  private readonly best: number;
  private sorted: number[] | undefined;

  constructor(
    readonly intents: readonly string[],
    /** Probability per intent, in the intents' order. */
    readonly scores: readonly number[],
  ) {
    let best = scores.length > 0 ? 0 : -1;
    for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
    this.best = best;
  }

  /** One intent, certain: for a topic the conversation has already settled. */
  static only(intents: readonly string[], intent: string): Ranking {
    const scores = new Array<number>(intents.length).fill(0);
    scores[intents.indexOf(intent)] = 1;
    return new Ranking(intents, scores);
  }

  /** The intents `drop` names taken out and the rest scaled to sum to one; undefined when nothing is left. */
  without(drop: (intent: string) => boolean): Ranking | undefined {
    const kept = this.scores.map((p, i) => (drop(this.intents[i]!) ? 0 : p));
    const sum = kept.reduce((a, b) => a + b, 0);
    return sum === 0 ? undefined : new Ranking(this.intents, kept.map((p) => p / sum));
  }

  get length(): number {
    return this.scores.length;
  }

  /** The index of the intent in place k. */
  private index(k: number): number | undefined {
    if (k === 0) return this.best >= 0 ? this.best : undefined;
    return (this.sorted ??= insertionOrder(this.scores))[k];
  }

  /** The intent in place k (0: the best). */
  intent(k: number): string | undefined {
    const i = this.index(k);
    return i === undefined ? undefined : this.intents[i];
  }

  score(k: number): number {
    const i = this.index(k);
    return i === undefined ? 0 : this.scores[i]!;
  }

  at(k: number): Ranked | undefined {
    const i = this.index(k);
    return i === undefined ? undefined : { intent: this.intents[i]!, score: this.scores[i]! };
  }

  scoreOf(intent: string): number {
    const i = this.intents.indexOf(intent);
    return i < 0 ? 0 : this.scores[i]!;
  }

  /** The best place whose intent passes `test` (asked of intents in any order: it should only look). */
  find(test: (intent: string) => boolean): Ranked | undefined {
    let found = -1;
    for (let i = 0; i < this.scores.length; i++) if ((found < 0 || this.scores[i]! > this.scores[found]!) && test(this.intents[i]!)) found = i;
    return found < 0 ? undefined : { intent: this.intents[found]!, score: this.scores[found]! };
  }

  top(n: number): Ranked[] {
    const out: Ranked[] = [];
    for (let k = 0; k < Math.min(n, this.scores.length); k++) out.push(this.at(k)!);
    return out;
  }
}

/** The indices by score, highest first, of equal scores the first index first. */
function insertionOrder(scores: readonly number[]): number[] {
  const order = new Array<number>(scores.length);
  for (let i = 0; i < order.length; i++) {
    let k = i;
    while (k > 0 && scores[order[k - 1]!]! < scores[i]!) {
      order[k] = order[k - 1]!;
      k--;
    }
    order[k] = i;
  }
  return order;
}

export interface Classification {
  /** The topics, most likely first. */
  ranking: Ranking;
  /** The best topic's probability. */
  confidence: number;
  scope: Scope;
  /** Intents whose keywords the words use, in the order the words name them. */
  keywordIntents: string[];
}

/** One feature's pull towards a class, for `npm run explain`. */
export interface Contribution {
  feature: string;
  weight: number;
}

/** The classes of the scope model; the intent files named so teach all but the first. */
export const SCOPE_CLASSES = ['in_scope', 'fallback', 'not_documented', 'refusal'] as const;
const SCOPE_OF: Record<string, number> = { fallback: 1, not_documented: 2, refusal: 3 };

/** How many letters an ending may add to or take from a word's other forms ("søknad", "søknadene"). */
const INFLECTION = 3;
/** Letter triples of words this long or longer: they carry compounds and typos the stems miss. */
const GRAM_MIN_WORD = 4;
const TRAINING_EPOCHS = 14;
const LEARNING_RATE = 0.5;
const L2 = 1e-4;
/** Topics with many examples should not win by their number alone (0: no balancing; 0.5: by the square root). */
const TOPIC_BALANCE = 0.5;
/** Below this, a class's gradient on an example is not worth the update. */
const NEGLIGIBLE_GRADIENT = 1e-3;
/** A fixed seed for the order examples are visited in: the same data always trains the same model. */
const SEED = 2027;
/**
 * How much the words a question about something else shares with the questions the bot answers
 * ("hva koster det å …") count when the scope model learns from it: a little, so that its foreign
 * words carry the blame.
 */
const SHARED_IN_FOREIGN = 0.35;

/** Stands for a word that names a purpose ("journalist", "PhD"): it says what data are for, not what is asked. */
export const PURPOSE_WORD = '⟨purpose⟩';
/** Stands for the words of a relayed question's frame ("a user asks", "hva skal jeg svare"): who asks, not what. */
export const RELAY_WORD = '⟨relay⟩';
/** Stands for a word that says what data or a study are about ("data om hoftebrudd"): context, not what is asked. */
export const TOPIC_WORD = '⟨topic⟩';

/** A word that says something: not a stop word, a number or one or two letters. */
export function content(word: string, vocabulary: Vocabulary): boolean {
  return word.length >= 3 && !/\d/.test(word) && word[0] !== '⟨' && !vocabulary.isStopWord(word);
}

/** Digits say "a number" to the model, not which one: "5t" and "12t" are the same feature. */
const shape = (word: string) => word.replace(/\d+/g, '0');

/** A training example's features: ids may repeat (two words sharing a letter triple), each counting. */
interface TrainingVector {
  text: number[];
  /** How much each text feature counts (1 when absent). */
  values?: number[];
  indicators: number[];
  /** How many text features the example has: its scale is 1/√n. */
  n: number;
}

/** What the feature space knows of one word, worked out once per word. */
export interface WordFeatures {
  /** Its known text features (stem, compound head, letter triples). */
  ids: Int32Array;
  /** How many text features it has, known or not. */
  n: number;
  stem: string;
  /** Its stem's id among the stems of the pairs training saw, or -1. */
  stemId: number;
  /** Its scope indicator's feature id (x:foreign, x:unknown), or -1. */
  kind: number;
  foreignness: 'foreign' | 'unknown' | undefined;
  /** Says something: not a stop word, a number or one or two letters. */
  content: boolean;
  /**
   * Where the sum of its features' weights, per class of both models, is kept in the models'
   * store of such sums (see AnsweringModels.partial), and in which filling of it; -1: not summed.
   * A question adds one such vector per word.
   */
  partialAt: number;
  partialFilling: number;
  /** The last answer that counted it, so a repeated word counts once. */
  mark: number;
}

/**
 * A span of a question, ready for the models. One object, refilled for every span: answering
 * reads one span at a time, and reusing it saves four arrays and an object per classification.
 * Only the first `wordCount`, `pairCount` and `indicatorCount` entries are the span's.
 */
interface QuestionVector {
  /** Its distinct words. */
  words: WordFeatures[];
  wordCount: number;
  /** Its distinct known word pairs' feature ids. */
  pairs: Int32Array;
  pairCount: number;
  /** Its indicators' feature ids: the words' scope indicators, then the keywords'. */
  indicators: Int32Array;
  indicatorCount: number;
  n: number;
}

/** Per distinct word its features, then per distinct pair one: how training and answering both count. */
function eachFeature(words: readonly string[], from: number, to: number, wordNames: (w: string) => string[], stemOf: (w: string) => string, visit: (name: string, word: string, pair: boolean) => void): void {
  const seenWords = new Set<string>();
  const seenPairs = new Set<string>();
  let previous: string | undefined;
  for (let i = from; i < to; i++) {
    const word = words[i]!;
    if (!seenWords.has(word)) {
      seenWords.add(word);
      for (const name of wordNames(word)) visit(name, word, false);
    }
    const stem = stemOf(word);
    if (previous !== undefined) {
      const pair = `${previous} ${stem}`;
      if (!seenPairs.has(pair)) {
        seenPairs.add(pair);
        visit(`b:${pair}`, word, true);
      }
    }
    previous = stem;
  }
}

/**
 * The features both models read: word stems (and a compound's head), stem pairs, letter
 * triples, which intents' keywords the words use, and whether a word is foreign to NPR's
 * questions or never seen. Feature ids are fixed by the training examples.
 */
class FeatureSpace {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  /** Words only the examples of questions about other things use ("parkering", "pass"). */
  private readonly foreign = new Set<string>();
  /** While training: words seen once, which stand in for the words no example has. */
  private rare = new Set<string>();
  /** Words (and stems) of the questions the knowledge answers, and of the knowledge itself. */
  private domain = new Set<string>();
  /** Per stem of a domain word, the lengths of its domain forms. */
  private domainStems = new Map<string, number[]>();
  /** The stems of the pairs training saw, numbered, and how many there are. */
  private readonly stemIds = new Map<string, number>();
  private stemCount = 0;
  /** Stem pairs training saw, by their stems' ids (first × number of stems + second) → feature id. */
  private pairIds = new NumberTable([]);
  /** Each intent's keyword indicator (k:intent) by the intent's name. */
  private readonly keywordIds = new Map<string, number>();
  private stamp = 0;
  private readonly words = new WordCache<WordFeatures>((word) => {
    const names = this.wordNames(word);
    const kind = this.kind(word, false);
    const stem = this.stemOf(word);
    return {
      ids: Int32Array.from(names.map((name) => this.ids.get(name)).filter((id): id is number => id !== undefined)),
      n: names.length,
      stem,
      stemId: this.stemIds.get(stem) ?? -1,
      kind: kind === undefined ? -1 : (this.ids.get(kind) ?? -1),
      foreignness: kind === 'x:foreign' ? 'foreign' : kind === 'x:unknown' ? 'unknown' : undefined,
      content: content(word, this.vocabulary),
      partialAt: -1,
      partialFilling: 0,
      mark: 0,
    };
  });

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly keywords: readonly { intent: string; terms: TermList }[],
  ) {}

  get size(): number {
    return this.names.length;
  }

  /** Before training: which words are foreign, and which are rare enough to stand for unseen ones. */
  /** `examples`: in scope, about something else (out), or neither (questions the documentation does not answer, refusals). */
  prepare(examples: readonly { words: readonly string[]; side: 'in' | 'out' | 'neither' }[], domainWords: Iterable<string>): void {
    // the knowledge's and the lexicon's words are NPR's; so are the questions' words, unless
    // questions about other things use them at least as often ("fastlegen", "ventetid")
    const fixed = new Set(domainWords);
    const counts = new Map<string, number>();
    const inScope = new Map<string, number>();
    const outOfScope = new Map<string, number>();
    for (const e of examples) {
      for (const w of e.words) {
        counts.set(w, (counts.get(w) ?? 0) + 1);
        if (e.side === 'neither') continue;
        const side = e.side === 'in' ? inScope : outOfScope;
        side.set(w, (side.get(w) ?? 0) + 1);
      }
    }
    this.domain = new Set([...fixed, ...[...inScope].filter(([w, n]) => n >= (outOfScope.get(w) ?? 0)).map(([w]) => w)]);
    // another form of a domain word is a domain word: "søknader" as "søknad", "sjukehuset" as "sjukehus"
    this.domainStems = new Map();
    for (const w of this.domain) {
      const stem = this.vocabulary.stem(w);
      const lengths = this.domainStems.get(stem);
      if (lengths) lengths.push(w.length);
      else this.domainStems.set(stem, [w.length]);
    }
    // a typo of a domain word in such a question is still that word ("kostr")
    const nearDomain = (w: string) => this.vocabulary.neighbours(w).some((n) => this.inDomain(n));
    for (const w of outOfScope.keys()) if (!this.inDomain(w) && content(w, this.vocabulary) && !nearDomain(w)) this.foreign.add(w);
    this.rare = new Set([...counts].filter(([w, n]) => n === 1 && content(w, this.vocabulary)).map(([w]) => w));
  }

  /**
   * A domain word, or another form of one: the same stem and an ending apart ("søknader" beside
   * "søknad"), not a longer word the stemmer cut to a domain word ("fastlegen" to "fast").
   */
  private inDomain(word: string): boolean {
    if (this.domain.has(word)) return true;
    const lengths = this.domainStems.get(this.vocabulary.stem(word));
    return lengths !== undefined && lengths.some((n) => Math.abs(n - word.length) <= INFLECTION);
  }

  /** What scope says of a word: whether it says something, and whether it is foreign or never seen. */
  scopeOf(word: string): { content: boolean; foreignness: 'foreign' | 'unknown' | undefined } {
    return this.words.get(word);
  }

  /** The last message's words' features, by position: a message's spans are classified one after another. */
  private lastRead: WordParts | undefined;
  private lastFeatures: WordFeatures[] = [];

  /** The features of a message's words, by position, looked up once for all its spans. */
  featuresOf(read: WordParts): readonly WordFeatures[] {
    if (read !== this.lastRead) {
      this.lastRead = read;
      this.lastFeatures = read.words.map((w) => this.words.get(w));
    }
    return this.lastFeatures;
  }

  /** What the feature space knows of one word. */
  featuresOfWord(word: string): WordFeatures {
    return this.words.get(word);
  }

  /** What a word says about scope: a foreign word, a word the bot has never seen (in training: seen once), or nothing. */
  private kind(word: string, training: boolean): string | undefined {
    if (this.foreign.has(word)) return 'x:foreign';
    // a compound whose first part is foreign is too ("parkeringstillatelse")
    const modifier = this.vocabulary.modifier(word);
    if (modifier !== undefined && (this.foreign.has(modifier) || this.foreign.has(modifier.replace(/[se]$/, '')))) return 'x:foreign';
    if (training ? this.rare.has(word) : content(word, this.vocabulary) && !this.vocabulary.has(word) && !this.vocabulary.knownCompound(word)) return 'x:unknown';
    return undefined;
  }

  private stemOf(word: string): string {
    return this.vocabulary.stem(shape(word));
  }

  /** The text features of one word, by name. */
  private wordNames(word: string): string[] {
    if (word === PURPOSE_WORD || word === TOPIC_WORD || word === RELAY_WORD) return [`w:${word}`];
    const shaped = shape(word);
    const names = [`w:${this.vocabulary.stem(shaped)}`];
    const head = this.vocabulary.head(shaped);
    if (head) names.push(`w:${this.vocabulary.stem(head)}`);
    if (shaped.length >= GRAM_MIN_WORD && !/\d/.test(shaped)) {
      const padded = `^${shaped}$`;
      for (let k = 0; k + 3 <= padded.length; k++) names.push(`c:${padded.slice(k, k + 3)}`);
    }
    return names;
  }

  private id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  /** A span's features by name, as training counts them: what `explain` shows. */
  namesOf(read: WordParts, from = 0, to = read.words.length, training = false): { text: string[]; indicators: string[] } {
    const text: string[] = [];
    eachFeature(read.words, from, to, (w) => this.wordNames(w), (w) => this.stemOf(w), (name) => text.push(name));
    const indicators = this.keywords.filter((k) => k.terms.has(read, from, to)).map((k) => `k:${k.intent}`);
    for (let i = from; i < to; i++) {
      const kind = this.kind(read.words[i]!, training);
      if (kind) indicators.push(kind);
    }
    return { text, indicators };
  }

  /** Training: a span's features as ids, adding new ones. */
  learn(read: WordParts): TrainingVector {
    const { text, indicators } = this.namesOf(read, 0, read.words.length, true);
    return { text: text.map((n) => this.id(n)), indicators: indicators.map((n) => this.id(n)), n: text.length };
  }

  /**
   * Training the scope model on a question about something else: what is foreign in it counts
   * fully, what it shares with the questions the bot answers a little. "Hva koster det å
   * parkere?" teaches that "parkere" is out of scope, and hardly that "hva koster det" is.
   */
  learnForeign(read: WordParts): TrainingVector {
    const all = this.learn(read);
    const text: number[] = [];
    const values: number[] = [];
    let previousForeign = false;
    eachFeature(
      read.words,
      0,
      read.words.length,
      (w) => this.wordNames(w),
      (w) => this.stemOf(w),
      (name, word, pair) => {
        const foreign = !this.inDomain(word);
        text.push(this.id(name));
        values.push(foreign || (pair && previousForeign) ? 1 : SHARED_IN_FOREIGN);
        if (!pair) previousForeign = foreign;
      },
    );
    const indicators = all.indicators.filter((id) => !this.names[id]!.startsWith('k:') || this.names[id] === 'k:fallback' || this.names[id] === 'k:not_documented');
    return { text, values, indicators, n: all.n };
  }

  /** What answering needs of the space once trained: the feature names (their index is their id) and the foreign words. */
  state(): { features: string[]; foreign: string[] } {
    return { features: [...this.names], foreign: [...this.foreign] };
  }

  /** A trained space again, from `state()`: ready to answer, not to train. */
  restore(state: { features: readonly string[]; foreign: readonly string[] }): void {
    if (this.names.length > 0) throw new Error('a feature space is restored only when empty');
    const names = state.features;
    for (let id = 0; id < names.length; id++) {
      this.ids.set(names[id]!, id);
      this.names.push(names[id]!);
    }
    if (this.ids.size !== names.length) throw new Error('feature names repeat');
    for (const w of state.foreign) this.foreign.add(w);
    this.seal();
  }

  /**
   * After training, and at every start from the cache: the pairs by their stems' ids, and the
   * keyword indicators by intent. Stems are numbered in the order the pairs first name them. It
   * runs once per start over some 9 000 pairs, before the engine has compiled it: the names are
   * cut at their spaces and the pairs kept as numbers, with no list made per name.
   */
  seal(): void {
    const stemId = (stem: string) => {
      let id = this.stemIds.get(stem);
      if (id === undefined) this.stemIds.set(stem, (id = this.stemIds.size));
      return id;
    };
    const pairs: number[] = []; // per pair: its first stem's id, its second's, its feature id
    for (let id = 0; id < this.names.length; id++) {
      const name = this.names[id]!;
      if (name.startsWith('k:')) this.keywordIds.set(name.slice(2), id);
      if (!name.startsWith('b:')) continue;
      // "b:first second"
      const space = name.indexOf(' ', 2);
      const end = name.indexOf(' ', space + 1);
      pairs.push(stemId(name.slice(2, space)), stemId(end < 0 ? name.slice(space + 1) : name.slice(space + 1, end)), id);
    }
    this.stemCount = this.stemIds.size;
    const entries: [number, number][] = [];
    for (let k = 0; k < pairs.length; k += 3) entries.push([this.pairKey(pairs[k]!, pairs[k + 1]!), pairs[k + 2]!]);
    this.pairIds = new NumberTable(entries);
    this.pairMarks = new Int32Array(this.names.length);
  }

  private pairKey(first: number, second: number): number {
    return first * this.stemCount + second;
  }

  /** What `vector` fills: see QuestionVector. */
  private readonly span: QuestionVector = { words: [], wordCount: 0, pairs: new Int32Array(64), pairCount: 0, indicators: new Int32Array(64), indicatorCount: 0, n: 0 };
  private readonly unknownPairs = new UnknownPairs();
  /** Per pair feature, the last span that counted it (`pairStamp`), so a repeated pair counts once without a search. */
  private pairMarks = new Int32Array(0);
  private pairStamp = 0;

  /**
   * Answering: a span's distinct words and pairs, counted as training counted them. The span
   * returned is refilled by the next call: read it before classifying another.
   */
  vector(read: WordParts, from: number, to: number, keywordHits: readonly string[], features = this.featuresOf(read)): QuestionVector {
    const stamp = ++this.stamp;
    if (++this.pairStamp === 0x7fffffff) {
      // (marks are 32-bit: begun again rather than let an old mark equal a new stamp)
      this.pairMarks.fill(0);
      this.pairStamp = 1;
    }
    const pairStamp = this.pairStamp;
    const span = this.span;
    // a span of k words has at most k words, k - 1 pairs, and k word indicators besides its keywords'
    if (span.pairs.length < to - from) span.pairs = new Int32Array(2 * (to - from));
    if (span.indicators.length < to - from + keywordHits.length) span.indicators = new Int32Array(2 * (to - from + keywordHits.length));
    const { words, pairs, indicators } = span;
    const unknown = this.unknownPairs;
    unknown.clear();
    let wordCount = 0;
    let pairCount = 0;
    let indicatorCount = 0;
    let n = 0;
    let previous: WordFeatures | undefined;
    for (let i = from; i < to; i++) {
      const w = features[i]!;
      if (w.mark !== stamp) {
        w.mark = stamp;
        words[wordCount++] = w;
        n += w.n;
      }
      if (w.kind >= 0) indicators[indicatorCount++] = w.kind;
      if (previous !== undefined) {
        const id = previous.stemId >= 0 && w.stemId >= 0 ? this.pairIds.get(this.pairKey(previous.stemId, w.stemId)) : -1;
        if (id >= 0) {
          if (this.pairMarks[id] !== pairStamp) {
            this.pairMarks[id] = pairStamp;
            n++;
            pairs[pairCount++] = id;
          }
        } else if (unknown.add(previous.stem, w.stem)) n++;
      }
      previous = w;
    }
    for (const intent of keywordHits) {
      const id = this.keywordIds.get(intent);
      if (id !== undefined) indicators[indicatorCount++] = id;
    }
    span.wordCount = wordCount;
    span.pairCount = pairCount;
    span.indicatorCount = indicatorCount;
    span.n = n;
    return span;
  }

  idOf(name: string): number | undefined {
    return this.ids.get(name);
  }
}

/**
 * The stem pairs of a span that training never saw: they count, once each, in its number of
 * features. A question has a few, compared as they are; a long message's are keyed by their text.
 * One instance serves every span (`clear` between them), so a span makes no arrays for them.
 */
class UnknownPairs {
  private readonly firsts: string[] = [];
  private readonly seconds: string[] = [];
  private count = 0;
  private keys: Set<string> | undefined;

  clear(): void {
    this.count = 0;
    this.keys = undefined;
  }

  /** Adds a pair; false when the span had it already. */
  add(first: string, second: string): boolean {
    if (this.keys) {
      const size = this.keys.size;
      return this.keys.add(`${first} ${second}`).size > size;
    }
    for (let k = 0; k < this.count; k++) if (this.firsts[k] === first && this.seconds[k] === second) return false;
    this.firsts[this.count] = first;
    this.seconds[this.count] = second;
    this.count++;
    if (this.count >= MANY_UNKNOWN_PAIRS) this.keys = new Set(this.firsts.slice(0, this.count).map((a, k) => `${a} ${this.seconds[k]}`));
    return true;
  }
}

/** From this many unknown pairs in a span on, they are looked up by key rather than compared one by one. */
const MANY_UNKNOWN_PAIRS = 24;

/** The most words whose summed weights AnsweringModels keeps at once (some 3.5 MB at 27 classes). */
const PARTIAL_STORE_WORDS = 32_768;

/** A model's learnt parameters: per feature and class a weight (feature-major), per class a bias. */
export interface ModelState {
  classes: string[];
  weights: Float32Array;
  bias: Float32Array;
}

/** FNV-1a of a string's UTF-16 code units: a stable number per example text. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 32-bit finaliser (murmur3's): spreads a number's bits, so each epoch's order is another. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Multinomial logistic regression, trained by AdaGrad on examples in a seeded shuffled order:
 * the same data always gives the same weights. Classes can be weighted so that a large class
 * does not win by its size alone.
 */
function trainSoftmax(classes: readonly string[], features: number, examples: readonly { c: number; x: TrainingVector; key: string }[], balance: number): ModelState {
  const C = classes.length;
  const w = new Float64Array(features * C);
  const g2 = new Float64Array(features * C).fill(1e-8);
  const b = new Float64Array(C);
  const z = new Float64Array(C);
  const counts = new Array<number>(C).fill(0);
  for (const e of examples) counts[e.c]!++;
  const weightOf = counts.map((n) => (n ? (examples.length / (C * n)) ** balance : 0));
  // each example's features with what each counts (scale × value), worked out once
  const prepared = examples.map(({ c, x }) => {
    const scale = 1 / Math.sqrt(x.n || 1);
    const ids = Int32Array.from([...x.text, ...x.indicators]);
    const values = Float64Array.from([...x.text.map((_, k) => scale * (x.values ? x.values[k]! : 1)), ...x.indicators.map(() => 1)]);
    return { c, ids, values };
  });
  // Each epoch visits the examples in an order drawn from each example's own text, not from one
  // shuffle of them all: an example added or removed leaves the others' order as it was, so that
  // the model moves by what the change teaches rather than by a new shuffle (with a shared
  // shuffle, three or four examples more moved sixty to seventy answers of the question sets).
  const g = new Float64Array(C);
  const active = new Int32Array(C);
  const keyHashes = examples.map((e) => fnv1a(e.key));
  const rank = new Uint32Array(examples.length);
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < TRAINING_EPOCHS; epoch++) {
    for (let i = 0; i < rank.length; i++) rank[i] = mix(keyHashes[i]! ^ SEED ^ Math.imul(epoch + 1, 0x9e3779b9));
    order.sort((a, b) => rank[a]! - rank[b]! || a - b);
    for (const i of order) {
      const { c: target, ids, values } = prepared[i]!;
      z.set(b);
      for (let k = 0; k < ids.length; k++) {
        const base = ids[k]! * C;
        const v = values[k]!;
        for (let c = 0; c < C; c++) z[c]! += w[base + c]! * v;
      }
      softmax(z);
      const weight = weightOf[target]!;
      // a class the example hardly moves is left alone: most classes, once training has begun
      let n = 0;
      for (let c = 0; c < C; c++) {
        const gc = (z[c]! - (c === target ? 1 : 0)) * weight;
        if (gc > -NEGLIGIBLE_GRADIENT && gc < NEGLIGIBLE_GRADIENT) continue;
        g[c] = gc;
        active[n++] = c;
        b[c]! -= 0.05 * gc;
      }
      for (let k = 0; k < ids.length; k++) {
        const base = ids[k]! * C;
        const v = values[k]!;
        for (let a = 0; a < n; a++) {
          const c = active[a]!;
          const idx = base + c;
          const grad = g[c]! * v + L2 * w[idx]!;
          g2[idx]! += grad * grad;
          w[idx]! -= (LEARNING_RATE * grad) / Math.sqrt(g2[idx]!);
        }
      }
    }
  }
  return { classes: [...classes], weights: Float32Array.from(w), bias: Float32Array.from(b) };
}

/**
 * The topic and scope models (see trainSoftmax) side by side, as answering reads them: per feature
 * one row of the topics' weights and then the scope's, so that one pass over a question's words
 * scores it for both, and a word's summed weights are one array kept with the word.
 */
class AnsweringModels {
  /** Classes per row: the topics', then the scope's. */
  private readonly width: number;
  /** Where the scope's classes start in a row. */
  readonly topicCount: number;
  private readonly weights: Float32Array;
  private readonly bias: Float32Array;
  /** Logits, then probabilities: the topics' first, then the scope's (reused by every question). */
  private readonly z: Float64Array;

  constructor(
    readonly topics: ModelState,
    readonly scope: ModelState,
  ) {
    const T = topics.classes.length;
    const S = scope.classes.length;
    const features = topics.weights.length / T;
    this.width = T + S;
    this.topicCount = T;
    this.weights = new Float32Array(features * this.width);
    for (let f = 0; f < features; f++) {
      this.weights.set(topics.weights.subarray(f * T, (f + 1) * T), f * this.width);
      this.weights.set(scope.weights.subarray(f * S, (f + 1) * S), f * this.width + T);
    }
    this.bias = new Float32Array(this.width);
    this.bias.set(topics.bias);
    this.bias.set(scope.bias, T);
    this.z = new Float64Array(this.width);
    this.partials = new Float32Array(1024 * this.width);
  }

  /**
   * The words' summed weights (see `partial`), `width` floats each, one after another in one
   * store: a word's sums are read from one array at an offset kept with the word, where a typed
   * array per word costs an object, an ArrayBuffer and an allocation of its own to reach (and to
   * collect). Grown up to PARTIAL_STORE_WORDS words; when that is full it is filled anew from the
   * start (a new filling), and a word whose sums were in the old filling sums them again.
   */
  private partials: Float32Array;
  private partialsUsed = 0;
  private partialsFilling = 1;

  /** A word's features summed once (in single precision, as each model's own sums were), kept in `partials`: their offset there. */
  private partial(word: WordFeatures): number {
    if (word.partialFilling === this.partialsFilling) return word.partialAt;
    const W = this.width;
    if (this.partialsUsed + W > this.partials.length) {
      if (this.partials.length < PARTIAL_STORE_WORDS * W) {
        const grown = new Float32Array(Math.min(2 * this.partials.length, PARTIAL_STORE_WORDS * W));
        grown.set(this.partials.subarray(0, this.partialsUsed));
        this.partials = grown;
      } else {
        this.partialsFilling++;
        this.partialsUsed = 0;
      }
    }
    const at = this.partialsUsed;
    this.partialsUsed += W;
    const sum = this.partials;
    const w = this.weights;
    // (a new filling writes over an old word's sums)
    sum.fill(0, at, at + W);
    for (const f of word.ids) for (let c = 0; c < W; c++) sum[at + c]! += w[f * W + c]!;
    word.partialAt = at;
    word.partialFilling = this.partialsFilling;
    return at;
  }

  /**
   * Probabilities per class of both models, the topics' classes and then the scope's, in class
   * order (the array is reused: copy what you keep). `boosts`: topic logit boosts by class index.
   * Each class adds its terms in the order a model of its own added them to 0: the words, the
   * pairs, then scale and bias, the indicators. `x` has at least one word.
   */
  probabilities(x: QuestionVector, boosts?: readonly (readonly [number, number])[]): Float64Array {
    const W = this.width;
    const z = this.z;
    const w = this.weights;
    const { words, pairs, indicators } = x;
    // the first word's sums as they are: 0 + s is s (a sum begun at 0 is never -0)
    let at = this.partial(words[0]!);
    let sum = this.partials;
    for (let c = 0; c < W; c++) z[c] = sum[at + c]!;
    for (let k = 1; k < x.wordCount; k++) {
      at = this.partial(words[k]!);
      sum = this.partials;
      for (let c = 0; c < W; c++) z[c]! += sum[at + c]!;
    }
    for (let k = 0; k < x.pairCount; k++) {
      const base = pairs[k]! * W;
      for (let c = 0; c < W; c++) z[c]! += w[base + c]!;
    }
    const scale = 1 / Math.sqrt(x.n || 1);
    const bias = this.bias;
    for (let c = 0; c < W; c++) z[c] = z[c]! * scale + bias[c]!;
    for (let k = 0; k < x.indicatorCount; k++) {
      const base = indicators[k]! * W;
      for (let c = 0; c < W; c++) z[c]! += w[base + c]!;
    }
    if (boosts) for (const [c, boost] of boosts) z[c]! += boost;
    softmax(z, 0, this.topicCount);
    softmax(z, this.topicCount, W);
    return z;
  }
}

/**
 * Two models over the same features, trained on the intent examples when the bot starts: one
 * says whether the knowledge can answer a question at all (scope), the other which topic it is
 * about. Apart, a large set of questions about other things cannot crowd out a short question
 * about price, and each can be shown and tuned on its own. Deterministic and explainable: every
 * feature's weight towards every class can be listed.
 */
export class IntentClassifier {
  readonly intents: string[];
  private readonly keywords: { intent: string; terms: TermList }[];
  private readonly space: FeatureSpace;
  private readonly models: AnsweringModels;
  /** Where each of a span's keyword intents is first named, beside them while classify sorts them. */
  private readonly keywordPlaces: number[] = [];

  /**
   * `domainWords`: words of the knowledge and lexicon, which are never foreign. `mask` replaces
   * words the models should not read (purpose words), the same way in training as in answering.
   * `trained`: the state of a classifier trained on the same intents (see `state()`), which is
   * taken instead of training again.
   */
  constructor(
    intents: readonly IntentDef[],
    vocabulary: Vocabulary,
    dictionary: TermDictionary,
    domainWords: Iterable<string> = [],
    mask: (read: WordParts, classifier: IntentClassifier) => WordParts = (r) => r,
    trained?: ClassifierState,
  ) {
    this.keywords = intents.flatMap((i) => (i.keywords?.length ? [{ intent: i.intent, terms: dictionary.list(i.keywords) }] : []));
    this.space = new FeatureSpace(vocabulary, this.keywords);
    this.intents = intents.filter((i) => !(i.intent in SCOPE_OF)).map((i) => i.intent);
    if (trained) {
      const problem = checkState(trained, this.intents);
      if (problem) throw new Error(`the trained classifier does not fit these intents: ${problem}`);
      this.space.restore(trained);
      this.models = new AnsweringModels(trained.topics, trained.scope);
      return;
    }
    const texts = intents.flatMap((intent) =>
      LANGS.flatMap((lang) =>
        intent.examples[lang].map((text) => ({
          intent: intent.intent,
          text,
          read: mask(dictionary.read(tokenize(text).map((w) => vocabulary.correct(w))), this),
          side: intent.intent === 'fallback' ? ('out' as const) : intent.intent in SCOPE_OF ? ('neither' as const) : ('in' as const),
        })),
      ),
    );
    // the fallback's keywords name things other than NPR ("kantine", "vpn"): foreign words too
    const fallbackKeywords = intents.filter((i) => i.intent === 'fallback').flatMap((i) => i.keywords ?? []).map((k) => ({ words: tokenize(k), side: 'out' as const }));
    this.space.prepare([...texts.map((t) => ({ words: t.read.words, side: t.side })), ...fallbackKeywords], domainWords);
    const examples = texts.map((t) => {
      const x = this.space.learn(t.read);
      return { intent: t.intent, key: `${t.intent}\u0000${t.text}`, x, scopeX: t.intent === 'fallback' || t.intent === 'not_documented' ? this.space.learnForeign(t.read) : x };
    });
    const size = this.space.size;
    const topical = examples.filter((e) => !(e.intent in SCOPE_OF));
    const topics = trainSoftmax(this.intents, size, topical.map((e) => ({ c: this.intents.indexOf(e.intent), x: e.x, key: e.key })), TOPIC_BALANCE);
    // unbalanced: most questions people ask the bot are about NPR, and the model may know it
    this.models = new AnsweringModels(topics, trainSoftmax(SCOPE_CLASSES, size, examples.map((e) => ({ c: SCOPE_OF[e.intent] ?? 0, x: e.scopeX, key: e.key })), 0));
    this.space.seal();
  }

  /** What training learnt, to be given back to the constructor instead of training again (the start-up cache). */
  state(): ClassifierState {
    return { ...this.space.state(), topics: this.models.topics, scope: this.models.scope };
  }

  /**
   * Ranks the topics for the words in [from, to), and says whether they are in scope.
   * `evidence` adds to a topic's logit what figures in the question say (hours point at price).
   * `features`: each word's, by position (as `wordFeatures` gives them), when the caller keeps
   * them with its words: they are then not looked up.
   */
  classify(read: WordParts, from = 0, to = read.words.length, evidence?: Readonly<Record<string, number>>, features?: readonly WordFeatures[]): Classification {
    // the intents whose keywords the span names, by where they first do (of two at one place, in the
    // intents' order): sorted as they come, with their places beside them, no object per intent
    const keywordIntents: string[] = [];
    const places = this.keywordPlaces;
    for (const { intent, terms } of this.keywords) {
      const at = terms.firstAt(read, from, to);
      if (at < 0) continue;
      let k = keywordIntents.length;
      keywordIntents.push(intent);
      for (; k > 0 && places[k - 1]! > at; k--) {
        keywordIntents[k] = keywordIntents[k - 1]!;
        places[k] = places[k - 1]!;
      }
      keywordIntents[k] = intent;
      places[k] = at;
    }
    if (to <= from) return { ranking: new Ranking([], []), confidence: 0, scope: { inScope: 0, outOfScope: 0, notDocumented: 0, refusal: 0 }, keywordIntents };
    const x = this.space.vector(read, from, to, keywordIntents, features);
    let boosts: [number, number][] | undefined;
    if (evidence) {
      for (const name in evidence) {
        const boost = evidence[name]!;
        const c = boost ? this.intents.indexOf(name) : -1;
        if (c >= 0) (boosts ??= []).push([c, boost]);
      }
    }
    const p = this.models.probabilities(x, boosts);
    const s = this.models.topicCount;
    const scope = { inScope: p[s]!, outOfScope: p[s + 1]!, notDocumented: p[s + 2]!, refusal: p[s + 3]! };
    // a copy: the models reuse their array
    const scores = new Array<number>(s);
    for (let c = 0; c < s; c++) scores[c] = p[c]!;
    const ranking = new Ranking(this.intents, scores);
    return { ranking, confidence: ranking.score(0), scope, keywordIntents };
  }

  /** Whether a word says something, and whether only questions about other things use it ("parkering") or the bot has never seen it. */
  scopeOf(word: string): { content: boolean; foreignness: 'foreign' | 'unknown' | undefined } {
    return this.space.scopeOf(word);
  }

  /** What the models know of a word, its scope (see `scopeOf`) with it: a reader may keep it with the word and give it to `classify`. */
  wordFeatures(word: string): WordFeatures {
    return this.space.featuresOfWord(word);
  }

  /** `scopeOf` the word at a place in a message. */
  scopeAt(read: WordParts, at: number): { content: boolean; foreignness: 'foreign' | 'unknown' | undefined } {
    return this.space.featuresOf(read)[at]!;
  }

  /** Positions of words some intent's keywords cover, but for the intents `except` names: "forskningspotensial" is a topic, not a purpose. */
  keywordCovered(read: WordParts, except: (intent: string) => boolean): Set<number> {
    const out = new Set<number>();
    // (most lists match nothing: they make no set of their own)
    for (const { intent, terms } of this.keywords) if (!except(intent) && terms.has(read)) for (const at of terms.covered(read)) out.add(at);
    return out;
  }

  /** How many of an intent's keywords a span names ("FHI", "Stata", "csv" for not_documented). */
  keywordCount(intent: string, read: WordParts, from: number, to: number): number {
    return this.keywords.find((k) => k.intent === intent)?.terms.matches(read, from, to).length ?? 0;
  }

  /** The features of a span that pull hardest towards a topic or a scope class, for `npm run explain`. */
  explain(read: WordParts, name: string, from = 0, to = read.words.length, top = 8): Contribution[] {
    const [model, c] = this.intents.includes(name) ? [this.models.topics, this.intents.indexOf(name)] : [this.models.scope, (SCOPE_CLASSES as readonly string[]).indexOf(name)];
    if (c < 0) return [];
    const { text, indicators } = this.space.namesOf(read, from, to);
    const out: Contribution[] = [];
    for (const n of new Set([...text, ...indicators])) {
      const id = this.space.idOf(n);
      if (id !== undefined) out.push({ feature: n, weight: model.weights[id * model.classes.length + c]! });
    }
    return out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, top);
  }
}

/** What a trained classifier is: its feature space and the two models' parameters. */
export interface ClassifierState {
  /** Feature names; a feature's id is its index. */
  features: string[];
  /** Words only questions about other things use. */
  foreign: string[];
  topics: ModelState;
  scope: ModelState;
}

/** Why a trained state cannot be the classifier of these intents, or undefined when it can. */
function checkState(state: ClassifierState, intents: readonly string[]): string | undefined {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(state.topics.classes, intents)) return 'the topics differ';
  if (!same(state.scope.classes, SCOPE_CLASSES)) return 'the scope classes differ';
  for (const [name, model] of [['topics', state.topics], ['scope', state.scope]] as const) {
    if (model.weights.length !== state.features.length * model.classes.length) return `the ${name} model has ${model.weights.length} weights for ${state.features.length} features`;
    if (model.bias.length !== model.classes.length) return `the ${name} model has ${model.bias.length} biases`;
  }
  return undefined;
}

/** Softmax of z's classes in [from, to), in place. */
function softmax(z: Float64Array, from = 0, to = z.length): void {
  let max = -Infinity;
  for (let c = from; c < to; c++) if (z[c]! > max) max = z[c]!;
  let sum = 0;
  for (let c = from; c < to; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = from; c < to; c++) z[c]! /= sum;
}
