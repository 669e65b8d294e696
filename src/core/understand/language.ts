import { LANGS, type Lang } from '../types.js';
import type { Lexicon } from '../lexicon.js';
import type { IntentDef } from '../intents/schema.js';
import { tokenize } from './normalise.js';

/** Each marker counts as if seen this many times in the examples. */
const MARKER_WEIGHT = 6;
const SMOOTHING = 0.5;
/** Letter triples weigh in for every word, so words no example had still say something. */
const TRIGRAM_WEIGHT = 0.35;

function trigrams(word: string): string[] {
  const padded = `^${word}$`;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) grams.push(padded.slice(i, i + 3));
  return grams;
}

/** Counts of items per language, scored as smoothed log-probabilities. */
class Counts {
  private readonly counts = new Map<string, Record<Lang, number>>();
  private readonly totals: Record<Lang, number> = { nb: 0, nn: 0, en: 0 };

  add(lang: Lang, item: string, n: number): void {
    let c = this.counts.get(item);
    if (!c) this.counts.set(item, (c = { nb: 0, nn: 0, en: 0 }));
    c[lang] += n;
    this.totals[lang] += n;
  }

  has(item: string): boolean {
    return this.counts.has(item);
  }

  /** Adds each language's log-probability of `item` to `scores`; false if no language saw it. */
  score(item: string, scores: Record<Lang, number>, weight = 1): boolean {
    const c = this.counts.get(item);
    if (!c) return false;
    for (const lang of LANGS) {
      scores[lang] += weight * Math.log((c[lang] + SMOOTHING) / (this.totals[lang] + SMOOTHING * this.counts.size));
    }
    return true;
  }
}

export interface LanguageGuess {
  lang: Lang;
  /** False when the question had no word the detector knows. */
  known: boolean;
}

/**
 * Naive Bayes over words, learnt from the intent examples of each language plus marker words
 * from the lexicon. Words no language has seen are ignored rather than guessed at.
 */
export class LanguageDetector {
  private readonly words = new Counts();
  private readonly grams = new Counts();

  constructor(intents: readonly IntentDef[], lexicon: Lexicon) {
    const add = (lang: Lang, word: string, n: number) => {
      this.words.add(lang, word, n);
      for (const g of trigrams(word)) this.grams.add(lang, g, n);
    };
    for (const intent of intents) {
      for (const lang of LANGS) for (const ex of intent.examples[lang]) for (const w of tokenize(ex)) add(lang, w, 1);
    }
    for (const lang of LANGS) for (const w of lexicon.languageMarkers[lang]) add(lang, w.toLowerCase(), MARKER_WEIGHT);
  }

  detect(text: string): LanguageGuess {
    const scores: Record<Lang, number> = { nb: 0, nn: 0, en: 0 };
    let known = 0;
    for (const word of tokenize(text)) {
      if (/\d/.test(word)) continue;
      if (this.words.score(word, scores)) known++;
      const grams = trigrams(word);
      for (const g of grams) this.grams.score(g, scores, TRIGRAM_WEIGHT / grams.length);
      if (grams.some((g) => this.grams.has(g))) known += 0.25;
    }
    // Norwegian letters settle Norwegian against English
    if (/[æøå]/i.test(text)) scores.en -= 8;
    if (known === 0) return { lang: 'nb', known: false };
    const lang = LANGS.reduce((best, l) => (scores[l] > scores[best] ? l : best), 'nb' as Lang);
    return { lang, known: true };
  }
}
