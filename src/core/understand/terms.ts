import { distance } from 'fastest-levenshtein';
import { tokenize } from './normalise.js';

/**
 * A list of terms matched against a question's words: "anonym*" matches words starting with
 * "anonym", "hvor mange pasient*" a run of words. Words of six letters or more also match with
 * one letter wrong, missing or extra, so 'indentifiable' still finds 'identifiable'.
 */
export interface TermMatch {
  term: string;
  /** Index of the first matched word. */
  at: number;
  length: number;
}

interface Part {
  word: string;
  prefix: boolean;
}

const fuzzyAllowed = (word: string) => (word.length >= 6 ? 1 : 0);

function partMatches(part: Part, token: string, known: ReadonlySet<string>): boolean {
  if (token === part.word) return true;
  if (part.prefix && token.startsWith(part.word)) return true;
  // a word the examples use is spelt right; only the others may be typos
  if (known.has(token)) return false;
  const allowed = fuzzyAllowed(part.word);
  if (allowed === 0 || token.length < part.word.length - allowed || /\d/.test(token)) return false;
  if (!part.prefix) return Math.abs(token.length - part.word.length) <= allowed && distance(token, part.word) <= allowed;
  // a prefix term compares against the word's start, a letter shorter or longer to allow for one missing or extra
  for (let len = part.word.length - 1; len <= part.word.length + 1; len++) {
    if (token.length >= len && distance(token.slice(0, len), part.word) <= allowed) return true;
  }
  return false;
}

interface Pattern {
  term: string;
  parts: Part[];
  /** Position in the list, to return matches in the list's order. */
  index: number;
}

export class TermList {
  private readonly patterns: Pattern[];
  /** Terms by their first word, and prefix terms by their first two letters: where a rightly spelt word can only lead. */
  private readonly byWord = new Map<string, Pattern[]>();
  private readonly byStart = new Map<string, Pattern[]>();

  /** `known`: correctly spelt words (those of the intent examples), never read as typos. */
  constructor(
    terms: readonly string[],
    private readonly known: ReadonlySet<string> = new Set(),
  ) {
    this.patterns = terms.map((term, index) => ({
      term,
      index,
      parts: term
        .toLowerCase()
        .split(/[\s]+/)
        .flatMap((w) => {
          const prefix = w.endsWith('*');
          return tokenize(w).map((word, i, all) => ({ word, prefix: prefix && i === all.length - 1 }));
        }),
    }));
    for (const p of this.patterns) {
      const first = p.parts[0];
      if (!first) continue;
      const [map, key] = first.prefix ? [this.byStart, first.word.slice(0, 2)] : [this.byWord, first.word];
      map.set(key, [...(map.get(key) ?? []), p]);
    }
  }

  /** Every place a term matches, in the order of the terms. */
  matches(tokens: readonly string[]): TermMatch[] {
    // a word that may be a typo can match a term starting with other letters: then every term is tried
    const mayBeTypo = tokens.some((t) => t.length >= 5 && !this.known.has(t) && !/\d/.test(t));
    let candidates: Pattern[];
    if (mayBeTypo) candidates = this.patterns;
    else {
      const found = new Set<Pattern>();
      for (const t of tokens) {
        for (const p of this.byWord.get(t) ?? []) found.add(p);
        for (const p of this.byStart.get(t.slice(0, 2)) ?? []) found.add(p);
      }
      candidates = [...found].sort((a, b) => a.index - b.index);
    }
    const result: TermMatch[] = [];
    for (const { term, parts } of candidates) {
      if (parts.length === 0) continue;
      for (let at = 0; at + parts.length <= tokens.length; at++) {
        if (parts.every((part, k) => partMatches(part, tokens[at + k]!, this.known))) {
          result.push({ term, at, length: parts.length });
          break;
        }
      }
    }
    return result;
  }

  first(tokens: readonly string[]): TermMatch | undefined {
    return this.matches(tokens)[0];
  }

  has(tokens: readonly string[]): boolean {
    return this.matches(tokens).length > 0;
  }
}
