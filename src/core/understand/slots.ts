import type { Lexicon } from '../lexicon.js';
import { tokenize } from './normalise.js';

/** A calendar date, held as midnight UTC so that adding days never meets a clock change. */
export type Day = Date;

export function utcDay(year: number, month: number, day: number): Day | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : undefined;
}

/** How many words may stand between a date and the one that replaces it ("3. mars – nei, sorry, 3. april"). */
const TAKE_BACK_WORDS = 4;
const DAY_MS = 86_400_000;
/** Words for minutes after a number ("40 minutes", "30 min"): a part of an hour. */
const MINUTE_UNITS = 'minutter|minutes|minutt|minute|mins|min';
/** What may stand between hours and the minutes that add to them ("2 t 30 min", "2 hours and 30 minutes"). */
const MINUTES_JOIN = /^[\s,]*(?:og|and|\+)?\s*$/i;

export function addDays(day: Day, days: number): Day {
  return new Date(day.getTime() + days * DAY_MS);
}

/** Midnight UTC of `now`'s day: its time less the time since midnight (UTC days have no leap seconds). */
export function today(now: Date): Day {
  const t = now.getTime();
  return new Date(t - (((t % DAY_MS) + DAY_MS) % DAY_MS));
}

/**
 * Every match of a global regex, in order, as `text.matchAll(re)` gives them (the same empty
 * match rule), without the copy of the regex matchAll makes on every call.
 */
function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(m);
    if (m[0] === '') re.lastIndex = advance(text, re.lastIndex, re.unicode);
  }
  return out;
}

/** The index after `at`: past a whole surrogate pair in a Unicode regex (the spec's AdvanceStringIndex). */
function advance(text: string, at: number, unicode: boolean): number {
  if (!unicode || at + 1 >= text.length) return at + 1;
  const first = text.charCodeAt(at);
  return first >= 0xd800 && first <= 0xdbff && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00 ? at + 2 : at + 1;
}

/** A numeral other than 0–9 (Arabic-Indic digits, Roman numerals, …). */
const OTHER_NUMERALS = /[^\P{N}0-9]/u;

/** A word up to its first digit 0–9 ("t" of "t2"), or all of it. */
function beforeDigits(word: string): string {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) return word.slice(0, i);
  }
  return word;
}

/** 2026-12-03 */
const ISO_DATE = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/g;
/** 3.12.2026, 3/12/26 or 9.6. (see dates) */
// (and 3/3-27, the day and month with a slash, the year after a hyphen)
const NUMERIC_DATE = /(?<![\d.,])(\d{1,2})([./])(\d{1,2})(?:(?:\2|(?<=\/\d{1,2})-)(\d{4}|\d{2}))?(\.)?(?![\d]|[.,]\d)/g;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A regular expression's alternation of words, longest first, each escaped. */
export const alternation = (words: readonly string[]) =>
  [...words].sort((a, b) => b.length - a.length).map(escape).join('|');
const phrase = (p: string) => escape(p).replace(/ /g, '\\s+');

/** Month names with their numbers (1–12) and weekday names with theirs (0 for Sunday), in the order ICU gave them. */
export interface CalendarNames {
  months: [string, number][];
  weekdays: [string, number][];
}

/**
 * The calendar names, asked of ICU once, or kept in the start-up cache (useCalendarNames): making
 * ICU's date formats for four locales takes a good part of a start from the cache.
 */
let calendar: CalendarNames | undefined;
export const calendarNames = (): CalendarNames => (calendar ??= calendarNamesFromIcu());

/** Takes the names as ICU gave them when the start-up cache was made (its key holds ICU's version). */
export function useCalendarNames(names: CalendarNames): void {
  calendar ??= names;
}

/** Month and weekday names as ICU writes them, long and short, in every language the bot reads. */
function calendarNamesFromIcu(): CalendarNames {
  const months = new Map<string, number>();
  const weekdays = new Map<string, number>();
  for (const locale of ['nb', 'nn', 'en-GB', 'en-US']) {
    for (const width of ['long', 'short'] as const) {
      const month = new Intl.DateTimeFormat(locale, { month: width, timeZone: 'UTC' });
      for (let m = 0; m < 12; m++) months.set(month.format(new Date(Date.UTC(2000, m, 1))).toLowerCase().replace(/\.$/, ''), m + 1);
      const weekday = new Intl.DateTimeFormat(locale, { weekday: width, timeZone: 'UTC' });
      // 2 January 2000 was a Sunday: getUTCDay() 0
      for (let d = 0; d < 7; d++) weekdays.set(weekday.format(new Date(Date.UTC(2000, 0, 2 + d))).toLowerCase().replace(/\.$/, ''), d);
    }
  }
  // "i mandags": bokmål's word for last Monday
  for (const [name, d] of [...weekdays]) if (name.endsWith('dag')) weekdays.set(`${name}s`, d);
  return { months: [...months], weekdays: [...weekdays] };
}

/** How far around a day and month, or a weekday's name, the words that place it are looked for ("mottatt onsdag 27.11", "Monday next week"). */
const NEARBY_CHARS = 16;
const DAYS_IN_WEEK = 7;
/** A day's number right after a weekday's name ("fredag 4. desember", "fre. 27.11"). */
const DAY_NUMBER_NEXT = /^\.?,?\s+(?:den\s+)?\d{1,2}(?:[./]|st|nd|rd|th)?(?!\d)/;
/** Weekday names this long or shorter are short forms ("man", "fre", "sat"), every one of them also a word. */
const SHORT_WEEKDAY_LETTERS = 3;

/** What a date in a message is the date of: what the delivery time counts from, or something else. */
export type DateRole = 'complete' | 'received' | 'sent' | 'other';

/** A date found in a message, where it stands, and what it is the date of. */
export interface FoundDate {
  day: Day;
  /** Index in the text. */
  at: number;
  role: DateRole;
  /** How many words stand between the date and the word that gives its role (Infinity when none does). */
  roleDistance: number;
}

/** Which role wins when a message names several dates: the day the application became complete counts. */
const ROLE_ORDER: DateRole[] = ['complete', 'received', 'other', 'sent'];
/** How many words either side of a date may say what it is the date of. */
const ROLE_WINDOW_WORDS = 7;

/** Reads the figures a question gives: an amount of hours and dates. */
export class SlotReader {
  private readonly months: Map<string, number>;
  private readonly weekdays: Map<string, number>;
  /** A weekday's name or a word of a date's role at the end of a text: a day and month after it are a date ("fre 27.11", "mottatt 2.12"). */
  private readonly dateLeadBefore: RegExp;
  /** An hour unit at the start of a text: the figure before it is hours, not a date ("2.5 timer"). */
  private readonly unitAfter: RegExp;
  private readonly numberWords: Map<string, number>;
  /** Words that can start an hour reading without digits: number words and hour phrases. */
  private readonly hourStarters: Set<string>;
  /**
   * The words a reading needs among the message's words (see hours): an hour phrase its first and
   * last words; a number word and a unit those two. Each is undefined where the lexicon's words
   * are not all single words as tokenize reads them (units: without digits), and an empty number
   * word needs none.
   */
  private readonly phraseEnds: { first: Set<string>; last: Set<string> } | undefined;
  private readonly unitWords: Set<string> | undefined;
  private readonly numberWordNeeded: boolean;
  private readonly hourPhrases: RegExp;
  private readonly hourPhraseValues: Map<string, number>;
  private readonly relativeStarters: Set<string>;
  /** The last words of the relative-day phrases, where every phrase's first and last words are single words as tokenize reads them. */
  private readonly relativeEnders: Set<string> | undefined;
  private readonly relativeDays: RegExp;
  private readonly relativeValues: Map<string, number>;
  private readonly hoursAfterNumber: RegExp;
  private readonly everyHoursAfterNumber: RegExp;
  private readonly deniedAmount: RegExp;
  private readonly hoursAfterWord: RegExp;
  private readonly minutesAfterNumber = new RegExp(`(?<![\\p{N},.])(\\d+)\\s*(?:${MINUTE_UNITS})(?![\\p{L}])`, 'iu');
  private readonly dayMonth: RegExp;
  private readonly monthDay: RegExp;
  private readonly weekday: RegExp;
  private readonly roleWords: Map<string, DateRole>;
  private readonly nextWords: Set<string>;
  private readonly conditionals: Set<string>;
  /** Words before a weekday that name this week's ("this Friday"). */
  private readonly thisWords: Set<string>;
  /** Words that take back what was just said (the lexicon's corrections and noes). */
  private readonly takeBackPhrases: readonly string[];
  private readonly lastWords: Set<string>;
  private readonly agoWords: Set<string>;
  private readonly agoUnits: Map<string, number>;
  private readonly timeAgo: RegExp;
  /** "two weeks from today": a time counted forward. */
  private readonly timeLater: RegExp;
  private readonly laterFirstWords: Set<string>;
  /** "har ventet i over tre måneder": a time waited, up to today. */
  private readonly timeWaited: RegExp;
  private readonly waitedFirstWords: Set<string>;
  private readonly longerWords: Set<string>;

  constructor(lexicon: Lexicon) {
    const calendar = calendarNames();
    this.months = new Map(calendar.months);
    this.weekdays = new Map(calendar.weekdays);
    this.numberWords = new Map(
      Object.values(lexicon.numberWords).flatMap((words) => Object.entries(words).map(([w, n]) => [w.toLowerCase(), n] as const)),
    );
    this.hourPhraseValues = new Map(lexicon.hourPhrases.map((p) => [p.phrase.toLowerCase().replace(/\s+/g, ' '), p.hours]));
    this.hourPhrases = new RegExp(`(?<![\\p{L}\\p{N}])(${[...this.hourPhraseValues.keys()].sort((a, b) => b.length - a.length).map(phrase).join('|')})(?![\\p{L}\\p{N}])`, 'iu');
    const phrases = [...this.hourPhraseValues.keys()].map((p) => p.split(' '));
    this.hourStarters = new Set([...this.numberWords.keys(), ...phrases.map((p) => p[0]!)]);
    const plain = (words: Iterable<string>) => [...words].every((w) => tokenize(w).length === 1 && tokenize(w)[0] === w);
    const first = new Set(phrases.map((p) => p[0]!));
    const last = new Set(phrases.map((p) => p.at(-1)!));
    this.phraseEnds = plain(first) && plain(last) ? { first, last } : undefined;
    const unitWords = new Set(lexicon.hourUnits.map((u) => u.toLowerCase()));
    this.unitWords = plain(unitWords) && ![...unitWords].some((u) => /\p{N}/u.test(u)) ? unitWords : undefined;
    this.numberWordNeeded = plain(this.numberWords.keys());
    this.relativeValues = new Map(lexicon.relativeDays.map((p) => [p.phrase.toLowerCase().replace(/\s+/g, ' '), p.days]));
    this.relativeDays = new RegExp(`(?<![\\p{L}\\p{N}])(${[...this.relativeValues.keys()].sort((a, b) => b.length - a.length).map(phrase).join('|')})(?![\\p{L}\\p{N}])`, 'iu');
    this.relativeStarters = new Set([...this.relativeValues.keys()].map((p) => p.split(' ')[0]!));
    const relativeEnders = new Set([...this.relativeValues.keys()].map((p) => p.split(' ').at(-1)!));
    this.relativeEnders = plain(this.relativeStarters) && plain(relativeEnders) ? relativeEnders : undefined;
    const units = alternation(lexicon.hourUnits);
    const half = `(?:\\s+(${alternation(lexicon.halfWords).replace(/ /g, '\\s+')}))?`;
    this.hoursAfterNumber = new RegExp(`(?<![\\p{N},.])(\\d+(?:[.,]\\d+)?)${half}\\s*-?\\s*(?:${units})(?![\\p{L}])`, 'iu');
    this.everyHoursAfterNumber = new RegExp(this.hoursAfterNumber.source, 'giu');
    // an amount denied ("30 minutter, ikke 3 timer", "not 5 hours but 7") is not the one meant
    const negations = alternation(lexicon.negationWords.filter((w) => !/\s/.test(w)));
    this.deniedAmount = new RegExp(`(?<![\\p{L}])(${negations})\\s+\\d+(?:[.,]\\d+)?${half}\\s*-?\\s*(?:${units}|${MINUTE_UNITS})(?![\\p{L}])`, 'giu');
    this.hoursAfterWord = new RegExp(`(?<![\\p{L}])(${alternation([...this.numberWords.keys()])})${half}\\s+(?:${units})(?![\\p{L}])`, 'iu');
    const months = alternation([...this.months.keys()]);
    this.dayMonth = new RegExp(`(?<![\\p{N}])(\\d{1,2})(?:\\.|st|nd|rd|th)?\\s+(?:of\\s+)?(${months})\\.?(?:,?\\s+(\\d{4}))?(?![\\p{L}])`, 'giu');
    this.monthDay = new RegExp(`(?<![\\p{L}])(${months})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?(?![\\p{L}\\p{N}])`, 'giu');
    // a weekday's short name is an everyday word too ("når man søker", "sat", "wed"): only with its dot ("fre. 4.")
    const names = [...this.weekdays.keys()];
    const short = names.filter((name) => name.length <= SHORT_WEEKDAY_LETTERS);
    const long = names.filter((name) => name.length > SHORT_WEEKDAY_LETTERS);
    this.weekday = new RegExp(`(?<![\\p{L}])(${alternation(long)}|(?:${alternation(short)})(?=\\.))(?![\\p{L}])`, 'giu');
    // (and after a word of the date's role: "mottatt 2.12", "complete 4.1"; not hours: "mottatt 2.5 timer")
    const roleWords = Object.values(lexicon.dateRoles).flat().filter((w) => !/\s/.test(w));
    // (or after a word that leads a date: "frist fra 14.12?", "a complete request on 14.12")
    this.dateLeadBefore = new RegExp(`(?<![\\p{L}])(?:${alternation([...names, ...roleWords, ...lexicon.dateLeads])})\\.?,?\\s+$`, 'iu');
    this.unitAfter = new RegExp(`^\\s*(?:${units})(?![\\p{L}])`, 'iu');
    this.agoWords = new Set(lexicon.timeAgo.ago.map((w) => w.toLowerCase()));
    this.agoUnits = new Map(Object.entries(lexicon.timeAgo.units).map(([w, d]) => [w.toLowerCase(), d]));
    this.laterFirstWords = new Set(lexicon.timeAgo.later.map((w) => w.split(' ')[0]!.toLowerCase()));
    // a count of days, weeks or months and the words after it: back from today ("3 weeks ago") or on ("two weeks from today")
    const countedTime = (after: readonly string[]) =>
      new RegExp(`(?<![\\p{L}\\p{N}])(\\d{1,3}|${alternation([...this.numberWords.keys()])})\\s+(${alternation([...this.agoUnits.keys()])})\\s+(?:${alternation(after).replace(/ /g, '\\s+')})(?![\\p{L}])`, 'iu');
    this.timeLater = countedTime(lexicon.timeAgo.later);
    this.timeAgo = countedTime([...this.agoWords]);
    // (a few words may stand between: "ventet på dataene i over", "been waiting well over")
    this.timeWaited = new RegExp(
      `(?<![\\p{L}])(?:${alternation(lexicon.timeAgo.waited).replace(/ /g, '\\s+')})(?:\\s+\\p{L}+){0,4}?\\s+(\\d{1,3}|${alternation([...this.numberWords.keys()])})\\s+(${alternation([...this.agoUnits.keys()])})(?![\\p{L}])`,
      'iu',
    );
    this.waitedFirstWords = new Set(lexicon.timeAgo.waited.map((w) => w.split(' ')[0]!.toLowerCase()));
    this.longerWords = new Set(lexicon.timeAgo.longer.map((w) => w.toLowerCase()));
    this.roleWords = new Map<string, DateRole>();
    for (const [role, words] of Object.entries(lexicon.dateRoles) as [Exclude<DateRole, 'other'>, string[]][]) for (const w of words) this.roleWords.set(w.toLowerCase(), role);
    this.nextWords = new Set(lexicon.nextWords.map((w) => w.toLowerCase()));
    this.thisWords = new Set(lexicon.thisWords.map((w) => w.toLowerCase()));
    this.lastWords = new Set(lexicon.lastWords.map((w) => w.toLowerCase()));
    this.conditionals = new Set(lexicon.conditionalWords.filter((w) => !w.includes(' ')).map((w) => w.toLowerCase()));
    this.takeBackPhrases = [...lexicon.correctionWords, ...lexicon.noWords].map((w) => tokenize(w).join(' ')).filter((w) => w.length > 0);
  }

  /**
   * Hours of work named in the text: "5 timer", "3,5 t", "halvannen time", "twelve hours".
   * Where several readings overlap ("half an hour" holds "an hour"), the longest wins.
   */
  hours(written: string, words: readonly string[] = tokenize(written)): number | undefined {
    const digits = /\d/.test(written);
    const text = digits ? written.replace(this.deniedAmount, '$1') : written;
    if (!digits && !words.some((w) => this.hourStarters.has(w))) return undefined;
    // A reading's words are words of the message, so "a" or "to" alone ("what does it cost to
    // apply?") is no reason to search it for one: an hour phrase's first and last words (its
    // pattern is bounded by letters and numerals); the unit after a number word, which may run
    // on into digits ("t2"); and, in a message without numerals, the number word. (Numerals
    // other than 0–9 would join other words to these: then the number word is searched for.)
    const ends = this.phraseEnds;
    const units = this.unitWords;
    const phrase = !ends || (words.some((w) => ends.first.has(w)) && words.some((w) => ends.last.has(w)));
    const numberWord =
      OTHER_NUMERALS.test(text) ||
      ((!units || words.some((w) => units.has(beforeDigits(w)))) && (digits || !this.numberWordNeeded || words.some((w) => this.numberWords.has(w))));
    const readings: { length: number; end: number; hours: number }[] = [];
    const p = phrase ? this.hourPhrases.exec(text) : null;
    if (p) readings.push({ length: p[0].length, end: p.index + p[0].length, hours: this.hourPhraseValues.get(p[1]!.toLowerCase().replace(/\s+/g, ' '))! });
    const numeric = digits ? this.hoursAfterNumber.exec(text) : null;
    if (numeric) readings.push({ length: numeric[0].length, end: numeric.index + numeric[0].length, hours: Number(numeric[1]!.replace(',', '.')) + (numeric[2] ? 0.5 : 0) });
    const word = numberWord ? this.hoursAfterWord.exec(text) : null;
    if (word) readings.push({ length: word[0].length, end: word.index + word[0].length, hours: this.numberWords.get(word[1]!.toLowerCase())! + (word[2] ? 0.5 : 0) });
    const reading = readings.sort((a, b) => b.length - a.length)[0];
    let hours = reading?.hours;
    // minutes add to the hours they follow ("2 timer og 30 minutter"); apart from them they are
    // another amount ("an invoice for 2 hours, but he spent 40 minutes"), and the hours stand
    const minutes = digits ? this.minutesAfterNumber.exec(text) : null;
    if (minutes && (!reading || MINUTES_JOIN.test(text.slice(reading.end, minutes.index)))) hours = (hours ?? 0) + Number(minutes[1]) / 60;
    return hours !== undefined && hours > 0 && hours <= 10_000 ? hours : undefined;
  }

  /** Every amount of hours written with digits ("2 timer, 4,5 timer og 9 timer"), in order; amounts denied left out. */
  hourAmounts(written: string): number[] {
    if (!/\d/.test(written)) return [];
    const text = written.replace(this.deniedAmount, '$1');
    return allMatches(this.everyHoursAfterNumber, text).map((m) => Number(m[1]!.replace(',', '.')) + (m[2] ? 0.5 : 0));
  }

  /** A bare number ("og for 8?", "no, make it 12"), read as hours only when the conversation is about price. */
  bareNumber(text: string, words: readonly string[] = tokenize(text)): number | undefined {
    if (words.length > 6) return undefined;
    const numbers = text.match(/(?<![\p{N}.,])\d+(?:[.,]\d+)?(?![\p{N}]|[.,]\d)/gu);
    if (!numbers || numbers.length !== 1) return undefined;
    const n = Number(numbers[0]!.replace(',', '.'));
    return n > 0 && n <= 1000 ? n : undefined;
  }

  /** Every date the text names, each with what it is the date of. */
  dates(text: string, now: Date, words: readonly string[] = tokenize(text)): FoundDate[] {
    // most messages name no date: no digit, weekday or relative day ("i morgen")
    const digits = /\d/.test(text);
    const weekdays = words.some((w) => this.weekdays.has(w));
    // a relative day's phrase is words of the message, its first and its last ("i" alone is not)
    const enders = this.relativeEnders;
    const relative = words.some((w) => this.relativeStarters.has(w)) && (!enders || words.some((w) => enders.has(w)));
    const ago = words.some((w) => this.agoWords.has(w));
    const waited = words.some((w) => this.waitedFirstWords.has(w));
    const later = words.some((w) => this.laterFirstWords.has(w));
    if (!digits && !weekdays && !relative && !ago && !waited && !later) return [];
    const base = today(now);
    const found: { day: Day | undefined; at: number; end: number }[] = [];
    const withYear = (y: string | undefined, m: number, d: number) => {
      if (y) return utcDay(Number(y.length === 2 ? `20${y}` : y), m, d);
      const year = base.getUTCFullYear();
      const candidates = [year - 1, year, year + 1].map((yy) => utcDay(yy, m, d)).filter((x): x is Day => !!x);
      return candidates.sort((a, b) => Math.abs(a.getTime() - base.getTime()) - Math.abs(b.getTime() - base.getTime()))[0];
    };
    const taken = (at: number) => found.some((f) => at >= f.at && at < f.end);
    const push = (day: Day | undefined, at: number, length: number) => {
      if (!taken(at)) found.push({ day, at, end: at + length });
    };
    if (digits) {
      for (const m of allMatches(ISO_DATE, text)) push(utcDay(Number(m[1]), Number(m[2]), Number(m[3])), m.index, m[0].length);
      // 3.12.2026, 3/12/26 or 9.6.; not a clock time (10.30), a fraction (1/2) or a decimal
      for (const m of allMatches(NUMERIC_DATE, text)) {
        const [, d, separator, month, year, trailingDot] = m;
        // (a day and month with neither year nor dot is a date after a weekday's name or a word of its
        // role: "mottatt fre 27.11", "mottatt 2.12")
        const led = separator === '.' && this.dateLeadBefore.test(text.slice(Math.max(0, m.index - NEARBY_CHARS), m.index)) && !this.unitAfter.test(text.slice(m.index + m[0].length));
        if (!year && (separator === '/' || !trailingDot) && !led) continue;
        push(withYear(year, Number(month), Number(d)), m.index, m[0].length);
      }
      if (words.some((w) => this.months.has(w))) {
        for (const m of allMatches(this.dayMonth, text)) push(withYear(m[3], this.months.get(m[2]!.toLowerCase())!, Number(m[1])), m.index, m[0].length);
        for (const m of allMatches(this.monthDay, text)) push(withYear(m[3], this.months.get(m[1]!.toLowerCase())!, Number(m[2])), m.index, m[0].length);
      }
    }
    if (weekdays) {
      for (const m of allMatches(this.weekday, text)) {
        // (a weekday's name before the date it names is that date: "fre 27.11", "fredag 4. desember")
        if (DAY_NUMBER_NEXT.test(text.slice(m.index + m[0].length, m.index + m[0].length + NEARBY_CHARS))) continue;
        const target = this.weekdays.get(m[1]!.toLowerCase())!;
        // the week named after it ("Monday next week", "mandag i forrige uke"): that day of that week
        // (weeks begin on Monday)
        const after = tokenize(text.slice(m.index + m[0].length, m.index + m[0].length + NEARBY_CHARS)).filter((w) => w !== 'i' && w !== 'in');
        const weekNamed = after.length >= 2 && this.agoUnits.get(after[1]!) === DAYS_IN_WEEK ? (this.nextWords.has(after[0]!) ? 1 : this.lastWords.has(after[0]!) ? -1 : 0) : 0;
        const before = tokenize(text.slice(Math.max(0, m.index - 12), m.index)).pop();
        // (and "this Friday": that day of this week, past or to come)
        const week = weekNamed !== 0 ? weekNamed : before !== undefined && this.thisWords.has(before) ? 0 : undefined;
        if (week !== undefined) {
          const monday = addDays(base, -((base.getUTCDay() + 6) % 7));
          push(addDays(monday, week * DAYS_IN_WEEK + ((target + 6) % 7)), m.index, m[0].length);
          continue;
        }
        const next = before !== undefined && (this.nextWords.has(before) || (!this.lastWords.has(before) && this.supposes(text.slice(0, m.index))));
        const back = (base.getUTCDay() - target + 7) % 7;
        push(next ? addDays(base, 7 - back || 7) : addDays(base, -back), m.index, m[0].length);
      }
    }
    if (relative) {
      const m = this.relativeDays.exec(text);
      if (m) push(addDays(base, this.relativeValues.get(m[1]!.toLowerCase().replace(/\s+/g, ' '))!), m.index, m[0].length);
    }
    if (ago) {
      const m = this.timeAgo.exec(text);
      if (m) {
        // (longer than it, "for over to måneder siden": a day more, as for a time waited)
        const before = tokenize(text.slice(Math.max(0, m.index - 12), m.index)).pop();
        const longer = before !== undefined && this.longerWords.has(before) ? 1 : 0;
        push(addDays(base, -this.count(m[1]!) * this.agoUnits.get(m[2]!.toLowerCase())! - longer), m.index, m[0].length);
      }
    }
    if (later) {
      const m = this.timeLater.exec(text);
      if (m) push(addDays(base, this.count(m[1]!) * this.agoUnits.get(m[2]!.toLowerCase())!), m.index, m[0].length);
    }
    if (waited) {
      const m = this.timeWaited.exec(text);
      if (m) {
        const longer = tokenize(m[0]).some((w) => this.longerWords.has(w)) ? 1 : 0;
        push(addDays(base, -this.count(m[1]!) * this.agoUnits.get(m[2]!.toLowerCase())! - longer), m.index, m[0].length);
      }
    }
    const dated = found.filter((f): f is { day: Day; at: number; end: number } => f.day !== undefined).sort((a, b) => a.at - b.at);
    const out: FoundDate[] = [];
    for (let i = 0; i < dated.length; i++) {
      const f = dated[i]!;
      const previous = dated[i - 1];
      // a date put right after another with a word taking it back ("03.03.2027 – nei, 3. april"):
      // it replaces that one, in its role
      if (previous && out.length > 0 && this.takesBack(text.slice(previous.end, f.at))) {
        const replaced = out.pop()!;
        out.push({ ...replaced, day: f.day, at: f.at });
        continue;
      }
      out.push({ day: f.day, at: f.at, ...this.roleOf(text, f.at, f.end) });
    }
    return out;
  }

  /** Whether the words between two dates take the first back: a few words, one of them a correction ("nei", "sorry", "I mean"). */
  private takesBack(between: string): boolean {
    const words = tokenize(between);
    if (words.length === 0 || words.length > TAKE_BACK_WORDS) return false;
    const joined = ` ${words.join(' ')} `;
    return this.takeBackPhrases.some((p) => joined.includes(` ${p} `));
  }

  /** A count written in digits or as a number word ("70", "tre"). */
  private count(written: string): number {
    return /^\d/.test(written) ? Number(written) : this.numberWords.get(written.toLowerCase())!;
  }

  /** Whether the sentence before this point supposes ("hvis", "if"): a weekday in it is to come. */
  private supposes(before: string): boolean {
    const sentence = before.slice(Math.max(before.lastIndexOf('.'), before.lastIndexOf('?'), before.lastIndexOf('!')) + 1);
    return tokenize(sentence).some((w) => this.conditionals.has(w));
  }

  /** The role words nearest a date, within its sentence, say what it is the date of. */
  private roleOf(text: string, at: number, end: number): { role: DateRole; roleDistance: number } {
    const sentenceStart = Math.max(text.lastIndexOf('.', at - 2), text.lastIndexOf('?', at), text.lastIndexOf('!', at), text.lastIndexOf(',', at), text.lastIndexOf(';', at)) + 1;
    const after = text.slice(end);
    const stop = after.search(/[?!;,]|\.\s/);
    const before = tokenize(text.slice(sentenceStart, at)).slice(-ROLE_WINDOW_WORDS);
    const following = tokenize(stop >= 0 ? after.slice(0, stop) : after).slice(0, ROLE_WINDOW_WORDS);
    // the strongest role named: "sendte" makes a date the day it was sent, below one with no word at all
    let role: DateRole | undefined;
    let roleDistance = Infinity;
    for (const [words, distance] of [
      [before, (i: number) => before.length - i],
      [following, (i: number) => i + 1],
    ] as const) {
      for (let i = 0; i < words.length; i++) {
        // a word, or two ("på plass", "kom inn")
        for (const w of i + 1 < words.length ? [words[i]!, `${words[i]} ${words[i + 1]}`] : [words[i]!]) {
          const found = this.roleWords.get(w);
          if (!found) continue;
          const stronger = role === undefined || ROLE_ORDER.indexOf(found) < ROLE_ORDER.indexOf(role);
          if (stronger || (found === role && distance(i) < roleDistance)) [role, roleDistance] = [found, distance(i)];
        }
      }
    }
    return { role: role ?? 'other', roleDistance };
  }

  /**
   * The date the delivery time counts from: the day the application became complete, if the text
   * says which; of two dates with that role, the one nearer its word ("stadfesta i går at søknaden
   * var komplett 1. desember": 1 December).
   */
  receivedDate(text: string, now: Date, words?: readonly string[]): Day | undefined {
    const found = this.dates(text, now, words);
    if (found.length === 0) return undefined;
    return [...found].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.roleDistance - b.roleDistance)[0]!.day;
  }
}
