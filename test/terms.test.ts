import { describe, expect, it } from 'vitest';
import { TermDictionary } from '../src/core/understand/terms.js';

const words = (text: string) => text.toLowerCase().split(/\s+/);

describe('term lists', () => {
  const dictionary = new TermDictionary();
  const list = dictionary.list(['kommune*', '*planlegging*', '*styring', 'hvor mange pasient*']);
  const found = (text: string) => list.matches(dictionary.read(words(text))).map((m) => m.term);

  it('match a word, the start of a word, and runs of words', () => {
    expect(found('kommunen vil vite hvor mange pasienter')).toEqual(['kommune*', 'hvor mange pasient*']);
  });

  // the last part of a Norwegian compound says what it is: "helseplanlegging" is planning
  it('match the end of a word with a leading star, and any part of it with two', () => {
    expect(found('helseplanlegging')).toEqual(['*planlegging*']);
    expect(found('helseplanleggingen')).toEqual(['*planlegging*']);
    expect(found('økonomistyring')).toEqual(['*styring']);
    expect(found('økonomistyringa')).toEqual([]);
    expect(found('planlegging')).toEqual(['*planlegging*']);
    expect(found('plan')).toEqual([]);
  });
});
