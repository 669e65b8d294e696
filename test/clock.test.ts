import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDay, isoTimestamp } from '../src/core/clock.js';

describe('ISO timestamps', () => {
  it('are written as toISOString writes them, for any time', () => {
    const edges = [0, -1, 1, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, -8.64e15];
    for (const t of edges) {
      expect(isoTimestamp(new Date(t))).toBe(new Date(t).toISOString());
      expect(isoDay(new Date(t))).toBe(new Date(t).toISOString().slice(0, 10));
    }
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (t) => {
        expect(isoTimestamp(new Date(t))).toBe(new Date(t).toISOString());
        expect(isoDay(new Date(t))).toBe(new Date(t).toISOString().slice(0, 10));
      }),
      { numRuns: 20_000 },
    );
  });

  it('fail on an invalid date as toISOString does', () => {
    expect(() => isoTimestamp(new Date(NaN))).toThrow(RangeError);
  });
});
