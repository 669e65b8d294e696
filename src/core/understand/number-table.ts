/**
 * Whole numbers → whole numbers, in one typed array with each key beside its value (open
 * addressing): a lookup reads a cache line or two and makes nothing, where a Map walks from a
 * bucket to an entry. For what is looked up for every two words of every question: the word
 * pairs training saw (classifier.ts), the terms of several words (terms.ts).
 */
export class NumberTable {
  /** Key, value, key, value, …; an empty slot's key is NaN. */
  private readonly slots: Float64Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(entries: readonly (readonly [number, number])[]) {
    let bits = 1;
    while (1 << bits < entries.length * 2) bits++;
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.slots = new Float64Array(2 << bits).fill(NaN);
    for (const [key, value] of entries) {
      let i = this.slot(key);
      while (!Number.isNaN(this.slots[2 * i]!)) i = (i + 1) & this.mask;
      this.slots[2 * i] = key;
      this.slots[2 * i + 1] = value;
    }
  }

  /** Fibonacci hashing of the key's low 32 bits. */
  private slot(key: number): number {
    return Math.imul(key >>> 0, 0x9e3779b1) >>> this.shift;
  }

  /** The value of a key, or -1. */
  get(key: number): number {
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const found = this.slots[2 * i]!;
      if (found === key) return this.slots[2 * i + 1]!;
      if (found !== found) return -1; // NaN: an empty slot
    }
  }
}
