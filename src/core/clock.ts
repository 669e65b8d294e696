/** Where the time comes from: the system's, or a test's. Everything that dates or waits asks it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  constructor(private time = new Date('2026-11-25T12:00:00Z')) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time = new Date(this.time.getTime() + ms);
  }
}

const DAY_MS = 86_400_000;
/** 0000-01-01 and 10000-01-01: the years toISOString writes with four digits. */
const FIRST_FOUR_DIGIT_YEAR_MS = -62_167_219_200_000;
const AFTER_FOUR_DIGIT_YEARS_MS = 253_402_300_800_000;

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `date.toISOString()` ("2026-11-25T12:00:00.000Z"), worked out from the time value: the engine's
 * own takes more than a microsecond, and every answer stamps its conversation with one. Dates
 * outside the years 0–9999, and invalid ones, are left to the engine.
 */
export function isoTimestamp(date: Date): string {
  const t = date.getTime();
  if (!(t >= FIRST_FOUR_DIGIT_YEAR_MS && t < AFTER_FOUR_DIGIT_YEARS_MS)) return date.toISOString();
  // the milliseconds within the second (a day is whole seconds: the same as within the day's)
  const ms = ((t % 1000) + 1000) % 1000;
  const second = t - ms;
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = secondText(second);
  }
  return `${lastSecondText}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/**
 * The last whole second isoTimestamp wrote, and its text up to the milliseconds: a busy bot
 * answers many times a second, and the date and time of day are most of the work.
 */
let lastSecond = NaN;
let lastSecondText = '';

/** "2026-11-25T12:00:00.": a whole second's timestamp up to its milliseconds. */
function secondText(t: number): string {
  const days = Math.floor(t / DAY_MS);
  let ms = t - days * DAY_MS;
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const seconds = Math.floor(ms / 1000);
  return `${isoDayOf(days)}T${two(hours)}:${two(minutes)}:${two(seconds)}.`;
}

/** The day of `isoTimestamp` ("2026-11-25"): `date.toISOString().slice(0, 10)`. */
export function isoDay(date: Date): string {
  const t = date.getTime();
  if (!(t >= FIRST_FOUR_DIGIT_YEAR_MS && t < AFTER_FOUR_DIGIT_YEARS_MS)) return date.toISOString().slice(0, 10);
  return isoDayOf(Math.floor(t / DAY_MS));
}

/** A day counted from 1970-01-01 as yyyy-mm-dd, by the proleptic Gregorian calendar (H. Hinnant's days_from_civil, reversed). */
function isoDayOf(days: number): string {
  const z = days + 719_468; // days from 0000-03-01
  const era = Math.floor(z / 146_097); // 400-year cycles
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100)); // from 1 March
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0: March
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year < 10 ? '000' : year < 100 ? '00' : year < 1000 ? '0' : ''}${year}-${two(month)}-${two(day)}`;
}
