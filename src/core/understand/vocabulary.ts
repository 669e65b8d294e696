import { createRequire } from 'node:module';
import type Lunr from 'lunr';

// lunr and fastest-levenshtein are CommonJS: loaded with require, since importing them as ES
// modules has Node scan their whole source for export names first (some 40 ms of every start).
// lunr-languages are UMD plugins that register themselves on the lunr instance they are given.
const require = createRequire(import.meta.url);
const lunr = require('lunr') as typeof Lunr;
const { distance } = require('fastest-levenshtein') as typeof import('fastest-levenshtein');
type Plugin = (l: typeof lunr) => void;
const registered = lunr as unknown as { no?: unknown };
if (!registered.no) {
  (require('lunr-languages/lunr.stemmer.support.js') as Plugin)(lunr);
  (require('lunr-languages/lunr.no.js') as Plugin)(lunr);
}
type TokenFilter = (token: Lunr.Token) => Lunr.Token | undefined;
const norwegian = (lunr as unknown as { no: { stemmer: TokenFilter; stopWordFilter: TokenFilter } }).no;
const english = lunr as unknown as { stemmer: TokenFilter; stopWordFilter: TokenFilter };

/** Stems with the Norwegian and then the English stemmer: questions mix the two. */
function stemWord(word: string): string {
  const token = new lunr.Token(word, {});
  return english.stemmer(norwegian.stemmer(token)!)!.toString();
}

/** lunr's Norwegian and English stop words: words that say nothing of what is asked. */
function isStopWordUncached(word: string): boolean {
  const token = new lunr.Token(word, {});
  return norwegian.stopWordFilter(token) === undefined || english.stopWordFilter(token) === undefined;
}

/**
 * A cache that forgets everything when full: the words people write repeat (Zipf), so a
 * bounded map of recent ones serves nearly every lookup without growing without end.
 */
export class WordCache<T> {
  private readonly map = new Map<string, T | typeof NOTHING>();
  constructor(
    private readonly make: (key: string) => T,
    private readonly capacity = 50_000,
  ) {}
  /** Puts in a value already known (a cache restored). */
  set(key: string, value: T): void {
    if (this.map.size >= this.capacity) this.map.clear();
    this.map.set(key, value === undefined ? NOTHING : value);
  }

  get(key: string): T {
    let value = this.map.get(key);
    if (value === undefined) {
      if (this.map.size >= this.capacity) this.map.clear();
      value = this.make(key);
      this.map.set(key, value === undefined ? NOTHING : value);
    }
    return (value === NOTHING ? undefined : value) as T;
  }
}

/** Stands for a cached undefined, so that one map read tells a cached nothing from a word not yet seen. */
const NOTHING = Symbol('nothing');

/** A vocabulary's known words, how often each occurs, and each one's stem. */
export interface VocabularyState {
  words: string[];
  counts: number[];
  stems: string[];
}

const isState = (x: Iterable<string> | VocabularyState): x is VocabularyState => !(Symbol.iterator in x);

/** How far a word may be from a known one and still be read as a typo of it. */
/** Whether two words differ only by two neighbouring letters swapped ("regsitry", "registry"). */
export function swapsTwo(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

export function typoAllowance(word: string): number {
  return word.length >= 10 ? 2 : word.length >= 6 ? 1 : 0;
}

/** A compound is read from its head only when both parts are words in their own right. */
const MIN_COMPOUND = 8;
const MIN_MODIFIER = 3;
const MIN_HEAD = 4;

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** FNV-1a of a text's UTF-16 code units, leaving out the one at `skip` (-1: none): a deletion's hash without making its text. */
function hashWithout(text: string, skip: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) if (i !== skip) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Whether `text` is `word`, or `word` with one code unit deleted. */
function isWordOrDeletion(text: string, word: string): boolean {
  if (word.length === text.length) return word === text;
  if (word.length !== text.length + 1) return false;
  let i = 0;
  while (i < text.length && text.charCodeAt(i) === word.charCodeAt(i)) i++;
  // the word's unit at i is the one deleted: the rest must agree
  for (; i < text.length; i++) if (text.charCodeAt(i) !== word.charCodeAt(i + 1)) return false;
  return true;
}

/** Word numbers in a key of the deletion index: hash × WORD_NUMBERS + number stays an exact integer in a double. */
const WORD_NUMBERS = 2 ** 21;

/**
 * The symmetric-delete index: each word under itself and under each of its one-letter deletions.
 * It is made at every start, so it holds no strings: one sorted array of keys, a text's hash and
 * a word's number in each (a Map of every deletion's text took most of the vocabulary's start-up,
 * 30 000 strings and lists). A lookup finds its hash's keys by binary search and keeps the words
 * that the text really is, or is a deletion of: the words a Map of the texts would give, in the
 * same order (the order they were given in), each once.
 */
class DeletionIndex {
  private readonly keys: Float64Array;

  constructor(private readonly words: readonly string[]) {
    if (words.length >= WORD_NUMBERS) throw new Error(`a deletion index holds fewer than ${WORD_NUMBERS} words`);
    let size = 0;
    for (const w of words) size += w.length + 1;
    this.keys = new Float64Array(size);
    let at = 0;
    words.forEach((w, n) => {
      for (let skip = -1; skip < w.length; skip++) this.keys[at++] = hashWithout(w, skip) * WORD_NUMBERS + n;
    });
    this.keys.sort();
  }

  /** Calls `visit` with each word that `text` is, or is with one letter deleted. */
  forEach(text: string, visit: (word: string) => void): void {
    const hash = hashWithout(text, -1);
    const first = hash * WORD_NUMBERS;
    const end = first + WORD_NUMBERS;
    const keys = this.keys;
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (keys[middle]! < first) low = middle + 1;
      else high = middle;
    }
    let previous = -1;
    for (let i = low; i < keys.length && keys[i]! < end; i++) {
      const n = keys[i]! - first;
      // a word with a doubled letter ("kaffe") is under one deletion twice
      if (n === previous) continue;
      previous = n;
      const word = this.words[n]!;
      if (isWordOrDeletion(text, word)) visit(word);
    }
  }
}

/**
 * The words the bot knows how to spell, and what it does with a word: its stem, whether it is a
 * stop word, and which known word a misspelt one was meant to be. Typos are found through an
 * index of every known word with one letter deleted (symmetric delete), so a lookup costs a few
 * searches of that index rather than a comparison with every word.
 */
export class Vocabulary {
  private readonly known: ReadonlySet<string>;
  /** Stems of the known words: "kostnaden" is known through "kostnad". */
  private readonly knownStems = new Set<string>();
  private readonly deleted: DeletionIndex;
  private readonly frequency = new Map<string, number>();
  private readonly stems = new WordCache<string>(stemWord);
  private readonly stops = new WordCache<boolean>(isStopWordUncached);
  private readonly corrections = new WordCache<string>((w) => this.correctUncached(w));
  private readonly heads = new WordCache<string | undefined>((w) => this.headUncached(w));

  /**
   * `words`: every correctly spelt word, as often as it occurs (frequency breaks ties between
   * corrections); or the `state()` of a vocabulary, which saves counting and stemming them again.
   */
  constructor(
    words: Iterable<string> | VocabularyState,
    /** Words written as spoken in a dialect ("ka"), and the written form each stands for ("kva"). */
    private readonly spokenForms: ReadonlyMap<string, string> = new Map(),
  ) {
    if (isState(words)) {
      const { words: known, counts, stems } = words;
      if (counts.length !== known.length || stems.length !== known.length) throw new Error('a vocabulary state has as many counts and stems as words');
      known.forEach((w, i) => {
        this.frequency.set(w, counts[i]!);
        this.stems.set(w, stems[i]!);
      });
    } else {
      for (const w of words) this.frequency.set(w, (this.frequency.get(w) ?? 0) + 1);
    }
    this.known = new Set(this.frequency.keys());
    for (const w of this.known) this.knownStems.add(this.stem(w));
    this.deleted = new DeletionIndex([...this.known].filter((w) => w.length >= 5 && !/\d/.test(w)));
  }

  /** The known words with their counts and stems, to build the same vocabulary again without the work (the start-up cache). */
  state(): VocabularyState {
    const words = [...this.frequency.keys()];
    return { words, counts: words.map((w) => this.frequency.get(w)!), stems: words.map((w) => this.stem(w)) };
  }

  /** Known as written, or as another form of a known word. */
  has(word: string): boolean {
    return this.known.has(word) || this.knownStems.has(this.stem(word));
  }

  stem(word: string): string {
    return this.stems.get(word);
  }

  isStopWord(word: string): boolean {
    return this.stops.get(word);
  }

  /**
   * The known last part of a compound the examples never use: "totalkostnaden" → "kostnaden",
   * "doktorgradsprosjektet" → "prosjektet". Norwegian joins words freely; the head says what it is.
   */
  head(word: string): string | undefined {
    return this.heads.get(word);
  }

  private headUncached(w: string): string | undefined {
    if (this.has(w) || w.length < MIN_COMPOUND || /\d/.test(w)) return undefined;
    for (let i = MIN_MODIFIER; i <= w.length - MIN_HEAD; i++) {
      const head = w.slice(i);
      if (this.has(head)) return head;
    }
    return undefined;
  }

  /**
   * A compound of two known words ("totalkostnaden", "doktorgradsprosjektet", with a joining s or
   * e): not "rørlegger", whose head is known but whose first part is not.
   */
  knownCompound(word: string): boolean {
    return this.modifier(word) !== undefined;
  }

  /** The known first part of a compound of two known words, without a joining s or e ("parkeringstillatelse" → "parkering"). */
  modifier(word: string): string | undefined {
    const head = this.head(word);
    if (!head) return undefined;
    const modifier = word.slice(0, word.length - head.length);
    if (this.has(modifier)) return modifier;
    return /[se]$/.test(modifier) && this.has(modifier.slice(0, -1)) ? modifier.slice(0, -1) : undefined;
  }

  /** The known word a word was meant as: itself when known or not near any; a dialect's spoken form written; æ, ø and å put back; a typo mended. */
  correct(word: string): string {
    return this.corrections.get(word);
  }

  private correctUncached(word: string): string {
    const written = this.spokenForms.get(word);
    if (written !== undefined) return written;
    if (this.known.has(word) || /\d/.test(word)) return word;
    // keyboards without æ, ø and å: "aapne", "soknad", "paa"
    if (/[aoe]/.test(word)) {
      const digraphs = word.replace(/aa/g, 'å').replace(/ae/g, 'æ').replace(/oe/g, 'ø');
      const candidates = [digraphs, digraphs.replace(/o/g, 'ø')];
      // one letter typed plain: "sla" for "slå", "fa" for "få", "sok" for "søk"
      for (let i = 0; i < word.length; i++) {
        const plain = { a: ['å', 'æ'], o: ['ø'], e: ['æ'] }[word[i] as 'a' | 'o' | 'e'];
        for (const letter of plain ?? []) candidates.push(word.slice(0, i) + letter + word.slice(i + 1));
      }
      for (const candidate of candidates) if (candidate !== word && this.known.has(candidate)) return candidate;
    }
    // two letters swapped in a short word: "waht" for "what", "frsit" for "frist" (not the first letter)
    if (word.length >= 4 && word.length <= 5) {
      for (let i = 1; i + 1 < word.length; i++) {
        const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
        if (swapped !== word && this.known.has(swapped)) return swapped;
      }
    }
    // a five-letter word missing a letter: "kostr" for "koster"
    const allowed = typoAllowance(word) || (word.length === 5 ? 1 : 0);
    if (allowed === 0) return word;
    const candidates = new Set<string>();
    const add = (w: string) => void candidates.add(w);
    const look = (d: string) => this.deleted.forEach(d, add);
    look(word);
    const once = deletions(word);
    for (const d of once) look(d);
    if (allowed >= 2) for (const d of once) for (const dd of deletions(d)) look(dd);
    let best: string | undefined;
    let bestDistance = allowed + 1;
    for (const c of candidates) {
      if (Math.abs(c.length - word.length) > allowed) continue;
      // people seldom mistype a word's first letter: "created" is not "treated"
      if (c[0] !== word[0]) continue;
      if (word.length === 5 && c.length !== 6) continue;
      // two letters swapped are one slip, not two ("regsitry")
      const d = swapsTwo(c, word) ? 1 : distance(c, word);
      if (d < bestDistance || (d === bestDistance && best !== undefined && this.rank(c, best) < 0)) {
        best = c;
        bestDistance = d;
      }
    }
    return best ?? word;
  }

  /** Known words a letter or two from `word` (as far as its length allows), not counting itself. */
  neighbours(word: string): string[] {
    const allowed = typoAllowance(word) || (word.length === 5 ? 1 : 0);
    if (allowed === 0) return [];
    const out = new Set<string>();
    const near = (w: string) => {
      if (w !== word && Math.abs(w.length - word.length) <= allowed && distance(w, word) <= allowed) out.add(w);
    };
    const look = (d: string) => this.deleted.forEach(d, near);
    look(word);
    for (const d of deletions(word)) look(d);
    return [...out];
  }

  /** More frequent first, then alphabetical: the same correction every time. */
  private rank(a: string, b: string): number {
    return (this.frequency.get(b) ?? 0) - (this.frequency.get(a) ?? 0) || (a < b ? -1 : 1);
  }
}
