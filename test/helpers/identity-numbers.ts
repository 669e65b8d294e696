/** Builds identity numbers with valid check digits, so tests never need a real person's number. */
const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

const check = (digits: number[], weights: number[], remainder = 0) => {
  const sum = weights.reduce((s, w, i) => s + w * digits[i]!, 0);
  const k = (11 + remainder - (sum % 11)) % 11;
  return k;
};

/**
 * `birth` is ddmmyy (add 40 to the day for a D-nummer, 40 to the month for an H-nummer).
 * `k1Remainder` 1-3 gives a number valid only under the rule for numbers issued from 2032.
 * Returns undefined when that individual number has no valid check digits.
 */
export function makeIdentityNumber(birth: string, individual: string, k1Remainder = 0): string | undefined {
  const digits = [...(birth + individual)].map(Number);
  const k1 = check(digits, K1, k1Remainder);
  if (k1 === 10) return undefined;
  const k2 = check([...digits, k1], K2);
  if (k2 === 10) return undefined;
  return `${birth}${individual}${k1}${k2}`;
}

/** The first valid numbers for a birth date, trying individual numbers upwards from `start`. */
export function identityNumbers(birth: string, count: number, k1Remainder = 0, start = 100): string[] {
  const found: string[] = [];
  for (let i = start; i < 1000 && found.length < count; i++) {
    const n = makeIdentityNumber(birth, String(i).padStart(3, '0'), k1Remainder);
    if (n) found.push(n);
  }
  return found;
}

/** The kinds of identity number: the offsets they add to the day and month of the birth date. */
export const NUMBER_KINDS = {
  fødselsnummer: { day: 0, month: 0 },
  'D-nummer': { day: 40, month: 0 },
  'H-nummer': { day: 0, month: 40 },
  syntetisk: { day: 0, month: 80 }, // Skatteetaten's synthetic test numbers
  'syntetisk D-nummer': { day: 40, month: 80 },
} as const;
export type NumberKind = keyof typeof NUMBER_KINDS;

/** How the check digits are made: valid today, valid only under the 2032 rule, or mistyped. */
export type CheckRule = 'valid' | '2032' | 'invalid';

const two = (n: number) => String(n).padStart(2, '0');

/** ddmmyy for a real calendar date, with the offsets of `kind`. */
export function birthDigits(date: Date, kind: NumberKind): string {
  const { day, month } = NUMBER_KINDS[kind];
  return two(date.getUTCDate() + day) + two(date.getUTCMonth() + 1 + month) + two(date.getUTCFullYear() % 100);
}

const K1_FULL = [...K1, 1];
const K2_FULL = [...K2, 1];
/** Check digits valid today or under the 2032 rule (the same test as the code under test, written again). */
export function validCheckDigits(n: string): boolean {
  const d = [...n].map(Number);
  const sum = (w: number[]) => w.reduce((s, x, i) => s + x * d[i]!, 0);
  return sum(K1_FULL) % 11 <= 3 && sum(K2_FULL) % 11 === 0;
}

/**
 * An identity number for `birth` (ddmmyy) whose check digits follow `rule`, with the individual
 * number `individual` (0-999) or the next one that has such check digits.
 */
export function numberWithChecks(birth: string, individual: number, rule: CheckRule): string {
  for (let i = 0; i < 1000; i++) {
    const ind = String((individual + i) % 1000).padStart(3, '0');
    if (rule === 'invalid') {
      // a mistyped number: the first check-digit pair from the individual number on that fails
      for (let k = 0; k < 100; k++) {
        const n = birth + ind + two((individual + k) % 100);
        if (!validCheckDigits(n)) return n;
      }
      continue;
    }
    const n = makeIdentityNumber(birth, ind, rule === 'valid' ? 0 : 1 + ((individual + i) % 3));
    if (n) return n;
  }
  throw new Error(`no number for ${birth}`);
}

/** Separators between the digits of a number, as people and programs write them. */
export const SEPARATORS = {
  space: ' ',
  spaces: '   ',
  nbsp: '\u00a0',
  narrowNbsp: '\u202f',
  thinSpace: '\u2009',
  enSpace: '\u2002',
  figureSpace: '\u2007',
  ideographicSpace: '\u3000',
  tab: '\t',
  hyphen: '-',
  enDash: '\u2013',
  emDash: '\u2014',
  minus: '\u2212',
  nonBreakingHyphen: '\u2011',
  slash: '/',
  dot: '.',
  underscore: '_',
  zwsp: '\u200b',
  zwnj: '\u200c',
  zwj: '\u200d',
  wordJoiner: '\u2060',
  bom: '\ufeff',
  softHyphen: '\u00ad',
  spacedHyphen: ' - ',
  spacedEnDash: ' \u2013 ',
  spacedEmDash: ' \u2014 ',
  spacedSlash: ' / ',
  nbspEnDash: '\u00a0\u2013\u00a0',
  dotSpace: '. ',
  spaceZwsp: ' \u200b',
} as const;

/** Writes `n` in groups of the given sizes, `separators[i]` after group i (the last one repeats). */
export function writeNumber(n: string, groups: readonly number[], separators: readonly string[]): string {
  let out = '';
  let at = 0;
  groups.forEach((size, i) => {
    if (i > 0) out += separators[Math.min(i - 1, separators.length - 1)] ?? '';
    out += n.slice(at, at + size);
    at += size;
  });
  if (at !== n.length) throw new Error(`groups ${groups.join('+')} do not cover ${n}`);
  return out;
}

const NOT_ALPHANUMERIC = /[^\p{L}\p{N}]+/gu;

/** Whether 11 digits of `n` still stand in order in `text` with only non-alphanumerics between them. */
export function numberSurvives(text: string, n: string): boolean {
  return text.replace(NOT_ALPHANUMERIC, '').includes(n);
}
