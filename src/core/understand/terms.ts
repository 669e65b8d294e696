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

export class TermList {
  private readonly patterns: { term: string; parts: Part[] }[];

  /** `known`: correctly spelt words (those of the intent examples), never read as typos. */
  constructor(
    terms: readonly string[],
    private readonly known: ReadonlySet<string> = new Set(),
  ) {
    this.patterns = terms.map((term) => ({
      term,
      parts: term
        .toLowerCase()
        .split(/[\s]+/)
        .flatMap((w) => {
          const prefix = w.endsWith('*');
          return tokenize(w).map((word, i, all) => ({ word, prefix: prefix && i === all.length - 1 }));
        }),
    }));
  }

  /** Every place a term matches, in the order of the terms. */
  matches(tokens: readonly string[]): TermMatch[] {
    const found: TermMatch[] = [];
    const present = new Set(tokens);
    // Without a word that could be a typo, a term can only match a word with its first letter.
    const mayBeTypo = tokens.some((t) => t.length >= 5 && !this.known.has(t) && !/\d/.test(t));
    const initials = new Set(tokens.map((t) => t[0]));
    for (const { term, parts } of this.patterns) {
      const first = parts[0];
      if (!first) continue;
      if (!mayBeTypo && !initials.has(first.word[0])) continue;
      // a short whole word can only match itself: a set lookup settles most terms at once
      if (!first.prefix && fuzzyAllowed(first.word) === 0 && !present.has(first.word)) continue;
      for (let at = 0; at + parts.length <= tokens.length; at++) {
        if (parts.every((part, k) => partMatches(part, tokens[at + k]!, this.known))) {
          found.push({ term, at, length: parts.length });
          break;
        }
      }
    }
    return found;
  }

  first(tokens: readonly string[]): TermMatch | undefined {
    return this.matches(tokens)[0];
  }

  has(tokens: readonly string[]): boolean {
    return this.matches(tokens).length > 0;
  }
}
