import { createRequire } from 'node:module';
import type Holidays from 'date-holidays';
import type { Lang } from '../../types.js';
import { addDays, type Day } from '../../understand/slots.js';
import { isoDay } from '../../clock.js';

/**
 * date-holidays carries every country's holidays and takes a fifth of a second to load: it is
 * loaded when a year not in a table from the start-up cache (useHolidayTable) is first asked.
 */
const require = createRequire(import.meta.url);
let library: typeof Holidays | undefined;
const holidaysLibrary = () => (library ??= require('date-holidays') as typeof Holidays);

/** How a delivery time counts days: every day, or Monday to Friday without Norwegian public holidays. */
export type DayCount = 'calendar' | 'working';

/**
 * Norwegian public holidays from date-holidays (a maintained library: Easter and the days that
 * move with it are not calculated here), one table per year and language, made when first asked.
 */
const HOLIDAY_LANG: Record<Lang, string> = { nb: 'no', nn: 'no', en: 'en' };
const calendars = new Map<string, Holidays>();
const years = new Map<string, Map<string, string>>();

function holidaysOf(year: number, lang: Lang): Map<string, string> {
  const key = `${year} ${HOLIDAY_LANG[lang]}`;
  let days = years.get(key);
  if (!days) {
    let calendar = calendars.get(HOLIDAY_LANG[lang]);
    if (!calendar) calendars.set(HOLIDAY_LANG[lang], (calendar = new (holidaysLibrary())('NO', { languages: [HOLIDAY_LANG[lang]] })));
    days = new Map(calendar.getHolidays(year).filter((h) => h.type === 'public').map((h) => [h.date.slice(0, 10), h.name]));
    years.set(key, days);
  }
  return days;
}

/** Norwegian public holidays of some years, per year and holiday language: what the start-up cache keeps. */
export type HolidayTable = { year: number; lang: string; days: [string, string][] }[];

/** The public holidays of the years `from` to `to`, in every language answers use, from date-holidays. */
export function holidayTable(from: number, to: number): HolidayTable {
  const table: HolidayTable = [];
  for (let year = from; year <= to; year++) {
    for (const lang of ['nb', 'en'] as const) table.push({ year, lang: HOLIDAY_LANG[lang], days: [...holidaysOf(year, lang)] });
  }
  return table;
}

/** Takes the holidays of the years in `table` as date-holidays gave them when the table was made. */
export function useHolidayTable(table: HolidayTable): void {
  for (const { year, lang, days } of table) if (!years.has(`${year} ${lang}`)) years.set(`${year} ${lang}`, new Map(days));
}

/** The public holiday a day is, by name in the language asked ("Kristi himmelfartsdag", "Ascension Day"). */
export function publicHoliday(day: Day, lang: Lang = 'nb'): string | undefined {
  return holidaysOf(day.getUTCFullYear(), lang).get(isoDay(day));
}

export function isWeekend(day: Day): boolean {
  const weekday = day.getUTCDay();
  return weekday === 0 || weekday === 6;
}

export function isWorkingDay(day: Day): boolean {
  return !isWeekend(day) && publicHoliday(day) === undefined;
}

/**
 * The day a delivery time of `days` ends, counted from the day after `complete`: the `days`-th
 * calendar day, or the `days`-th working day.
 */
export function dueDate(complete: Day, days: number, count: DayCount = 'calendar'): Day {
  if (count === 'calendar') return addDays(complete, days);
  let day = complete;
  for (let counted = 0; counted < days; ) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) counted += 1;
  }
  return day;
}
