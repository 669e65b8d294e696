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
  const format = cached(
    `d ${lang}`,
    () => new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  );
  return plainSpaces(format.format(d));
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
