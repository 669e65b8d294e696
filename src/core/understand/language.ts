import { LANGS, type Lang } from '../types.js';
import type { Lexicon } from '../lexicon.js';
import type { IntentDef } from '../intents/schema.js';
import { tokenize } from './normalise.js';

/** Each marker counts as if seen this many times in the examples. */
const MARKER_WEIGHT = 6;
const SMOOTHING = 0.5;

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
  private readonly counts = new Map<string, Record<Lang, number>>();
  private readonly totals: Record<Lang, number> = { nb: 0, nn: 0, en: 0 };
  private vocabulary = 0;

  constructor(intents: readonly IntentDef[], lexicon: Lexicon) {
    const add = (lang: Lang, word: string, n: number) => {
      let c = this.counts.get(word);
      if (!c) this.counts.set(word, (c = { nb: 0, nn: 0, en: 0 }));
      c[lang] += n;
      this.totals[lang] += n;
    };
    for (const intent of intents) {
      for (const lang of LANGS) for (const ex of intent.examples[lang]) for (const w of tokenize(ex)) add(lang, w, 1);
    }
    for (const lang of LANGS) for (const w of lexicon.languageMarkers[lang]) add(lang, w.toLowerCase(), MARKER_WEIGHT);
    this.vocabulary = this.counts.size;
  }

  detect(text: string): LanguageGuess {
    const scores: Record<Lang, number> = { nb: 0, nn: 0, en: 0 };
    let known = 0;
    for (const word of tokenize(text)) {
      if (/^\d+$/.test(word)) continue;
      const c = this.counts.get(word);
      if (!c) continue;
      known++;
      for (const lang of LANGS) {
        scores[lang] += Math.log((c[lang] + SMOOTHING) / (this.totals[lang] + SMOOTHING * this.vocabulary));
      }
    }
    // Norwegian letters settle Norwegian against English
    if (/[æøå]/i.test(text)) scores.en -= 8;
    if (known === 0 && !/[æøå]/i.test(text)) return { lang: 'nb', known: false };
    const lang = LANGS.reduce((best, l) => (scores[l] > scores[best] ? l : best), 'nb' as Lang);
    return { lang, known: true };
  }
}
