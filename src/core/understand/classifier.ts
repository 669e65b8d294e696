import { createRequire } from 'node:module';
import lunr from 'lunr';
import { LANGS } from '../types.js';
import type { IntentDef } from '../intents/schema.js';
import { distance } from 'fastest-levenshtein';
import { TermList } from './terms.js';
import { tokenize } from './normalise.js';

// lunr-languages are UMD plugins that register themselves on the lunr instance they are given.
const require = createRequire(import.meta.url);
(require('lunr-languages/lunr.stemmer.support.js') as (l: typeof lunr) => void)(lunr);
(require('lunr-languages/lunr.no.js') as (l: typeof lunr) => void)(lunr);
const norwegian = (lunr as unknown as { no: { stemmer: (token: lunr.Token) => lunr.Token } }).no;

/** Stems with the Norwegian and then the English stemmer: questions mix the two. */
function stem(token: lunr.Token): lunr.Token {
  return lunr.stemmer(norwegian.stemmer(token) as lunr.Token);
}
lunr.Pipeline.registerFunction(stem, 'npr-stem');
/** lunr's automaton for the words within `distance` edits of `word` (typed loosely: @types/lunr omits it). */
const fuzzy = (word: string, distance: number) =>
  (lunr.TokenSet as unknown as { fromFuzzyString(w: string, d: number): lunr.TokenSet }).fromFuzzyString(word, distance);
const stemming = new lunr.Pipeline();
stemming.add(stem);

export interface Ranked {
  intent: string;
  score: number;
}

export interface Classification {
  ranking: Ranked[];
  /** 0..1: how clearly the best intent wins and how much of the question it explains. */
  confidence: number;
  /** Share of the question's words that the index knows. */
  coverage: number;
  /** Intents whose keywords the question uses, in the order the question names them. */
  keywordIntents: string[];
}

/** How many of an intent's best-matching examples count, and with what weight. */
const TOP_WEIGHTS = [1, 0.5, 0.25];
/** What one matched keyword adds, relative to the best example score. */
const KEYWORD_BONUS = 0.5;
const MAX_KEYWORD_BONUS = 0.9;
const PHRASE_WORD_BONUS = 0.15;
/**
 * Terms in more than this share of all examples ("det", "the") say nothing about the intent;
 * leaving them out of the query keeps answers fast.
 */
const COMMON_SHARE = 0.12;

/**
 * Ranks intents by the examples most like the question (a lunr index over all examples, with
 * Norwegian and English stemming and one- or two-letter typo tolerance) plus keyword rules.
 */
export class IntentClassifier {
  readonly index: lunr.Index;
  private readonly keywords: Map<string, TermList>;
  /** How many examples each stemmed term occurs in. */
  private readonly documentFrequency: Map<string, number>;
  private readonly commonAbove: number;

  /** Every word the examples use, spelt as they spell it. */
  readonly knownWords: ReadonlySet<string>;
  /**
   * lunr's scoring, precomputed: per term, the examples that have it and its (BM25) weight there.
   * A question's score for an example is the sum of its terms' query weights times these: lunr's
   * score up to its division by the query's length, which the ranking normalises away anyway,
   * without the match data lunr builds for every hit.
   */
  private readonly postings = new Map<string, { docs: Int32Array; weights: Float64Array }>();
  private readonly docIntents: string[];
  /** Scores per example, reused: zero between questions (classify is synchronous). */
  private readonly scores: Float64Array;
  /** The index's terms as lunr's automaton, for finding the terms a letter or two from a word. */
  private readonly vocabulary: lunr.TokenSet;

  constructor(intents: readonly IntentDef[]) {
    const docs = intents.flatMap((intent) =>
      LANGS.flatMap((lang) => intent.examples[lang].map((text, i) => ({ id: `${intent.intent}/${lang}/${i}`, text: text.toLowerCase() }))),
    );
    this.index = lunr(function () {
      this.pipeline.reset();
      this.searchPipeline.reset();
      this.pipeline.add(lunr.trimmer, stem);
      this.searchPipeline.add(stem);
      this.ref('id');
      this.field('text');
      for (const doc of docs) this.add(doc);
    });
    const postings = (this.index as unknown as { invertedIndex: Record<string, { text?: Record<string, unknown> }> }).invertedIndex;
    this.documentFrequency = new Map(Object.entries(postings).map(([term, p]) => [term, Object.keys(p.text ?? {}).length]));
    this.commonAbove = docs.length * COMMON_SHARE;
    this.knownWords = new Set(docs.flatMap((d) => tokenize(d.text)));
    this.docIntents = docs.map((d) => d.id.slice(0, d.id.indexOf('/')));
    this.scores = new Float64Array(docs.length);
    this.vocabulary = (this.index as unknown as { tokenSet: lunr.TokenSet }).tokenSet;
    const termOfIndex = new Map<number, string>();
    for (const [term, p] of Object.entries(postings)) termOfIndex.set((p as unknown as { _index: number })._index, term);
    const byTerm = new Map<string, { docs: number[]; weights: number[] }>();
    const vectors = (this.index as unknown as { fieldVectors: Record<string, lunr.Vector & { elements: number[] }> }).fieldVectors;
    docs.forEach((d, ordinal) => {
      const vector = vectors[`text/${d.id}`]!;
      for (let k = 0; k < vector.elements.length; k += 2) {
        const term = termOfIndex.get(vector.elements[k]!)!;
        const entry = byTerm.get(term) ?? { docs: [], weights: [] };
        entry.docs.push(ordinal);
        entry.weights.push(vector.elements[k + 1]!);
        byTerm.set(term, entry);
      }
    });
    for (const [term, e] of byTerm) this.postings.set(term, { docs: Int32Array.from(e.docs), weights: Float64Array.from(e.weights) });
    this.keywords = new Map(intents.filter((i) => i.keywords?.length).map((i) => [i.intent, new TermList(i.keywords!, this.knownWords)]));
  }

  private stemmed(token: string): string {
    return stemming.runString(token)[0] ?? token;
  }

  /**
   * `evidence` adds to intents that figures in the question point at (hours point at price),
   * on the same scale as a keyword.
   */
  classify(tokens: readonly string[], evidence: Record<string, number> = {}): Classification {
    const words = [...new Set(tokens.filter((t) => t.length > 1 && !/^\d+$/.test(t)))];
    if (words.length === 0) return { ranking: [], confidence: 0, coverage: 0, keywordIntents: [] };

    // query weights per index term: a known word as it is, an unknown one as the terms a letter or two away
    const queryWeights = new Map<string, number>();
    const add = (term: string, boost: number) => queryWeights.set(term, (queryWeights.get(term) ?? 0) + boost);
    for (const word of words) {
      const stem = this.stemmed(word);
      const df = this.documentFrequency.get(stem);
      if (df !== undefined) {
        // a known word: an exact match, unless it is too common to tell intents apart
        if (df <= this.commonAbove) add(stem, 10);
      } else if (word.length >= 5) {
        // an unknown word may be a typo of a known one: one letter off, or two in a long word
        // (not in the longest compounds, whose two-letter search costs more than it finds)
        const distance = word.length >= 9 && word.length <= 12 ? 2 : 1;
        for (const term of this.vocabulary.intersect(fuzzy(stem, distance)).toArray()) add(term, 3);
      }
    }
    const scores = this.scores;
    const touched: number[] = [];
    for (const [term, boost] of queryWeights) {
      const p = this.postings.get(term);
      if (!p) continue;
      for (let k = 0; k < p.docs.length; k++) {
        const doc = p.docs[k]!;
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += boost * p.weights[k]!;
      }
    }
    // each intent's three best examples
    const perIntent = new Map<string, number[]>();
    for (const doc of touched) {
      const score = scores[doc]!;
      scores[doc] = 0; // ready for the next question
      const intent = this.docIntents[doc]!;
      const top = perIntent.get(intent);
      if (!top) perIntent.set(intent, [score]);
      else if (top.length < TOP_WEIGHTS.length) {
        top.push(score);
        top.sort((a, b) => b - a);
      } else if (score > top[top.length - 1]!) {
        top[top.length - 1] = score;
        top.sort((a, b) => b - a);
      }
    }
    const raw = new Map<string, number>();
    for (const [intent, scores] of perIntent) raw.set(intent, scores.reduce((s, x, i) => s + x * TOP_WEIGHTS[i]!, 0));
    const best = Math.max(0, ...raw.values());
    const final = new Map<string, number>();
    for (const [intent, s] of raw) final.set(intent, best > 0 ? s / best : 0);
    const keywordWords = new Set<number>();
    const firstKeyword = new Map<string, number>();
    for (const [intent, terms] of this.keywords) {
      const hits = terms.matches(tokens);
      if (hits.length > 0) firstKeyword.set(intent, Math.min(...hits.map((h) => h.at)));
      for (const h of hits) for (let k = h.at; k < h.at + h.length; k++) keywordWords.add(k);
      // a longer phrase is more specific evidence: "what is npr for" over "what is npr"
      const bonus = hits.reduce((sum, h) => sum + KEYWORD_BONUS * (1 + PHRASE_WORD_BONUS * (h.length - 1)), 0);
      if (hits.length > 0) final.set(intent, (final.get(intent) ?? 0) + Math.min(MAX_KEYWORD_BONUS, bonus));
    }
    for (const [intent, bonus] of Object.entries(evidence)) {
      if (bonus > 0) final.set(intent, (final.get(intent) ?? 0) + bonus);
    }
    const ranking = [...final.entries()].map(([intent, score]) => ({ intent, score })).sort((a, b) => b.score - a.score);

    const matched = new Set([...queryWeights.keys()].filter((t) => this.postings.has(t)));
    const keywordTokens = new Set([...keywordWords].map((k) => tokens[k]));
    const known = words.filter((w) => {
      if (keywordTokens.has(w)) return true;
      const s = this.stemmed(w);
      if (matched.has(s)) return true;
      if (this.knownWords.has(w)) return false;
      const allowed = w.length >= 9 ? 2 : w.length >= 5 ? 1 : 0;
      return allowed > 0 && [...matched].some((m) => Math.abs(m.length - s.length) <= allowed && distance(m, s) <= allowed);
    }).length;
    const coverage = known / words.length;
    const [first, second] = ranking;
    const margin = first ? first.score / (first.score + (second?.score ?? 0)) : 0;
    const confidence = first ? Math.min(1, margin * (0.4 + 0.6 * coverage) * Math.min(1, first.score)) : 0;
    const keywordIntents = [...firstKeyword.keys()].sort((a, b) => firstKeyword.get(a)! - firstKeyword.get(b)!);
    return { ranking, confidence, coverage, keywordIntents };
  }
}
