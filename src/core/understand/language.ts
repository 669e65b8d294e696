import { LANGS, type Lang } from '../types.js';
import type { Lexicon } from '../lexicon.js';
import type { IntentDef } from '../intents/schema.js';
import { tokenize } from './normalise.js';
import { WordCache } from './vocabulary.js';

/** Each marker counts as if seen this many times in the examples. */
const MARKER_WEIGHT = 6;
const SMOOTHING = 0.5;
/** Letter triples weigh in for every word, so words no example had still say something. */
const TRIGRAM_WEIGHT = 0.35;
/**
 * Norwegian letters count against English, per word that has one, up to a limit: a Norwegian
 * message is settled, an English one quoting a Norwegian word ("translate «søknad»") is not.
 */
const NORWEGIAN_LETTERS_AGAINST_ENGLISH = 3;
const NORWEGIAN_LETTERS_AT_MOST = 8;
/**
 * Most Norwegian is written in bokmål, and the two share most words ("søknaden var komplett, når
 * er fristen?" is both): nynorsk has to lead bokmål by this much, in log-probability, to be chosen.
 * (2 held until 165 nynorsk-heavy examples were added; 2.5 keeps every bokmål question of the
 * development set bokmål and reads as many nynorsk ones as nynorsk: 36 of 40.)
 */
const NYNORSK_LEAD = 2.5;

function trigrams(word: string): string[] {
  const padded = `^${word}$`;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) grams.push(padded.slice(i, i + 3));
  return grams;
}

/** Counts of items per language, read as smoothed log-probabilities. Flat: three counts per item in one list, no object per item. */
class LogProbabilities {
  private readonly index = new Map<string, number>();
  private counts: number[] = [];
  private readonly totals = [0, 0, 0];

  /** The counts, items apart and three counts (nb, nn, en) per item, to restore with `load`. */
  state(): { items: string[]; counts: number[] } {
    return { items: [...this.index.keys()], counts: [...this.counts] };
  }

  load(state: { items: readonly string[]; counts: readonly number[] }): void {
    if (state.counts.length !== 3 * state.items.length) throw new Error('a language model state has three counts per item');
    if (this.index.size > 0) throw new Error('a language model is loaded only when empty');
    state.items.forEach((item, i) => this.index.set(item, i));
    if (this.index.size !== state.items.length) throw new Error('a language model item repeats');
    this.counts = [...state.counts];
    for (let i = 0; i < this.counts.length; i++) this.totals[i % 3]! += this.counts[i]!;
  }

  add(lang: Lang, item: string, n: number): void {
    let i = this.index.get(item);
    if (i === undefined) {
      this.index.set(item, (i = this.index.size));
      this.counts.push(0, 0, 0);
    }
    const l = LANGS.indexOf(lang);
    this.counts[3 * i + l]! += n;
    this.totals[l]! += n;
  }

  /** Adds `weight` × log P(item | language) to each language's score; false when no language saw the item. */
  addTo(item: string, scores: Float64Array, weight = 1): boolean {
    const i = this.index.get(item);
    if (i === undefined) return false;
    const size = this.index.size;
    for (let l = 0; l < 3; l++) scores[l]! += weight * Math.log((this.counts[3 * i + l]! + SMOOTHING) / (this.totals[l]! + SMOOTHING * size));
    return true;
  }
}

/** What the detector counted: per word and per letter triple, three counts (nb, nn, en). */
export interface LanguageState {
  words: { items: string[]; counts: number[] };
  grams: { items: string[]; counts: number[] };
}

export interface LanguageGuess {
  lang: Lang;
  /** False when the question had no word the detector knows. */
  known: boolean;
  /** How far the best language leads the runner-up, in log-probability: how sure the guess is. */
  margin: number;
  /** Log-probability per language (nb, nn, en), to compare with a conversation's language. */
  scores: Readonly<Record<Lang, number>>;
}

/** What one word says about the language: its log-probabilities, and how much the detector knows it. */
export interface WordScore {
  scores: Float64Array;
  known: number;
  /** Has æ, ø or å. */
  norwegian: boolean;
  /** Has a digit: a number says nothing of the language. */
  digits: boolean;
}

/**
 * Naive Bayes over words, learnt from the intent examples of each language plus marker words
 * from the lexicon. Words no language has seen count only through their letter triples.
 */
export class LanguageDetector {
  private readonly words = new LogProbabilities();
  private readonly grams = new LogProbabilities();
  private readonly cache = new WordCache<WordScore>((w) => this.scoreUncached(w));

  /** What a lower-cased word says of the language (kept: people repeat their words). */
  score(word: string): WordScore {
    return this.cache.get(word);
  }

  /** `trained`: the `state()` of a detector built from the same intents and lexicon, taken instead of counting again. */
  constructor(intents: readonly IntentDef[], lexicon: Lexicon, trained?: LanguageState) {
    if (trained) {
      this.words.load(trained.words);
      this.grams.load(trained.grams);
      return;
    }
    const add = (lang: Lang, word: string, n: number) => {
      this.words.add(lang, word, n);
      for (const g of trigrams(word)) this.grams.add(lang, g, n);
    };
    for (const intent of intents) {
      for (const lang of LANGS) for (const ex of intent.examples[lang]) for (const w of tokenize(ex)) add(lang, w, 1);
    }
    for (const lang of LANGS) for (const w of lexicon.languageMarkers[lang]) add(lang, w.toLowerCase(), MARKER_WEIGHT);
  }

  /** The counts it learnt, for the start-up cache. */
  state(): LanguageState {
    return { words: this.words.state(), grams: this.grams.state() };
  }

  private scoreUncached(w: string): WordScore {
    {
      const scores = new Float64Array(3);
      let known = 0;
      if (this.words.addTo(w, scores)) known = 1;
      const grams = trigrams(w);
      let seen = false;
      for (const g of grams) if (this.grams.addTo(g, scores, TRIGRAM_WEIGHT / grams.length)) seen = true;
      if (seen) known += 0.25;
      return { scores, known, norwegian: /[æøå]/.test(w), digits: /\d/.test(w) };
    }
  }

  /** The language of `words` (the message's lower-cased words). */
  detect(words: readonly string[]): LanguageGuess {
    return this.detectScored(words.map((w) => this.cache.get(w)));
  }

  /** The language of a message's words, each as `score` read it. */
  detectScored(words: readonly WordScore[]): LanguageGuess {
    let nb = 0;
    let nn = 0;
    let en = 0;
    let known = 0;
    let norwegian = 0;
    for (const w of words) {
      if (w.norwegian) norwegian++;
      if (w.digits) continue;
      known += w.known;
      nb += w.scores[0]!;
      nn += w.scores[1]!;
      en += w.scores[2]!;
    }
    en -= Math.min(NORWEGIAN_LETTERS_AT_MOST, norwegian * NORWEGIAN_LETTERS_AGAINST_ENGLISH);
    const scores = { nb, nn, en };
    if (known === 0) return { lang: 'nb', known: false, margin: 0, scores };
    const s = [nb, nn, en];
    // the languages from most to least likely; of two alike, the first in LANGS
    const order = [0, 1, 2];
    for (let i = 1; i < 3; i++) for (let k = i; k > 0 && s[order[k]!]! > s[order[k - 1]!]!; k--) [order[k - 1], order[k]] = [order[k]!, order[k - 1]!];
    if (order[0] === 1 && order[1] === 0 && s[1]! - s[0]! < NYNORSK_LEAD) [order[0], order[1]] = [0, 1];
    return { lang: LANGS[order[0]!]!, known: true, margin: Math.max(0, s[order[0]!]! - s[order[1]!]!), scores };
  }
}
