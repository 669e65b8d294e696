import { LANGS } from '../types.js';
import type { IntentDef } from '../intents/schema.js';
import { tokenize } from './normalise.js';
import type { TermDictionary, TermList, WordParts } from './terms.js';
import { WordCache, type Vocabulary } from './vocabulary.js';

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

export interface Classification {
  /** The topics, most likely first. */
  ranking: Ranked[];
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

/** The classes of the scope model, and the intent files whose examples teach each. */
export const SCOPE_CLASSES = ['in_scope', 'fallback', 'not_documented', 'refusal'] as const;
const SCOPE_OF: Record<string, number> = { fallback: 1, not_documented: 2, refusal: 3 };

/**
 * How much the words a question about something else shares with the questions the bot answers
 * ("hva koster det å …") count when the scope model learns from it: a little, so that its foreign
 * words carry the blame.
 */
const SHARED_IN_FOREIGN = 0.35;
/** Letter triples of words this long or longer: they carry compounds and typos the stems miss. */
const GRAM_MIN_WORD = 4;
const TRAINING_EPOCHS = 14;
const LEARNING_RATE = 0.5;
const L2 = 1e-4;
/** Topics with many examples should not win by their number alone. */
const TOPIC_BALANCE = 0.5;
/** A fixed seed: the same data always trains the same model. */
const SEED = 20261126;

/** A word that says something: not a stop word, a number or one or two letters. */
export function content(word: string, vocabulary: Vocabulary): boolean {
  return word.length >= 3 && !/\d/.test(word) && !vocabulary.isStopWord(word);
}

/** Stands for a word that names a purpose ("journalist", "PhD"): it says what data are for, not what is asked. */
export const PURPOSE_WORD = '⟨purpose⟩';

/** Digits say "a number" to the model, not which one: "5t" and "12t" are the same feature. */
const shape = (word: string) => word.replace(/\d+/g, '0');

/** A span's features as ids: text features (scaled by their number) and indicators (keyword hits, counted whole). */
interface FeatureVector {
  text: number[];
  /** While training, how much each text feature counts (1 when absent). */
  values?: number[];
  indicators: number[];
  /** How many text features the span has, known or not: the scale the model was trained with. */
  n: number;
}

/**
 * The features both models read: word stems (and a compound's head), stem pairs, letter triples,
 * and which intents' keywords the words use. Feature ids are fixed by the training examples;
 * a word's ids are cached, since words repeat.
 */
class FeatureSpace {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  private readonly wordIds = new WordCache<{ ids: Int32Array; n: number }>();
  /** Words only the examples of questions about other things use ("parkering", "pass"). */
  private readonly foreign = new Set<string>();
  /** While training: words seen once, which stand in for the words no example has. */
  private rare = new Set<string>();
  /** Words of the questions the knowledge answers, and of the knowledge itself. */
  private domain = new Set<string>();
  private domainStems = new Set<string>();

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly keywords: readonly { intent: string; terms: TermList }[],
  ) {}

  /** Before training: which words are foreign, and which are rare enough to stand for unseen ones. */
  prepare(examples: readonly { words: readonly string[]; inScope: boolean }[], domainWords: Iterable<string>): void {
    const domain = (this.domain = new Set(domainWords));
    const counts = new Map<string, number>();
    for (const e of examples) {
      for (const w of e.words) {
        counts.set(w, (counts.get(w) ?? 0) + 1);
        if (e.inScope) domain.add(w);
      }
    }
    // another form of a domain word is a domain word: "søknader" as "søknad", "sjukehuset" as "sjukehus"
    const domainStems = new Set([...domain].map((w) => this.vocabulary.stem(w)));
    const inDomain = (w: string) => domain.has(w) || domainStems.has(this.vocabulary.stem(w));
    this.domainStems = domainStems;
    // a typo of a domain word in such a question is still that word ("kostr")
    const nearDomain = (w: string) => this.vocabulary.neighbours(w).some(inDomain);
    for (const e of examples) if (!e.inScope) for (const w of e.words) if (!inDomain(w) && content(w, this.vocabulary) && !nearDomain(w)) this.foreign.add(w);
    this.rare = new Set([...counts].filter(([w, n]) => n === 1 && content(w, this.vocabulary)).map(([w]) => w));
  }

  /** A word only questions about other things use ("parkering"), or one the bot has never seen: which of the two. */
  foreignness(word: string): 'foreign' | 'unknown' | undefined {
    const kind = this.kind(word, false);
    return kind === 'x:foreign' ? 'foreign' : kind === 'x:unknown' ? 'unknown' : undefined;
  }

  /** What a word says about scope: a foreign word, a word the bot has never seen, or nothing. */
  private kind(word: string, training: boolean): string | undefined {
    if (this.foreign.has(word)) return 'x:foreign';
    if (training ? this.rare.has(word) : content(word, this.vocabulary) && !this.vocabulary.has(word) && !this.vocabulary.head(word)) return 'x:unknown';
    return undefined;
  }

  get size(): number {
    return this.names.length;
  }

  private id(name: string, grow: boolean): number | undefined {
    let id = this.ids.get(name);
    if (id === undefined && grow) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  /** The text features of one word, by name. */
  private wordNames(word: string): string[] {
    if (word === PURPOSE_WORD) return [`w:${PURPOSE_WORD}`];
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

  /** Every feature of a span by name, each once: what `explain` shows. */
  namesOf(read: WordParts, from = 0, to = read.words.length, training = false): { text: string[]; indicators: string[] } {
    const text = new Set<string>();
    let previous: string | undefined;
    for (let i = from; i < to; i++) {
      const word = read.words[i]!;
      for (const name of this.wordNames(word)) text.add(name);
      const stem = this.vocabulary.stem(shape(word));
      if (previous !== undefined) text.add(`b:${previous} ${stem}`);
      previous = stem;
    }
    const indicators = this.keywords.filter((k) => k.terms.has(read, from, to)).map((k) => `k:${k.intent}`);
    for (let i = from; i < to; i++) {
      const kind = this.kind(read.words[i]!, training);
      if (kind) indicators.push(kind);
    }
    return { text: [...text], indicators };
  }

  /** Training: names to ids, adding new ones. */
  learn(read: WordParts): FeatureVector {
    const { text, indicators } = this.namesOf(read, 0, read.words.length, true);
    return { text: text.map((n) => this.id(n, true)!), indicators: indicators.map((n) => this.id(n, true)!), n: text.length };
  }

  /**
   * Answering: the known features of a span, each once (a message that repeats itself says no
   * more than it says once), and how many features it has, known or not.
   */
  vector(read: WordParts, from: number, to: number, keywordHits: readonly string[]): FeatureVector {
    const seen = new Set<number>();
    const words = new Set<string>();
    const pairs = new Set<string>();
    let n = 0;
    let previous: string | undefined;
    for (let i = from; i < to; i++) {
      const word = read.words[i]!;
      const stem = this.vocabulary.stem(shape(word));
      if (!words.has(word)) {
        words.add(word);
        const w = this.wordIds.get(word, (x) => {
          const names = this.wordNames(x);
          return { ids: Int32Array.from(names.map((name) => this.ids.get(name)).filter((id): id is number => id !== undefined)), n: names.length };
        });
        for (const id of w.ids) seen.add(id);
        n += w.n;
      }
      if (previous !== undefined) {
        const pair = `b:${previous} ${stem}`;
        if (!pairs.has(pair)) {
          pairs.add(pair);
          n++;
          const id = this.ids.get(pair);
          if (id !== undefined) seen.add(id);
        }
      }
      previous = stem;
    }
    const indicators: number[] = [];
    for (const intent of keywordHits) {
      const id = this.ids.get(`k:${intent}`);
      if (id !== undefined) indicators.push(id);
    }
    for (let i = from; i < to; i++) {
      const kind = this.kind(read.words[i]!, false);
      const id = kind === undefined ? undefined : this.ids.get(kind);
      if (id !== undefined) indicators.push(id);
    }
    return { text: [...seen], indicators, n };
  }

  /**
   * Training the scope model on a question about something else: only what is foreign in it
   * counts. "Hva koster det å parkere?" teaches that "parkere" is out of scope, not "hva koster det",
   * which the questions the bot answers share.
   */
  learnForeign(read: WordParts): FeatureVector {
    const shared = SHARED_IN_FOREIGN;
    const all = this.learn(read);
    const value = new Map<number, number>();
    const put = (name: string, v: number) => {
      const id = this.id(name, true)!;
      value.set(id, Math.max(value.get(id) ?? 0, v));
    };
    let previous: string | undefined;
    let previousForeign = false;
    for (const word of read.words) {
      const foreign = !this.domain.has(word) && !this.domainStems.has(this.vocabulary.stem(word));
      for (const name of this.wordNames(word)) put(name, foreign ? 1 : shared);
      const stem = this.vocabulary.stem(shape(word));
      if (previous !== undefined) put(`b:${previous} ${stem}`, foreign || previousForeign ? 1 : shared);
      previous = stem;
      previousForeign = foreign;
    }
    const indicators = all.indicators.filter((id) => !this.names[id]!.startsWith('k:') || this.names[id] === 'k:fallback');
    return { text: [...value.keys()], values: [...value.values()], indicators, n: all.n };
  }
}

/**
 * Multinomial logistic regression, trained by AdaGrad on examples in a seeded shuffled order:
 * the same data always gives the same weights. Classes can be weighted so that a large class
 * does not win by its size alone.
 */
class SoftmaxModel {
  private readonly weights: Float32Array;
  private readonly bias: Float32Array;
  private readonly z: Float64Array;

  constructor(
    readonly classes: readonly string[],
    features: number,
    examples: readonly { c: number; x: FeatureVector }[],
    /** 0: each example counts once; 0.5: a class of four times the examples weighs twice, not four times. */
    balance: number,
  ) {
    const C = classes.length;
    const w = new Float64Array(features * C);
    const g2 = new Float64Array(features * C).fill(1e-8);
    const b = new Float64Array(C);
    const z = new Float64Array(C);
    const counts = new Array<number>(C).fill(0);
    for (const e of examples) counts[e.c]!++;
    const weightOf = counts.map((n) => (n ? (examples.length / (C * n)) ** balance : 0));
    let seed = SEED;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const order = examples.map((_, i) => i);
    for (let epoch = 0; epoch < TRAINING_EPOCHS; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const i of order) {
        const { c: target, x } = examples[i]!;
        const scale = 1 / Math.sqrt(x.n || 1);
        const values = x.values;
        for (let c = 0; c < C; c++) {
          let s = b[c]!;
          for (let k = 0; k < x.text.length; k++) s += w[x.text[k]! * C + c]! * scale * (values ? values[k]! : 1);
          for (const f of x.indicators) s += w[f * C + c]!;
          z[c] = s;
        }
        softmax(z);
        const weight = weightOf[target]!;
        for (let c = 0; c < C; c++) {
          const g = (z[c]! - (c === target ? 1 : 0)) * weight;
          b[c]! -= 0.05 * g;
          const step = (f: number, v: number) => {
            const k = f * C + c;
            const grad = g * v + L2 * w[k]!;
            g2[k]! += grad * grad;
            w[k]! -= (LEARNING_RATE * grad) / Math.sqrt(g2[k]!);
          };
          for (let k = 0; k < x.text.length; k++) step(x.text[k]!, scale * (values ? values[k]! : 1));
          for (const f of x.indicators) step(f, 1);
        }
      }
    }
    this.weights = Float32Array.from(w);
    this.bias = Float32Array.from(b);
    this.z = new Float64Array(C);
  }

  /** Probabilities per class, in class order (the array is reused: copy what you keep). */
  probabilities(x: FeatureVector, evidence?: Readonly<Record<string, number>>): Float64Array {
    const C = this.classes.length;
    const z = this.z;
    z.fill(0);
    const w = this.weights;
    for (const f of x.text) {
      const base = f * C;
      for (let c = 0; c < C; c++) z[c]! += w[base + c]!;
    }
    const scale = 1 / Math.sqrt(x.n || 1);
    for (let c = 0; c < C; c++) z[c] = z[c]! * scale + this.bias[c]!;
    for (const f of x.indicators) {
      const base = f * C;
      for (let c = 0; c < C; c++) z[c]! += w[base + c]!;
    }
    if (evidence) {
      for (const [name, boost] of Object.entries(evidence)) {
        const c = this.classes.indexOf(name);
        if (c >= 0 && boost) z[c]! += boost;
      }
    }
    softmax(z);
    return z;
  }

  weight(feature: number, c: number): number {
    return this.weights[feature * this.classes.length + c]!;
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
  private readonly topics: SoftmaxModel;
  private readonly scope: SoftmaxModel;

  /**
   * `domainWords`: words of the knowledge and lexicon, which are never foreign. `mask` replaces
   * words the models should not read (purpose words) the same way in training as in answering.
   */
  constructor(intents: readonly IntentDef[], vocabulary: Vocabulary, dictionary: TermDictionary, domainWords: Iterable<string> = [], mask: (read: WordParts, classifier: IntentClassifier) => WordParts = (r) => r) {
    this.keywords = intents.flatMap((i) => (i.keywords?.length ? [{ intent: i.intent, terms: dictionary.list(i.keywords) }] : []));
    this.space = new FeatureSpace(vocabulary, this.keywords);
    const topicIntents = intents.filter((i) => !(i.intent in SCOPE_OF));
    this.intents = topicIntents.map((i) => i.intent);
    const texts = intents.flatMap((intent) =>
      LANGS.flatMap((lang) =>
        intent.examples[lang].map((text) => ({
          intent: intent.intent,
          words: mask(dictionary.read(tokenize(text).map((w) => vocabulary.correct(w))), this).words,
          inScope: !(intent.intent in SCOPE_OF),
        })),
      ),
    );
    // the fallback's keywords name things other than NPR ("kantine", "vpn"): foreign words too
    const fallbackKeywords = intents.filter((i) => i.intent === 'fallback').flatMap((i) => i.keywords ?? []).map((k) => ({ words: tokenize(k), inScope: false }));
    this.space.prepare([...texts, ...fallbackKeywords], domainWords);
    const examples = texts.map((t) => {
      const read = dictionary.read(t.words);
      const x = this.space.learn(read);
      const scopeX = t.intent === 'fallback' || t.intent === 'not_documented' ? this.space.learnForeign(read) : x;
      return { intent: t.intent, x, scopeX };
    });
    const size = this.space.size;
    this.topics = new SoftmaxModel(
      this.intents,
      size,
      examples.filter((e) => !(e.intent in SCOPE_OF)).map((e) => ({ c: this.intents.indexOf(e.intent), x: e.x })),
      TOPIC_BALANCE,
    );
    // unbalanced: most questions people ask the bot are about NPR, and the model may know it
    this.scope = new SoftmaxModel(SCOPE_CLASSES, this.space.size, examples.map((e) => ({ c: SCOPE_OF[e.intent] ?? 0, x: e.scopeX })), 0);
  }

  /**
   * Ranks the topics for the words in [from, to), and says whether they are in scope.
   * `evidence` adds to a topic's logit what figures in the question say (hours point at price).
   */
  classify(read: WordParts, from = 0, to = read.words.length, evidence?: Readonly<Record<string, number>>): Classification {
    const hits: { intent: string; at: number }[] = [];
    for (const { intent, terms } of this.keywords) {
      const hit = terms.first(read, from, to);
      if (hit) hits.push({ intent, at: hit.at });
    }
    const keywordIntents = hits.sort((a, b) => a.at - b.at).map((h) => h.intent);
    if (to <= from) return { ranking: [], confidence: 0, scope: { inScope: 0, outOfScope: 0, notDocumented: 0, refusal: 0 }, keywordIntents };
    const x = this.space.vector(read, from, to, keywordIntents);
    const s = this.scope.probabilities(x);
    const scope = { inScope: s[0]!, outOfScope: s[1]!, notDocumented: s[2]!, refusal: s[3]! };
    const p = this.topics.probabilities(x, evidence);
    const ranking: Ranked[] = this.intents.map((intent, c) => ({ intent, score: p[c]! }));
    ranking.sort((a, b) => b.score - a.score);
    return { ranking, confidence: ranking[0]!.score, scope, keywordIntents };
  }

  /** A word only questions about other things use ("parkering"), or one the bot has never seen: which of the two. */
  foreignness(word: string): 'foreign' | 'unknown' | undefined {
    return this.space.foreignness(word);
  }

  /** Positions of words some intent's keywords cover: "forskningspotensial" is a topic, not a purpose. */
  keywordCovered(read: WordParts, except: (intent: string) => boolean): Set<number> {
    const out = new Set<number>();
    for (const { intent, terms } of this.keywords) if (!except(intent)) for (const at of terms.covered(read)) out.add(at);
    return out;
  }

  /** The features of a span that pull hardest towards a topic or a scope class, for `npm run explain`. */
  explain(read: WordParts, name: string, from = 0, to = read.words.length, top = 8): Contribution[] {
    const [model, c] = this.intents.includes(name) ? [this.topics, this.intents.indexOf(name)] : [this.scope, (SCOPE_CLASSES as readonly string[]).indexOf(name)];
    if (c < 0) return [];
    const { text, indicators } = this.space.namesOf(read, from, to);
    const out: Contribution[] = [];
    const x = this.space.vector(read, from, to, indicators.map((n) => n.slice(2)));
    const known = new Set([...x.text, ...x.indicators]);
    for (const n of new Set([...text, ...indicators])) {
      const id = this.space.names.indexOf(n);
      if (id >= 0 && known.has(id)) out.push({ feature: n, weight: model.weight(id, c) });
    }
    return out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, top);
  }
}

function softmax(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
}
