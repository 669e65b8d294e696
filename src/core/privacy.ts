/**
 * Norwegian identity numbers: fødselsnummer, D-nummer, H-nummer and synthetic test numbers.
 * Eleven digits, the first six a birth date ddmmyy (day + 40 for a D-nummer, month + 40 for an
 * H-nummer, month + 80 for Skatteetaten's synthetic numbers), then three individual digits and two
 * mod-11 check digits (relaxed for numbers issued from 2032).
 *
 * How `redactIdentityNumbers` reads a text:
 *
 * 1. Chains. One precompiled regex finds each chain of digit groups joined by separators, and only
 *    chains holding at least eleven digits, so most messages cost one failed scan and nothing
 *    more. Separators: any whitespace (one or more spaces, NBSP, narrow NBSP, the other Unicode
 *    spaces, tabs, line breaks), zero-width characters (U+200B–U+200D, U+2060, U+FEFF, soft
 *    hyphen), hyphens, dashes and the minus sign, slashes, dots and underscores, in any mix
 *    ("010170 - 00027", "01.01.70 00027"). Commas, colons, "+" and letters end a chain.
 * 2. Windows. A window is a run of whole groups of a chain holding exactly eleven digits, with at
 *    most MAX_GAP separator characters between two groups: a number is written as a unit, so it
 *    starts and ends at group edges however it is split inside (11, 6+5, 2+2+2+5, 3+3+5, 4+2+5,
 *    one digit at a time...). Twelve or more digits written together (an order number) are never
 *    a window; a number standing next to other numbers ("5 01017000027 12") still is.
 * 3. Candidates. A window is a candidate when its first six digits can be a birth date (see
 *    isBirthDate), whatever its check digits: a mistyped number is as personal as a valid one.
 * 4. Read as something else first:
 *    - never in a window: a date with a four-digit year, d.m.yyyy, dd.mm.yyyy, d/m/yyyy, d-m-yyyy
 *      or yyyy-mm-dd (one separator, not joined by that separator to more digits, year
 *      1800–2199); a clock time h.mm/hh.mm right after such a date, after "kl"/"klokka", or after
 *      the minutes of a time written with a colon, and a time joined to it by a dash
 *      ("5.01.2027 11.00", "3.12.2026 10.30-11.00", "kl. 9.15", "10:00-11.30"); h.mm followed by
 *      ".dd" is no time ("3.12.2026 01.01.70 00027" is a date and a number); the minutes of a
 *      colon time ("10:30 ..."); the group right after "+" (a country code: "+47 22 33 44 55",
 *      "+12125550123").
 *    - in a window only when its check digits are valid: an amount in thousands groups (1–3 digits,
 *      then groups of three, one separator) marked by "kr"/"NOK"/a currency sign before the chain
 *      (then the whole chain must be the amount) or by ",-", ",90", "kr", "NOK" after it.
 *    The rest (years, ISO dates, case numbers "26/04417", phone numbers "22 33 44 55",
 *    "0047 22334455", amounts "1 100 000", account numbers "1234.56.78903") is left alone because
 *    it holds no candidate: too few digits, or no birth date at the start of an 11-digit window.
 *    An account number whose first six digits happen to be a birth date is redacted: the
 *    birth-date rule decides, since "0101 70 00027" is written the same way.
 * 5. Choice. Candidates are taken strongest first, then leftmost, skipping those that overlap one
 *    taken; strength is a usual written form (USUAL_FORMS), then valid check digits. A candidate
 *    left out is redacted as well, joined to the window it overlaps, unless that window is
 *    stronger: so "01.01.70 00027 12 timer" loses only the number, and when it is not clear which
 *    of two overlapping windows is the number, both go.
 * 6. Result. Each taken window counts as one redaction (and as an identity number when its check
 *    digits are valid); each redacted stretch of a chain becomes one REDACTED, and the separators
 *    between stretches stay ("01017000027 01017000035" gives two).
 *
 * Known limits: a number in an unusual grouping with digits on both sides may count as two
 * ("12 0 1 0 1 7 0 0 0 0 2 7 5 500"), though all of it goes; a number whose first four digits
 * look like a time right after a dated date ("3.12.2026 01.01 70 00027") is taken for the time;
 * digits other than ASCII 0-9 (full-width, Arabic-Indic) are not read here (normalising first
 * turns them into ASCII digits, and understand.ts redacts again after it).
 */

/** What replaces an identity number in everything the bot keeps, shows or sends. */
export const REDACTED = '[REDACTED]';

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

/** Weighted sums over 11 digits (codes 0-9), no allocation. */
function checkDigitsValid(d: ArrayLike<number>): boolean {
  let k1 = 0;
  let k2 = 0;
  for (let i = 0; i < 10; i++) k1 += K1_WEIGHTS[i]! * d[i]!;
  for (let i = 0; i < 11; i++) k2 += K2_WEIGHTS[i]! * d[i]!;
  return k1 % 11 <= 3 && k2 % 11 === 0;
}

/**
 * Check digits valid under today's rule (the first sum's remainder is 0) or the rule for numbers
 * issued from 2032 (remainder 0, 1, 2 or 3); the second check digit is unchanged.
 */
export function hasValidCheckDigits(number: string): boolean {
  if (!/^\d{11}$/.test(number)) return false;
  return checkDigitsValid([...number].map(Number));
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * ddmmyy (as numbers) can be a birth date: day + 40 (D-nummer), month + 40 (H-nummer) or month + 80
 * (synthetic), in any combination. The century is not in the first six digits, so 29 February is
 * allowed in every year divisible by four (00 included).
 */
function isBirthDate(day: number, month: number, year: number): boolean {
  if (day > 40) day -= 40;
  if (month > 80) month -= 80;
  else if (month > 40) month -= 40;
  if (day < 1 || month < 1 || month > 12) return false;
  if (month === 2 && day === 29) return year % 4 === 0;
  return day <= DAYS_IN_MONTH[month - 1]!;
}

/** The first six digits form a birth date, allowing the D-nummer, H-nummer and synthetic offsets. */
export function hasBirthDate(number: string): boolean {
  if (!/^\d{6}/.test(number)) return false;
  return isBirthDate(Number(number.slice(0, 2)), Number(number.slice(2, 4)), Number(number.slice(4, 6)));
}

export function isIdentityNumber(number: string): boolean {
  return /^\d{11}$/.test(number) && hasBirthDate(number) && hasValidCheckDigits(number);
}

/** Characters that may stand between the digits of one number (step 1). */
const SEPARATOR = '[\\s\\u00AD\\u180E\\u200B-\\u200D\\u2060\\-\\u2010-\\u2015\\u2212\\uFE58\\uFE63\\uFF0D/\\u2044\\u2215\\uFF0F.\\u00B7\\u2024\\u2027\\uFF0E_\\uFF3F]';
/** Longest run of separators inside a number ("010170  –  00027"); checked per window, not in the regex. */
const MAX_GAP = 8;
/**
 * A chain of digit groups with at least eleven digits, from its first digit to its last. The
 * lookbehind keeps the regex from retrying inside a run of digits, and an unbounded separator run
 * is much cheaper for V8 than a counted one (about 1.5 µs instead of 2.5 µs on a 300-character
 * message full of numbers); lookaheads that count digits are slower still.
 */
const CHAIN = new RegExp(`(?<!\\d)\\d(?:${SEPARATOR}*\\d){10,}`, 'g');

// Scratch space for one chain, reused across calls (the function is synchronous, so never shared).
let capacity = 0;
let groupStart = new Int32Array(0);
let groupEnd = new Int32Array(0);
/** FREE, SOFT or HARD (step 4). */
let guard = new Uint8Array(0);
/** Last group of the candidate window starting at a group, or -1. */
let windowLast = new Int32Array(0);
/** 0: no candidate, else 1-4, how strong the candidate is (see findWindows); + TAKEN_FLAG once taken. */
let windowTier = new Uint8Array(0);
/** 0: kept, 1-4: in a taken window of that tier, JOINED: in a candidate left out but redacted. */
let mark = new Uint8Array(0);
/** 1 where groups k and k+1 lie in one redacted window, so one REDACTED covers both. */
let joined = new Uint8Array(0);
const digits = new Uint8Array(11);

const FREE = 0;
const SOFT = 1;
const HARD = 2;
const JOINED = 8;
const TAKEN_FLAG = 8;

function ensureCapacity(groups: number) {
  if (groups <= capacity) return;
  capacity = Math.max(groups, capacity * 2, 32);
  groupStart = new Int32Array(capacity);
  groupEnd = new Int32Array(capacity);
  guard = new Uint8Array(capacity);
  windowLast = new Int32Array(capacity);
  windowTier = new Uint8Array(capacity);
  mark = new Uint8Array(capacity);
  joined = new Uint8Array(capacity);
}
ensureCapacity(32);

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Splits text[from, to) (a chain) into digit groups; returns how many. */
function splitGroups(text: string, from: number, to: number): number {
  let n = 0;
  let i = from;
  while (i < to) {
    while (i < to && !isDigit(text.charCodeAt(i))) i++;
    if (i >= to) break;
    const start = i;
    while (i < to && isDigit(text.charCodeAt(i))) i++;
    if (n === capacity) {
      // a chain of more groups than ever before: grow, keeping the groups found so far
      const starts = groupStart;
      const ends = groupEnd;
      ensureCapacity(n + 1);
      groupStart.set(starts);
      groupEnd.set(ends);
    }
    groupStart[n] = start;
    groupEnd[n] = i;
    n++;
  }
  return n;
}

const lengthOf = (k: number) => groupEnd[k]! - groupStart[k]!;

function valueOf(text: string, k: number): number {
  let v = 0;
  for (let i = groupStart[k]!; i < groupEnd[k]!; i++) v = v * 10 + text.charCodeAt(i) - 48;
  return v;
}

/** The separator between groups k and k+1 when it is a single character, else -1. */
function gapChar(text: string, k: number): number {
  return groupStart[k + 1]! - groupEnd[k]! === 1 ? text.charCodeAt(groupEnd[k]!) : -1;
}

const DOT = 46;
const isDateSeparator = (c: number) => c === DOT || c === 47 /* / */ || c === 45 /* - */ || c === 0x2010 || c === 0x2011 || c === 0x2013;
const isThousandsSeparator = (c: number) => c === 32 || c === DOT || c === 0xa0 || c === 0x202f || c === 0x2009;
const plausibleYear = (y: number) => y >= 1800 && y <= 2199;

/** Groups k, k+1, k+2 are a date with a four-digit year: d.m.yyyy (or / -), or yyyy-mm-dd. */
function isFullDate(text: string, k: number, n: number): boolean {
  if (k + 2 >= n) return false;
  const sep = gapChar(text, k);
  if (!isDateSeparator(sep) || gapChar(text, k + 1) !== sep) return false;
  // a date stands alone: not joined by its own separator to more digits ("010/17/04/1890")
  if ((k > 0 && gapChar(text, k - 1) === sep) || (k + 3 < n && gapChar(text, k + 2) === sep)) return false;
  const a = lengthOf(k);
  const b = lengthOf(k + 1);
  const c = lengthOf(k + 2);
  if (a <= 2 && b <= 2 && c === 4) {
    const day = valueOf(text, k);
    const month = valueOf(text, k + 1);
    return day >= 1 && day <= 31 && month >= 1 && month <= 12 && plausibleYear(valueOf(text, k + 2));
  }
  if (a === 4 && b === 2 && c === 2) {
    const month = valueOf(text, k + 1);
    const day = valueOf(text, k + 2);
    return plausibleYear(valueOf(text, k)) && month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }
  return false;
}

/** Groups k, k+1 are a clock time h.mm or hh.mm, not the start of a dd.mm.yy date. */
function isClockTime(text: string, k: number, n: number): boolean {
  if (k + 1 >= n || lengthOf(k) > 2 || lengthOf(k + 1) !== 2 || gapChar(text, k) !== DOT) return false;
  if (k + 2 < n && gapChar(text, k + 1) === DOT) return false;
  return valueOf(text, k) <= 24 && valueOf(text, k + 1) <= 59;
}

/** Step 4: dates with four-digit years and the clock times after them. */
function guardDatesAndTimes(text: string, n: number) {
  for (let k = 0; k + 2 < n; ) {
    if (!isFullDate(text, k, n)) {
      k++;
      continue;
    }
    guard[k] = guard[k + 1] = guard[k + 2] = HARD;
    k += 3;
    if (isClockTime(text, k, n)) k = guardTimes(text, k, n);
  }
}

/** Guards the clock time at group k and the times of a range after it ("10.30-11.00"); returns the group after them. */
function guardTimes(text: string, k: number, n: number): number {
  do {
    guard[k] = guard[k + 1] = HARD;
    k += 2;
  } while (k > 0 && k < n && dashBetween(text, k - 1) && isClockTime(text, k, n));
  return k;
}

/** The gap between groups k and k+1 holds a dash ("10.30 - 11.00", "10.30–11.00"). */
function dashBetween(text: string, k: number): boolean {
  for (let i = groupEnd[k]!; i < groupStart[k + 1]!; i++) {
    const c = text.charCodeAt(i);
    if (c === 45 || (c >= 0x2010 && c <= 0x2015) || c === 0x2212) return true;
  }
  return false;
}

const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f);
const isSpace = (c: number) => c === 32 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 9;

/** "kr", "kr.", "kr:", "NOK" or a currency sign just before `at` (spaces skipped). */
function amountBefore(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  if (i >= 0 && (text.charCodeAt(i) === DOT || text.charCodeAt(i) === 58)) i--;
  if (i < 0) return false;
  const c = text.charCodeAt(i);
  if (c === 36 || c === 0x20ac || c === 0xa3) return true; // $ € £
  return wordEndsAt(text, i, 'kr') || wordEndsAt(text, i, 'nok');
}

/** ",-", ",90", "kr", "NOK" or "kroner" just after `at` (spaces skipped before a word). */
function amountAfter(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c === 44 /* , */) {
    const d = text.charCodeAt(at + 1);
    return isDigit(d) || d === 45 || d === 0x2013;
  }
  let i = at;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  // "kr", "kr.", "kroner"; "NOK" as a word; but not "kr 5 500" after the chain: that marks the next amount
  let end: number;
  if (lower(text.charCodeAt(i)) === 107 && lower(text.charCodeAt(i + 1)) === 114) end = i + 2;
  else if (lower(text.charCodeAt(i)) === 110 && lower(text.charCodeAt(i + 1)) === 111 && lower(text.charCodeAt(i + 2)) === 107 && !isLetter(text.charCodeAt(i + 3))) end = i + 3;
  else return false;
  while (end < text.length && (isLetter(text.charCodeAt(end)) || isSpace(text.charCodeAt(end)) || text.charCodeAt(end) === DOT)) end++;
  return !isDigit(text.charCodeAt(end));
}

/** "kl", "kl.", "klokka", "klokken" just before `at` (spaces skipped). */
function clockBefore(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  if (i >= 0 && text.charCodeAt(i) === DOT) i--;
  return wordEndsAt(text, i, 'kl') || wordEndsAt(text, i, 'klokka') || wordEndsAt(text, i, 'klokken');
}

/** The word `w` (lower case) ends at index `i`, with no letter before it. */
function wordEndsAt(text: string, i: number, w: string): boolean {
  const start = i - w.length + 1;
  if (start < 0 || (start > 0 && isLetter(text.charCodeAt(start - 1)))) return false;
  for (let j = 0; j < w.length; j++) if (lower(text.charCodeAt(start + j)) !== w.charCodeAt(j)) return false;
  return true;
}

/**
 * Step 4: a country code after "+"; the minutes of a time written with a colon ("10:30 ...",
 * the colon ends a chain); a time after "kl"; amounts marked as such.
 */
function guardByContext(text: string, from: number, to: number, n: number) {
  const before = from > 0 ? text.charCodeAt(from - 1) : 0;
  if (before === 43 /* + */) guard[0] = HARD;
  if (before === 58 /* : */ && from > 1 && isDigit(text.charCodeAt(from - 2))) {
    guard[0] = HARD; // and the time of a range after it: "10:00-11.30"
    if (n > 1 && dashBetween(text, 0) && isClockTime(text, 1, n)) guardTimes(text, 1, n);
  }
  if (clockBefore(text, from) && isClockTime(text, 0, n)) guardTimes(text, 0, n);
  if (amountBefore(text, from)) {
    let whole = lengthOf(0) <= 3;
    const sep = n > 1 ? gapChar(text, 0) : -1;
    for (let k = 1; whole && k < n; k++) whole = lengthOf(k) === 3 && isThousandsSeparator(sep) && gapChar(text, k - 1) === sep;
    if (whole) for (let k = 0; k < n; k++) guard[k] = Math.max(guard[k]!, SOFT);
  }
  if (amountAfter(text, to)) {
    let k = n - 1;
    if (lengthOf(k) > 3) return;
    let sep = -1;
    while (k > 0 && lengthOf(k) === 3 && lengthOf(k - 1) <= 3) {
      const s = gapChar(text, k - 1);
      if (!isThousandsSeparator(s) || (sep !== -1 && s !== sep)) break;
      sep = s;
      k--;
    }
    if (k === n - 1) return; // a lone group of 1-3 digits is no amount worth guarding
    for (let j = k; j < n; j++) guard[j] = Math.max(guard[j]!, SOFT);
  }
}

/**
 * The usual written forms, as the set of digit counts after which they split a number (bit i:
 * a split after i digits): 11, 6+5, 2+2+2+5, 3+3+5, 4+2+5, 2+4+5, 6+3+2, 2+2+7.
 */
const bits = (...at: number[]) => at.reduce((m, i) => m | (1 << i), 0);
const USUAL_FORMS = new Set([bits(), bits(6), bits(2, 4, 6), bits(3, 6), bits(4, 6), bits(2, 6), bits(6, 9), bits(2, 4)]);

/**
 * Steps 2-3: the candidate window starting at each group, and how strong it is: 1 + (check digits
 * valid ? 1 : 0) + (written in a usual form ? 2 : 0), so 1 to 4; 0 for none.
 */
function findWindows(text: string, n: number) {
  for (let k = 0; k < n; k++) {
    windowLast[k] = -1;
    windowTier[k] = 0;
    let sum = 0;
    let last = k;
    let soft = false;
    let splits = 0;
    for (; last < n && sum < 11; last++) {
      if (guard[last] === HARD || (last > k && groupStart[last]! - groupEnd[last - 1]! > MAX_GAP)) break;
      if (guard[last] === SOFT) soft = true;
      if (sum > 0) splits |= 1 << sum;
      sum += lengthOf(last);
    }
    if (sum !== 11) continue;
    last--;
    let d = 0;
    for (let i = groupStart[k]!; d < 11; i++) {
      const c = text.charCodeAt(i);
      if (isDigit(c)) digits[d++] = c - 48;
    }
    if (!isBirthDate(digits[0]! * 10 + digits[1]!, digits[2]! * 10 + digits[3]!, digits[4]! * 10 + digits[5]!)) continue;
    const valid = checkDigitsValid(digits);
    if (soft && !valid) continue;
    windowLast[k] = last;
    windowTier[k] = 1 + (valid ? 1 : 0) + (USUAL_FORMS.has(splits) ? 2 : 0);
  }
}

/** Step 5: marks the groups to redact and counts the windows taken (and the valid ones in `takenValid`). */
let takenValid = 0;
function chooseWindows(n: number): number {
  mark.fill(0, 0, n);
  joined.fill(0, 0, n);
  let taken = 0;
  takenValid = 0;
  // strongest first, leftmost first within a tier
  for (let tier = 4; tier >= 1; tier--) {
    for (let k = 0; k < n; k++) {
      if (windowTier[k] !== tier) continue;
      let free = true;
      for (let j = k; j <= windowLast[k]! && free; j++) free = mark[j] === 0;
      if (!free) continue;
      windowTier[k] = tier + TAKEN_FLAG;
      for (let j = k; j <= windowLast[k]!; j++) {
        mark[j] = tier;
        if (j < windowLast[k]!) joined[j] = 1;
      }
      taken++;
      if (tier % 2 === 0) takenValid++; // valid check digits
    }
  }
  // the candidates left out are redacted too, joined to what they overlap, unless a stronger
  // window explains them ("01.01.70 00027 12 timer": only the number goes)
  for (let k = 0; k < n; k++) {
    const tier = windowTier[k]!;
    if (tier === 0 || tier > TAKEN_FLAG) continue;
    let strongest = 0;
    for (let j = k; j <= windowLast[k]!; j++) if (mark[j] !== JOINED && mark[j]! > strongest) strongest = mark[j]!;
    if (strongest > tier) continue;
    for (let j = k; j <= windowLast[k]!; j++) {
      if (mark[j] === 0) mark[j] = JOINED;
      if (j < windowLast[k]!) joined[j] = 1;
    }
  }
  return taken;
}

/**
 * Replaces every identity number (see the rules at the top of this file). `redactions` counts the
 * numbers removed, `identityNumbers` those of them with valid check digits.
 */
export function redactIdentityNumbers(text: string): { text: string; redactions: number; identityNumbers: number } {
  CHAIN.lastIndex = 0;
  let match = CHAIN.exec(text);
  if (match === null) return { text, redactions: 0, identityNumbers: 0 };
  let out = '';
  let copied = 0;
  let redactions = 0;
  let identityNumbers = 0;
  do {
    const from = match.index;
    const to = from + match[0].length;
    const n = splitGroups(text, from, to);
    guard.fill(FREE, 0, n);
    guardDatesAndTimes(text, n);
    guardByContext(text, from, to, n);
    findWindows(text, n);
    redactions += chooseWindows(n);
    identityNumbers += takenValid;
    for (let k = 0; k < n; k++) {
      if (mark[k] === 0) continue;
      let last = k;
      while (joined[last] === 1 && last + 1 < n) last++;
      out += text.slice(copied, groupStart[k]!) + REDACTED;
      copied = groupEnd[last]!;
      k = last;
    }
    match = CHAIN.exec(text);
  } while (match !== null);
  if (copied === 0) return { text, redactions, identityNumbers };
  return { text: out + text.slice(copied), redactions, identityNumbers };
}
