/**
 * Norwegian identity numbers (fødselsnummer, D-nummer, H-nummer): 11 digits, the first six a
 * date (day + 40 for D-nummer, month + 40 for H-nummer), the last two mod-11 check digits.
 */

/** What replaces an identity number in everything the bot keeps, shows or sends. */
export const REDACTED = '[REDACTED]';

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

const weightedSum = (digits: number[], weights: number[]) => weights.reduce((sum, w, i) => sum + w * digits[i]!, 0);

/**
 * Check digits valid under today's rule (the first sum's remainder is 0) or the rule for numbers
 * issued from 2032 (remainder 0, 1, 2 or 3); the second check digit is unchanged.
 */
export function hasValidCheckDigits(number: string): boolean {
  if (!/^\d{11}$/.test(number)) return false;
  const digits = [...number].map(Number);
  return weightedSum(digits, K1_WEIGHTS) % 11 <= 3 && weightedSum(digits, K2_WEIGHTS) % 11 === 0;
}

/** The first six digits form a birth date, allowing the D-nummer and H-nummer offsets. */
export function hasBirthDate(number: string): boolean {
  let day = Number(number.slice(0, 2));
  let month = Number(number.slice(2, 4));
  if (day > 40) day -= 40; // D-nummer
  if (month > 40) month -= 40; // H-nummer
  const year = 2000 + Number(number.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  return month >= 1 && month <= 12 && date.getUTCDate() === day;
}

export function isIdentityNumber(number: string): boolean {
  return hasBirthDate(number) && hasValidCheckDigits(number);
}

/**
 * Eleven digits, possibly grouped by single spaces, dots or hyphens ("010190 12345",
 * "010190.12345"), and not part of a longer run of digits.
 */
const ELEVEN_DIGITS = /(?<!\d[ .-]?)\d(?:[ .-]?\d){10}(?![ .-]?\d)/g;

/**
 * Replaces every run of eleven digits. Any such run is treated as a possible identity number,
 * since a mistyped one is as personal as a valid one; `identityNumbers` counts those that pass
 * the check-digit rule.
 */
export function redactIdentityNumbers(text: string): { text: string; redactions: number; identityNumbers: number } {
  let redactions = 0;
  let identityNumbers = 0;
  const redacted = text.replace(ELEVEN_DIGITS, (match) => {
    redactions++;
    if (isIdentityNumber(match.replace(/\D/g, ''))) identityNumbers++;
    return REDACTED;
  });
  return { text: redacted, redactions, identityNumbers };
}
