import { describe, expect, it } from 'vitest';
import { SlotReader } from '../src/core/understand/slots.js';
import { loadBotData } from '../src/core/bot.js';

const slots = new SlotReader(loadBotData().lexicon);
const now = new Date('2026-11-25T12:00:00Z');
const iso = (d: Date | undefined) => d?.toISOString().slice(0, 10);

describe('hours in a question', () => {
  it.each([
    ['hva koster 5 timer?', 5],
    ['3,5 timer saksbehandling', 3.5],
    ['what about 2.5 hours', 2.5],
    ['12 hours of work', 12],
    ['halvannen time', 1.5],
    ['Pris for halvannan time?', 1.5],
    ['half an hour', 0.5],
    ['kanskje en times arbeid', 1],
    ["it's an hour's work", 1],
    ['en halvtime', 0.5],
    ['fem timer', 5],
    ['twelve hours', 12],
    ['3 og en halv time', 3.5],
    ['2 timer og 30 minutter', 2.5],
    ['2 hours and 15 minutes', 2.25],
    // minutes apart from the hours are another amount: the hours stand
    ['an invoice for 3 hours, but the case officer spent 40 minutes', 3],
    // an amount denied is not the one meant
    ['hun mente 30 minutter, ikke 3 timer', 0.5],
    ['not 5 hours but 7 hours', 7],
    ['ikkje 4 timar, men 6 timar', 6],
    ['8t', 8],
    // a common slip of the unit
    ['hva kostr det om saken tar 4 timr?', 4],
    ['hvor mye kostr det hvis saksbehandlinga tar 3 timmer?', 3],
    // a number word and unit joined to numerals or other words are still read (the checks that
    // spare most messages the hour patterns look for whole words)
    ['to t2', 2],
    ['5to timer', 2],
    ['to t١', 2],
    ['kostnad, to timer?', 2],
    // a genitive before the work ("12 timers arbeid")
    ['prisen for 12 timers arbeid', 12],
    ['ca. 6 timars sakshandsaming', 6],
  ])('%s → %s', (text, hours) => {
    expect(slots.hours(text)).toBe(hours);
  });

  it('finds none where there are none', () => {
    for (const text of ['hva koster det?', 'mottatt 3. mars 2027', 'fra 1997', 'how much time does it take']) {
      expect(slots.hours(text)).toBeUndefined();
    }
  });
});

describe('dates in a question', () => {
  it.each([
    ['komplett søknad 3. mars 2027', '2027-03-03'],
    ['mottatt 1.12.2026', '2026-12-01'],
    ['sendt 2027-02-10', '2027-02-10'],
    ['arrived 15 January 2027', '2027-01-15'],
    ['on June 1st 2027', '2027-06-01'],
    ['on June 1, 2027', '2027-06-01'],
    ['the 3rd of March 2027', '2027-03-03'],
    ['mottatt 20. april', '2027-04-20'],
    ['mottatt i dag', '2026-11-25'],
    ['received yesterday', '2026-11-24'],
    ['1/12/26', '2026-12-01'],
    // a time back from today
    ['sendte komplett søknad for ni uker siden', '2026-09-23'],
    ['70 dagar sidan me sende søknaden', '2026-09-16'],
    ['it went in 3 weeks ago', '2026-11-04'],
    // months as 30 days; a time waited or ago, a day more when it is "over" it
    ['sendte komplett søknad for tre måneder siden', '2026-08-27'],
    ['vi har ventet på dataene i 75 dager', '2026-09-11'],
    ["we've been waiting well over 30 days", '2026-10-25'],
    ['sendte forespørselen for over to måneder siden', '2026-09-25'],
    ['har venta i over to månader', '2026-09-25'],
    ['received tomorrow', '2026-11-26'],
    // a time counted forward from today
    ['received two weeks from today', '2026-12-09'],
    ['komplett søknad mottatt 10 dager fra i dag', '2026-12-05'],
    ['mottatt i morgen', '2026-11-26'],
    // a weekday: the last one, the coming one after "neste", "til", or in a sentence that supposes
    ['mottatt på mandag', '2026-11-23'],
    ['hvis dere får den på mandag?', '2026-11-30'],
    ['og om vi venter til fredag med å sende?', '2026-11-27'],
    ['deadline if received last Friday?', '2026-11-20'],
  ])('%s → %s', (text, expected) => {
    expect(iso(slots.receivedDate(text, now))).toBe(expected);
  });

  it('"må vi vente 30 dager?" asks how long, it names no day', () => {
    expect(slots.receivedDate('må vi vente 30 dager?', now)).toBeUndefined();
  });

  it('a weekday\'s short name counts only with its dot: "man" is "one", "sat" a verb', () => {
    expect(slots.receivedDate('hvor lang tid tar det når man søker om byggetillatelse?', now)).toBeUndefined();
    expect(slots.receivedDate('we sat down and sent it', now)).toBeUndefined();
    expect(iso(slots.receivedDate('komplett søknad mottatt man. formiddag', now))).toBe('2026-11-23');
  });

  it('a day and month with neither year nor dot is a date after a weekday\'s name or a word of its role, not elsewhere', () => {
    expect(iso(slots.receivedDate('komplett søknad mottatt fre 27.11 – frist?', now))).toBe('2026-11-27');
    expect(iso(slots.receivedDate('mottatt torsdag 3.12, når får vi data?', now))).toBe('2026-12-03');
    expect(iso(slots.receivedDate('mottatt 2.12, pid – frist?', now))).toBe('2026-12-02');
    expect(iso(slots.receivedDate('mottas 14.12, type ikke avklart – frist?', now))).toBe('2026-12-14');
    expect(iso(slots.receivedDate('frist fra 14.12?', now))).toBe('2026-12-14');
    expect(iso(slots.receivedDate('a complete request on 3.2, when is it due?', now))).toBe('2027-02-03');
    expect(slots.receivedDate('fra 2.5 timer', now)).toBeUndefined();
    expect(slots.receivedDate('mottatt 2.5 timer arbeid', now)).toBeUndefined();
    expect(slots.receivedDate('andelen var 27.11 prosent', now)).toBeUndefined();
  });

  it('a weekday with the week named after it is that day of that week (weeks begin on Monday)', () => {
    // now is Wednesday 25 November 2026
    expect(iso(slots.receivedDate('complete application received Monday next week', now))).toBe('2026-11-30');
    expect(iso(slots.receivedDate('komplett fredag i neste uke', now))).toBe('2026-12-04');
    expect(iso(slots.receivedDate('received Monday last week', now))).toBe('2026-11-16');
    // "this": this week's day, to come or past
    expect(iso(slots.receivedDate("we'll submit it complete this Friday", now))).toBe('2026-11-27');
    expect(iso(slots.receivedDate('it was received this Monday', now))).toBe('2026-11-23');
  });

  it('a date taken back replaces the one before it, in its role', () => {
    expect(iso(slots.receivedDate('complete on 3 March 2027 – no, sorry, 3 April 2027. When do we get the data?', now))).toBe('2027-04-03');
    expect(iso(slots.receivedDate('søknaden var komplett 10.02.2027, nei vent, 12.02.2027', now))).toBe('2027-02-12');
    // two dates with nothing taking the first back keep their roles
    expect(iso(slots.receivedDate('sendt 4. mai, komplett 19. mai 2027', now))).toBe('2027-05-19');
  });

  it('rejects impossible dates', () => {
    expect(slots.receivedDate('31. februar 2027', now)).toBeUndefined();
    expect(slots.receivedDate('2027-13-01', now)).toBeUndefined();
  });
});
