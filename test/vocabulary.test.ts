import { distance } from 'fastest-levenshtein';
import { describe, expect, it } from 'vitest';
import { testBot } from './helpers/bot.js';
import { typoAllowance, Vocabulary } from '../src/core/understand/vocabulary.js';

const deletions = (w: string) => [...w].map((_, i) => w.slice(0, i) + w.slice(i + 1));

/**
 * neighbours() as the symmetric-delete search defines it, with a Map of every deletion's text:
 * the known words of five letters or more without digits under themselves and each deletion;
 * looked up under the text and then each of its deletions, those a letter or two away, each once.
 */
function neighboursByMap(words: readonly string[]): (text: string) => string[] {
  const index = new Map<string, string[]>();
  for (const w of words) {
    if (w.length < 5 || /\d/.test(w)) continue;
    for (const d of new Set([w, ...deletions(w)])) {
      const list = index.get(d);
      if (list) list.push(w);
      else index.set(d, [w]);
    }
  }
  return (text) => {
    const allowed = typoAllowance(text) || (text.length === 5 ? 1 : 0);
    if (allowed === 0) return [];
    const near = new Set<string>();
    for (const d of [text, ...deletions(text)]) {
      for (const w of index.get(d) ?? []) if (w !== text && Math.abs(w.length - text.length) <= allowed && distance(w, text) <= allowed) near.add(w);
    }
    return [...near];
  };
}

describe('the vocabulary', () => {
  const words = testBot().reader.vocabulary.state().words;
  const vocabulary = new Vocabulary(words);
  const byMap = neighboursByMap(words);

  it('finds the known words near a typo that a Map of every deletion finds, in the same order', () => {
    let seed = 11;
    const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    const letters = 'abcdefghijklmnopqrstuvwxyzæøå';
    let found = 0;
    for (const w of words.filter((_, i) => i % 7 === 0)) {
      const at = random(w.length);
      const letter = letters[random(letters.length)]!;
      for (const typo of [w, w.slice(0, at) + w.slice(at + 1), w.slice(0, at) + letter + w.slice(at), w.slice(0, at) + letter + w.slice(at + 1)]) {
        const near = vocabulary.neighbours(typo);
        expect(near, typo).toEqual(byMap(typo));
        found += near.length;
      }
    }
    expect(found).toBeGreaterThan(100);
  });

  it('mends a typo to the most frequent near word, a doubled letter and æ, ø, å too', () => {
    const typos = new Vocabulary(['kostnad', 'kostnad', 'kostnar', 'kaffeautomat', 'søknaden', 'utlevering', 'utlevere']);
    expect(typos.correct('kostnd')).toBe('kostnad');
    expect(typos.correct('kostnaf')).toBe('kostnad'); // "kostnar" is as near, and less frequent
    expect(typos.correct('kafeautomat')).toBe('kaffeautomat');
    expect(typos.correct('kaffeautomatt')).toBe('kaffeautomat');
    expect(typos.correct('soknaden')).toBe('søknaden');
    expect(typos.correct('utleveringg')).toBe('utlevering');
    expect(typos.correct('parkering')).toBe('parkering');
  });

  // who writes is said before the question: a professor is no data processor ("databehandler")
  it('keeps the words for the people who write as they are', () => {
    const words = testBot().reader.read('My professor, a statistician and an epidemiologist ask', new Date()).tokens;
    expect(words).toEqual(expect.arrayContaining(['professor', 'statistician', 'epidemiologist']));
  });

  it('reads two neighbouring letters swapped as one slip, in short words too, never the first letter', () => {
    const swaps = new Vocabulary(['registry', 'frist', 'what', 'who', 'registeret']);
    expect(swaps.correct('regsitry')).toBe('registry');
    expect(swaps.correct('frsit')).toBe('frist');
    expect(swaps.correct('waht')).toBe('what');
    expect(swaps.correct('hwo')).toBe('hwo'); // three letters: too short to tell
    expect(swaps.correct('rwhat')).toBe('rwhat');
  });
});
