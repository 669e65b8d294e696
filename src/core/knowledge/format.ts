import type { Lang } from '../types.js';
import type { Lexicon } from '../lexicon.js';

/** A value a template can show: a fact or a rule's result. */
export type Value = number | string | Date;

const LOCALES: Record<Lang, string> = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };

/** Plain spaces, so that "5 500" reads and matches the same everywhere. */
const plainSpaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** Intl formatters are costly to make and safe to reuse. */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make()));
  return f as T;
}

/**
 * Formatted figures, kept by kind (what, in which language, how) and value: the same few prices
 * and dates come back all the time. Values are keys as they are, so that no key text is built.
 */
const formatted = new Map<string, Map<number | string, string>>();
let formattedCount = 0;
function remembered(kind: string, value: number | string, make: () => string): string {
  let byValue = formatted.get(kind);
  if (!byValue) formatted.set(kind, (byValue = new Map()));
  let text = byValue.get(value);
  if (text === undefined) {
    if (formattedCount > 10_000) {
      for (const values of formatted.values()) values.clear();
      formattedCount = 0;
    }
    byValue.set(value, (text = make()));
    formattedCount++;
  }
  return text;
}

export function formatNumber(n: number, lang: Lang, fractionDigits?: number): string {
  return remembered(`n${lang}${fractionDigits}`, n, () => formatNumberUncached(n, lang, fractionDigits));
}

function formatNumberUncached(n: number, lang: Lang, fractionDigits?: number): string {
  const options: Intl.NumberFormatOptions =
    fractionDigits === undefined
      ? { maximumFractionDigits: 2 }
      : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits };
  return plainSpaces(cached(`n ${lang} ${fractionDigits}`, () => new Intl.NumberFormat(LOCALES[lang], options)).format(n));
}

export function formatNok(n: number, lang: Lang): string {
  const amount = formatNumber(n, lang, Number.isInteger(n) ? 0 : 2);
  return lang === 'en' ? `NOK ${amount}` : `${amount} kr`;
}

/** A date as a user reads it: "søndag 2. mai 2027", "Sunday, 2 May 2027". */
export function formatDate(d: Date, lang: Lang): string {
  return remembered(`d${lang}`, d.getTime(), () => formatDateUncached(d, lang));
}

function formatDateUncached(d: Date, lang: Lang): string {
  const kept = longDates?.[lang];
  return plainSpaces(kept ? longDate(kept, d) : longDateFormat(lang).format(d));
}

const longDateFormat = (lang: Lang) =>
  cached(`d ${lang}`, () => new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }));

/**
 * How ICU writes a long date in one language, taken apart: its text between the fields, and its
 * weekday and month names. A date pattern has no text that depends on the date, so putting a
 * date's fields into it gives what ICU gives. Kept in the start-up cache, whose key holds ICU's
 * version: making ICU's date format costs the first answer with a date some 10-25 ms.
 */
export interface LongDateParts {
  /** The pattern's parts in order: text as it is, or the field that goes there. */
  pattern: (string | { field: 'weekday' | 'day' | 'month' | 'year' })[];
  /** Sunday first, as getUTCDay counts. */
  weekdays: string[];
  /** January first. */
  months: string[];
}
/** Per language; a language whose format has other fields, or other digits, is not taken apart. */
export type LongDates = Partial<Record<Lang, LongDateParts>>;

let longDates: LongDates | undefined;

/** The long dates of every language, taken apart from ICU's formats (for the start-up cache). */
export function longDateParts(): LongDates {
  const parts = (lang: Lang): LongDateParts | undefined => {
    const format = longDateFormat(lang);
    const pattern: LongDateParts['pattern'] = [];
    for (const { type, value } of format.formatToParts(new Date(Date.UTC(2027, 4, 2)))) {
      if (type === 'literal') pattern.push(value);
      // the day and the year only in the digits fill writes
      else if (type === 'weekday' || type === 'month' || (type === 'day' && value === '2') || (type === 'year' && value === '2027')) pattern.push({ field: type });
      else return undefined;
    }
    const field = (d: Date, type: 'weekday' | 'month') => format.formatToParts(d).find((p) => p.type === type)?.value ?? '';
    return {
      pattern,
      // 2 January 2000 was a Sunday
      weekdays: Array.from({ length: 7 }, (_, d) => field(new Date(Date.UTC(2000, 0, 2 + d)), 'weekday')),
      months: Array.from({ length: 12 }, (_, m) => field(new Date(Date.UTC(2000, m, 1)), 'month')),
    };
  };
  const out: LongDates = {};
  for (const lang of ['nb', 'nn', 'en'] as const) {
    const kept = parts(lang);
    if (kept) out[lang] = kept;
  }
  return out;
}

/** Takes the long dates as ICU wrote them when the start-up cache was made. */
export function useLongDateParts(kept: LongDates): void {
  longDates ??= kept;
}

/** A day written in the pattern of `parts`: as the format they were taken from writes it. */
export function longDate(parts: LongDateParts, d: Date): string {
  let text = '';
  for (const part of parts.pattern) {
    if (typeof part === 'string') text += part;
    else if (part.field === 'weekday') text += parts.weekdays[d.getUTCDay()];
    else if (part.field === 'day') text += d.getUTCDate();
    else if (part.field === 'month') text += parts.months[d.getUTCMonth()];
    else text += d.getUTCFullYear();
  }
  return text;
}

/** The day a source was checked, short: "25.11.2026", "25 Nov 2026". */
export function formatCheckedDate(isoDay: string, lang: Lang): string {
  return remembered(`c${lang}`, isoDay, () =>
    plainSpaces(
      cached(`c ${lang}`, () =>
        new Intl.DateTimeFormat(LOCALES[lang], lang === 'en' ? { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' } : { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }),
      ).format(new Date(`${isoDay}T00:00:00Z`)),
    ),
  );
}

export function formatWords(n: number, lang: Lang, lexicon: Lexicon): string {
  const word = Object.entries(lexicon.numberWords[lang]).find(([, v]) => v === n)?.[0];
  return word ?? formatNumber(n, lang);
}

export function formatHours(n: number, lang: Lang, lexicon: Lexicon): string {
  const [one, many] = lexicon.hourNames[lang];
  return `${formatNumber(n, lang)} ${n === 1 ? one : many}`;
}

export const FORMATS = ['number', 'nok', 'words', 'hours', 'date'] as const;
export type Format = (typeof FORMATS)[number];

export function formatValue(value: Value, format: string | undefined, lang: Lang, lexicon: Lexicon): string {
  if (value instanceof Date) return formatDate(value, lang);
  if (typeof value === 'string') return value;
  switch (format) {
    case 'nok':
      return formatNok(value, lang);
    case 'words':
      return formatWords(value, lang, lexicon);
    case 'hours':
      return formatHours(value, lang, lexicon);
    default:
      return formatNumber(value, lang);
  }
}
