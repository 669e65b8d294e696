import { tokenize } from './normalise.js';

/**
 * Term lists matched against a question's words: "anonym*" matches words starting with "anonym",
 * "hvor mange pasient*" a run of words. Every list shares one dictionary, which reads a message's
 * words once (an exact lookup and a walk down a prefix tree per word); each list then only checks
 * the runs that start with one of its first words. Misspellings are mended before this, by the
 * vocabulary, so matching here is exact.
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
}

interface PrefixNode {
  next: Map<string, PrefixNode>;
  /** Prefix parts ending at this node. */
  parts: number[];
}

/** What the dictionary read in a message: for each word, the term parts it matches. */
export interface WordParts {
  readonly words: readonly string[];
  readonly parts: readonly (readonly number[])[];
}

const NONE: readonly number[] = Object.freeze([]);

export class TermDictionary {
  private readonly exact = new Map<string, number[]>();
  private readonly prefixes: PrefixNode = { next: new Map(), parts: [] };
  private readonly partIds = new Map<string, number>();
  private readonly cache = new Map<string, readonly number[]>();

  private part(word: string, prefix: boolean): number {
    const key = `${prefix ? '*' : '='}${word}`;
    let id = this.partIds.get(key);
    if (id !== undefined) return id;
    id = this.partIds.size;
    this.partIds.set(key, id);
    this.cache.clear();
    if (!prefix) {
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

  /** A list of terms; a term ending in * matches any word that starts with it. */
  list(terms: readonly string[]): TermList {
    const patterns: Pattern[] = terms.map((term, index) => ({
      term,
      index,
      parts: term
        .toLowerCase()
        .split(/\s+/)
        .flatMap((w) => {
          const prefix = w.endsWith('*');
          const words = tokenize(w);
          return words.map((word, i) => this.part(word, prefix && i === words.length - 1));
        }),
    }));
    return new TermList(patterns.filter((p) => p.parts.length > 0));
  }

  /** The term parts one word matches. */
  partsOf(word: string): readonly number[] {
    let found = this.cache.get(word);
    if (found) return found;
    const ids: number[] = [...(this.exact.get(word) ?? [])];
    let node: PrefixNode | undefined = this.prefixes;
    for (const ch of word) {
      node = node.next.get(ch);
      if (!node) break;
      if (node.parts.length) ids.push(...node.parts);
    }
    found = ids.length ? ids : NONE;
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(word, found);
    return found;
  }

  /** Reads a message's words once, for every list. */
  read(words: readonly string[]): WordParts {
    return { words, parts: words.map((w) => this.partsOf(w)) };
  }
}

export class TermList {
  /** Patterns by their first part: only runs that start with one can match. */
  private readonly byFirst = new Map<number, Pattern[]>();

  constructor(private readonly patterns: Pattern[]) {
    for (const p of patterns) this.byFirst.set(p.parts[0]!, [...(this.byFirst.get(p.parts[0]!) ?? []), p]);
  }

  get size(): number {
    return this.patterns.length;
  }

  /** Calls `visit` for every place a term matches within [from, to); stops when it returns true. */
  private scan(read: WordParts, from: number, to: number, visit: (p: Pattern, at: number) => boolean | void): void {
    for (let at = from; at < to; at++) {
      for (const first of read.parts[at]!) {
        for (const p of this.byFirst.get(first) ?? []) {
          if (at + p.parts.length > to) continue;
          let ok = true;
          for (let k = 1; k < p.parts.length && ok; k++) ok = read.parts[at + k]!.includes(p.parts[k]!);
          if (ok && visit(p, at) === true) return;
        }
      }
    }
  }

  /** Every term that matches, once, at its first place, in the order of the terms. */
  matches(read: WordParts, from = 0, to = read.words.length): TermMatch[] {
    const found = new Map<Pattern, number>();
    this.scan(read, from, to, (p, at) => void (found.has(p) || found.set(p, at)));
    return [...found]
      .sort(([a], [b]) => a.index - b.index)
      .map(([p, at]) => ({ term: p.term, at, length: p.parts.length }));
  }

  first(read: WordParts, from?: number, to?: number): TermMatch | undefined {
    return this.matches(read, from, to)[0];
  }

  has(read: WordParts, from = 0, to = read.words.length): boolean {
    let found = false;
    this.scan(read, from, to, () => (found = true));
    return found;
  }

  /** Positions of every word a term covers. */
  covered(read: WordParts, from = 0, to = read.words.length): Set<number> {
    const out = new Set<number>();
    this.scan(read, from, to, (p, at) => {
      for (let k = 0; k < p.parts.length; k++) out.add(at + k);
    });
    return out;
  }
}
