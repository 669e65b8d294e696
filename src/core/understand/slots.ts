import type { Lexicon } from '../lexicon.js';
import { tokenize } from './normalise.js';

/** A calendar date, held as midnight UTC so that adding days never meets a clock change. */
export type Day = Date;

export function utcDay(year: number, month: number, day: number): Day | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : undefined;
}

export function addDays(day: Day, days: number): Day {
  return new Date(day.getTime() + days * 86_400_000);
}

export function today(now: Date): Day {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternation = (words: readonly string[]) =>
  [...words].sort((a, b) => b.length - a.length).map(escape).join('|');
const phraseRegex = (phrase: string) => new RegExp(`(?<![\\p{L}\\p{N}])${escape(phrase).replace(/ /g, '\\s+')}(?![\\p{L}\\p{N}])`, 'iu');

/** Month names as ICU writes them, long and short, in every language the bot reads. */
function monthNames(): Map<string, number> {
  const names = new Map<string, number>();
  for (const locale of ['nb', 'nn', 'en-GB', 'en-US']) {
    for (const month of ['long', 'short'] as const) {
      const format = new Intl.DateTimeFormat(locale, { month, timeZone: 'UTC' });
      for (let m = 0; m < 12; m++) {
        names.set(format.format(new Date(Date.UTC(2000, m, 1))).toLowerCase().replace(/\.$/, ''), m + 1);
      }
    }
  }
  return names;
}

/** Reads the figures a question gives: an amount of hours and a date. */
export class SlotReader {
  private readonly months = monthNames();
  private readonly numberWords: Map<string, number>;
  private readonly hourPhrases: { regex: RegExp; hours: number }[];
  private readonly relativeDays: { regex: RegExp; days: number }[];
  private readonly hoursAfterNumber: RegExp;
  private readonly hoursAfterWord: RegExp;
  private readonly minutesAfterNumber = /(?<![\p{N},.])(\d+)\s*(?:min|minutt|minutter|minutes|minute|mins)(?![\p{L}])/iu;
  private readonly dayMonth: RegExp;
  private readonly monthDay: RegExp;

  constructor(lexicon: Lexicon) {
    this.numberWords = new Map(
      Object.values(lexicon.numberWords).flatMap((words) => Object.entries(words).map(([w, n]) => [w.toLowerCase(), n] as const)),
    );
    this.hourPhrases = lexicon.hourPhrases.map((p) => ({ regex: phraseRegex(p.phrase), hours: p.hours }));
    this.relativeDays = lexicon.relativeDays.map((p) => ({ regex: phraseRegex(p.phrase), days: p.days }));
    const units = alternation(lexicon.hourUnits);
    const half = `(?:\\s+(${alternation(lexicon.halfWords).replace(/ /g, '\\s+')}))?`;
    this.hoursAfterNumber = new RegExp(`(?<![\\p{N},.])(\\d+(?:[.,]\\d+)?)${half}\\s*-?\\s*(?:${units})(?![\\p{L}])`, 'iu');
    this.hoursAfterWord = new RegExp(
      `(?<![\\p{L}])(${alternation([...this.numberWords.keys()])})${half}\\s+(?:${units})(?![\\p{L}])`,
      'iu',
    );
    const months = alternation([...this.months.keys()]);
    this.dayMonth = new RegExp(
      `(?<![\\p{N}])(\\d{1,2})(?:\\.|st|nd|rd|th)?\\s+(?:of\\s+)?(${months})\\.?(?:,?\\s+(\\d{4}))?(?![\\p{L}])`,
      'iu',
    );
    this.monthDay = new RegExp(`(?<![\\p{L}])(${months})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?(?![\\p{L}\\p{N}])`, 'iu');
  }

  /**
   * Hours of work named in the text: "5 timer", "3,5 t", "halvannen time", "twelve hours".
   * Where several readings overlap ("half an hour" holds "an hour"), the longest wins.
   */
  hours(text: string): number | undefined {
    const readings: { length: number; hours: number }[] = [];
    for (const { regex, hours } of this.hourPhrases) {
      const m = regex.exec(text);
      if (m) readings.push({ length: m[0].length, hours });
    }
    const numeric = this.hoursAfterNumber.exec(text);
    if (numeric) readings.push({ length: numeric[0].length, hours: Number(numeric[1]!.replace(',', '.')) + (numeric[2] ? 0.5 : 0) });
    const word = this.hoursAfterWord.exec(text);
    if (word) readings.push({ length: word[0].length, hours: this.numberWords.get(word[1]!.toLowerCase())! + (word[2] ? 0.5 : 0) });
    let hours = readings.sort((a, b) => b.length - a.length)[0]?.hours;
    const minutes = this.minutesAfterNumber.exec(text);
    if (minutes) hours = (hours ?? 0) + Number(minutes[1]) / 60;
    return hours !== undefined && hours > 0 && hours <= 10_000 ? hours : undefined;
  }

  /** A bare number ("og for 8?"), read as hours only when the conversation is about price. */
  bareNumber(text: string): number | undefined {
    const words = tokenize(text);
    const numbers = text.match(/(?<![\p{N}.,])\d+(?:[.,]\d+)?(?![\p{N}]|[.,]\d)/gu);
    if (!numbers || numbers.length !== 1 || words.length > 6) return undefined;
    const n = Number(numbers[0]!.replace(',', '.'));
    return n > 0 && n <= 1000 ? n : undefined;
  }

  /** The date named in the text; a date without a year is taken in the year that puts it nearest today. */
  date(text: string, now: Date): Day | undefined {
    const base = today(now);
    const withYear = (y: string | undefined, m: number, d: number) => {
      if (y) return utcDay(Number(y.length === 2 ? `20${y}` : y), m, d);
      const year = base.getUTCFullYear();
      const candidates = [year - 1, year, year + 1].map((yy) => utcDay(yy, m, d)).filter((x): x is Day => !!x);
      return candidates.sort((a, b) => Math.abs(a.getTime() - base.getTime()) - Math.abs(b.getTime() - base.getTime()))[0];
    };
    const iso = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/.exec(text);
    if (iso) return utcDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    const numeric = /(?<![\d.,])(\d{1,2})[./](\d{1,2})[./-](\d{4}|\d{2})(?![\d])/.exec(text);
    if (numeric) return withYear(numeric[3], Number(numeric[2]), Number(numeric[1]));
    const dm = this.dayMonth.exec(text);
    if (dm) return withYear(dm[3], this.months.get(dm[2]!.toLowerCase())!, Number(dm[1]));
    const md = this.monthDay.exec(text);
    if (md) return withYear(md[3], this.months.get(md[1]!.toLowerCase())!, Number(md[2]));
    for (const { regex, days } of this.relativeDays) if (regex.test(text)) return addDays(base, days);
    return undefined;
  }
}
