import { tokenize } from './normalise.js';
import { NumberTable } from './number-table.js';

/**
 * Term lists matched against a question's words: "anonym*" matches words starting with "anonym",
 * "hvor mange pasient*" a run of words. Every list shares one dictionary, which reads a message
 * once: an exact lookup and a walk down a prefix tree per word, then one pass that finds the
 * matches of every list at once. A list then only looks up its own matches. Misspellings are
 * mended before this, by the vocabulary, so matching here is exact.
 */
export interface TermMatch {
  term: string;
  /** Index of the first matched word. */
  at: number;
  length: number;
}

interface Pattern {
  term: string;
  /** Part ids, one per word of the term. */
  parts: number[];
  /** Position in its list, to return matches in the list's order. */
  index: number;
  list: number;
}

interface PrefixNode {
  next: Map<string, PrefixNode>;
  /** Prefix parts ending at this node. */
  parts: number[];
}

/** What one word is to every list, worked out once per word (see TermDictionary.termsOf). */
export interface WordTerms {
  /** The term parts it matches: itself, and the prefixes it starts with. */
  readonly parts: readonly number[];
  /** The one-word terms it matches, two numbers each: the term's list, and its index there. */
  readonly singles: readonly number[];
  /** Those of its parts that start a term of more words, in order. */
  readonly longerFirsts: readonly number[];
  /** The dictionary's lists when this was worked out: a list added since makes it out of date. */
  readonly lists: number;
}

/** What the dictionary read in a message: its words, and every list's matches in them. */
export interface WordParts {
  readonly words: readonly string[];
  /** What each word is to the lists, by position: a read of the same words with a few changed ("⟨purpose⟩") reuses it. */
  readonly terms: readonly WordTerms[];
  /**
   * Per list id, its matches in word order (undefined: none), two numbers a match: the term's
   * index in its list, then the place of its first word. Numbers, not an object per match: a
   * message has dozens of matches, and the lists read them again and again.
   */
  readonly hits: readonly (number[] | undefined)[];
}

const NONE: readonly number[] = Object.freeze([]);
/** Part ids stay below this (a dictionary of millions of words would reach it): a term's first two parts make one key. */
const LONGER_KEY = 2 ** 24;

/** The patterns that start with one part. */
interface Starting {
  /** Of one part: a word with it matches them. */
  single: Pattern[];
  /** Of two parts or more, by their second part. */
  bySecond: Map<number, Pattern[]>;
}

export class TermDictionary {
  private readonly exact = new Map<string, number[]>();
  private readonly prefixes: PrefixNode = { next: new Map(), parts: [] };
  private readonly partIds = new Map<string, number>();
  private readonly cache = new Map<string, WordTerms>();
  /**
   * Patterns of every list by their first part's id, only runs that start with one can match:
   * those of one word, and the longer ones by their second part's id, so that a message's
   * words are checked only against the terms whose first two words they could be.
   */
  private readonly byFirst: (Starting | undefined)[] = [];
  private lists = 0;
  /**
   * The terms of several words by their first two parts (first × LONGER_KEY + second), as an
   * index into `longerPatterns`: one table read per two words of a message where each first
   * part's own map would be one more Map to walk. Made by `indexLonger` for `longerLists` lists.
   */
  private longer = new NumberTable([]);
  private longerPatterns: Pattern[][] = [];
  private longerLists = -1;
  /**
   * Parts that end a word ("*avis": "lokalavis"), or stand anywhere in it ("*planlegging*":
   * "helseplanleggingen"): the last part of Norwegian compounds. Few, so each new word is
   * checked against all of them.
   */
  private readonly endings: { text: string; within: boolean; id: number }[] = [];

  private part(word: string, prefix: boolean, suffix = false): number {
    const key = `${suffix ? (prefix ? '~*' : '~') : prefix ? '*' : '='}${word}`;
    let id = this.partIds.get(key);
    if (id !== undefined) return id;
    id = this.partIds.size;
    if (id >= LONGER_KEY) throw new Error(`a term dictionary holds fewer than ${LONGER_KEY} words and prefixes`);
    this.partIds.set(key, id);
    this.byFirst.push(undefined);
    this.cache.clear();
    if (suffix) {
      this.endings.push({ text: word, within: prefix, id });
    } else if (!prefix) {
      this.exact.set(word, [...(this.exact.get(word) ?? []), id]);
    } else {
      let node = this.prefixes;
      for (const ch of word) {
        let child = node.next.get(ch);
        if (!child) node.next.set(ch, (child = { next: new Map(), parts: [] }));
        node = child;
      }
      node.parts.push(id);
    }
    return id;
  }

  /**
   * A list of terms; a term ending in * matches any word that starts with it; a word of one
   * starting with * any word that ends with it ("*avis"), or holds it ("*planlegging*").
   */
  list(terms: readonly string[]): TermList {
    const list = this.lists++;
    // what a word is to the lists changes with every list
    this.cache.clear();
    const patterns: Pattern[] = terms.map((term, index) => ({
      term,
      index,
      list,
      parts: term
        .toLowerCase()
        .split(/\s+/)
        .flatMap((w) => {
          const prefix = w.endsWith('*');
          const suffix = w.startsWith('*') && w.length > 1;
          const words = tokenize(w);
          return words.map((word, i) => this.part(word, prefix && i === words.length - 1, suffix && words.length === 1));
        }),
    }));
    for (const p of patterns) {
      if (p.parts.length === 0) continue;
      const starting: Starting = (this.byFirst[p.parts[0]!] ??= { single: [], bySecond: new Map() });
      if (p.parts.length === 1) starting.single.push(p);
      else {
        const second = p.parts[1]!;
        const list = starting.bySecond.get(second);
        if (list) list.push(p);
        else starting.bySecond.set(second, [p]);
      }
    }
    return new TermList(list, patterns);
  }

  /** What one word is to every list: its term parts, the one-word terms it matches, and the longer ones it may start. */
  termsOf(word: string): WordTerms {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const ids: number[] = [...(this.exact.get(word) ?? [])];
    let node: PrefixNode | undefined = this.prefixes;
    for (const ch of word) {
      node = node.next.get(ch);
      if (!node) break;
      if (node.parts.length) ids.push(...node.parts);
    }
    for (const ending of this.endings) if (ending.within ? word.includes(ending.text) : word.endsWith(ending.text)) ids.push(ending.id);
    const singles: number[] = [];
    const longerFirsts: number[] = [];
    for (const id of ids) {
      const starting = this.byFirst[id];
      if (!starting) continue;
      for (const pattern of starting.single) singles.push(pattern.list, pattern.index);
      if (starting.bySecond.size > 0) longerFirsts.push(id);
    }
    const found: WordTerms = { parts: ids.length ? ids : NONE, singles: singles.length ? singles : NONE, longerFirsts: longerFirsts.length ? longerFirsts : NONE, lists: this.lists };
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(word, found);
    return found;
  }

  /**
   * Reads a message's words once, for every list. `known`: what some of the words are to the
   * lists, by position, as an earlier read found it (undefined where a word is new): a word's
   * one-word matches are then read from one array, with no lookup.
   */
  read(words: readonly string[], known?: readonly (WordTerms | undefined)[]): WordParts {
    if (this.longerLists !== this.lists) this.indexLonger();
    const terms: WordTerms[] = new Array(words.length);
    for (let at = 0; at < words.length; at++) {
      const given = known?.[at];
      terms[at] = given !== undefined && given.lists === this.lists ? given : this.termsOf(words[at]!);
    }
    const hits: (number[] | undefined)[] = new Array(this.lists);
    for (let at = 0; at < words.length; at++) {
      const { singles, longerFirsts } = terms[at]!;
      for (let k = 0; k < singles.length; k += 2) addHit(hits, singles[k]!, singles[k + 1]!, at);
      if (longerFirsts.length === 0 || at + 1 >= words.length) continue;
      const seconds = terms[at + 1]!.parts;
      for (let f = 0; f < longerFirsts.length; f++) {
        for (let g = 0; g < seconds.length; g++) {
          const found = this.longer.get(longerFirsts[f]! * LONGER_KEY + seconds[g]!);
          if (found < 0) continue;
          const patterns = this.longerPatterns[found]!;
          for (let p = 0; p < patterns.length; p++) {
            const pattern = patterns[p]!;
            const n = pattern.parts.length;
            if (at + n > words.length) continue;
            let ok = true;
            for (let k = 2; k < n && ok; k++) ok = terms[at + k]!.parts.includes(pattern.parts[k]!);
            if (ok) addHit(hits, pattern.list, pattern.index, at);
          }
        }
      }
    }
    return { words, terms, hits };
  }

  /** The terms of several words by their first two parts, for every list so far (see `longer`). */
  private indexLonger(): void {
    const entries: [number, number][] = [];
    this.longerPatterns = [];
    this.byFirst.forEach((starting, first) => {
      for (const [second, patterns] of starting?.bySecond ?? []) {
        entries.push([first * LONGER_KEY + second, this.longerPatterns.length]);
        this.longerPatterns.push(patterns);
      }
    });
    this.longer = new NumberTable(entries);
    this.longerLists = this.lists;
  }
}

/**
 * Adds a match to a list's matches. A list's first match makes an array of just its two numbers:
 * most lists match once in a message, and an empty array's first push would make room for 17.
 */
function addHit(hits: (number[] | undefined)[], list: number, index: number, at: number): void {
  const found = hits[list];
  if (found) found.push(index, at);
  else hits[list] = [index, at];
}

export class TermList {
  readonly size: number;
  /** How many words each term has, by its index. */
  private readonly lengths: Int32Array;

  constructor(
    private readonly id: number,
    private readonly patterns: readonly Pattern[],
  ) {
    this.size = patterns.length;
    this.lengths = Int32Array.from(patterns, (p) => p.parts.length);
  }

  /** Every term that matches within [from, to), once, at its first place, in the order of the terms. */
  matches(read: WordParts, from = 0, to = read.words.length): TermMatch[] {
    const hits = read.hits[this.id];
    if (!hits) return [];
    const first = new Map<number, number>();
    for (let k = 0; k < hits.length; k += 2) {
      const index = hits[k]!;
      const at = hits[k + 1]!;
      if (at >= from && at + this.lengths[index]! <= to && !first.has(index)) first.set(index, at);
    }
    return [...first].sort(([a], [b]) => a - b).map(([index, at]) => ({ term: this.patterns[index]!.term, at, length: this.lengths[index]! }));
  }

  /** The term that matches first in the order of the terms. */
  first(read: WordParts, from?: number, to?: number): TermMatch | undefined {
    return this.matches(read, from, to)[0];
  }

  /** Where the earliest match within [from, to) starts, or -1. */
  firstAt(read: WordParts, from = 0, to = read.words.length): number {
    const hits = read.hits[this.id];
    if (!hits) return -1;
    for (let k = 0; k < hits.length; k += 2) {
      const at = hits[k + 1]!;
      if (at >= from && at + this.lengths[hits[k]!]! <= to) return at;
    }
    return -1;
  }

  /** Where each match starts, in word order. */
  starts(read: WordParts): number[] {
    const hits = read.hits[this.id];
    const out: number[] = [];
    if (hits) for (let k = 0; k < hits.length; k += 2) out.push(hits[k + 1]!);
    return out;
  }

  /** Where each match ends: the first word after it. */
  startsOf(read: WordParts): number[] {
    const hits = read.hits[this.id];
    const out: number[] = [];
    if (hits) for (let k = 0; k < hits.length; k += 2) out.push(hits[k + 1]! + this.lengths[hits[k]!]!);
    return out;
  }

  has(read: WordParts, from = 0, to = read.words.length): boolean {
    return this.firstAt(read, from, to) >= 0;
  }

  /** Positions of every word a term covers. */
  covered(read: WordParts, from = 0, to = read.words.length): Set<number> {
    const out = new Set<number>();
    const hits = read.hits[this.id];
    if (!hits) return out;
    for (let k = 0; k < hits.length; k += 2) {
      const at = hits[k + 1]!;
      const length = this.lengths[hits[k]!]!;
      if (at < from || at + length > to) continue;
      for (let j = 0; j < length; j++) out.add(at + j);
    }
    return out;
  }
}
