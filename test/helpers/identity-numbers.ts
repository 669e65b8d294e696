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
