import { describe, expect, it } from 'vitest';
import { estimatePrice } from '../src/core/answer/rules/pricing.js';
import { dueDate } from '../src/core/answer/rules/calendar.js';
import { utcDay } from '../src/core/understand/slots.js';
import { ask, testBot } from './helpers/bot.js';

const facts = { hourlyRateNok: 1100, minimumHours: 2, vatPercent: 25, billing: 'exact' } as const;

describe('pricing rule', () => {
  it('bills the hours given, at least the minimum, with VAT on top', () => {
    expect(estimatePrice(facts, 5)).toEqual({ hours: 5, billedHours: 5, excl: 5500, incl: 6875 });
    expect(estimatePrice(facts, 3.5)).toEqual({ hours: 3.5, billedHours: 3.5, excl: 3850, incl: 4812.5 });
    expect(estimatePrice(facts, 0.5)).toEqual({ hours: 0.5, billedHours: 2, raisedBy: 'minimum', excl: 2200, incl: 2750 });
    expect(estimatePrice(facts, 12)).toEqual({ hours: 12, billedHours: 12, excl: 13200, incl: 16500 });
  });

  it('follows the facts, not constants in code', () => {
    expect(estimatePrice({ hourlyRateNok: 1200, minimumHours: 1, vatPercent: 0, billing: 'exact' }, 0.5).incl).toBe(1200);
    expect(estimatePrice({ hourlyRateNok: 1200, minimumHours: 0.5, vatPercent: 10, billing: 'exact' }, 0.5).incl).toBe(660);
  });

  const hds = { hourlyRateNok: 1155, vatPercent: 25, billing: 'started-hour', baseFeeOneSourceNok: 1500, baseFeeSeveralSourcesNok: 3000 } as const;

  it('adds a base fee by number of sources, and counts started hours whole', () => {
    expect(estimatePrice(hds, 5, 'one')).toEqual({ hours: 5, billedHours: 5, baseFee: 1500, excl: 7275, incl: 9093.75 });
    expect(estimatePrice(hds, 5, 'several')).toEqual({ hours: 5, billedHours: 5, baseFee: 3000, excl: 8775, incl: 10968.75 });
    expect(estimatePrice(hds, 2.5, 'one')).toMatchObject({ billedHours: 3, raisedBy: 'started-hour', excl: 1500 + 3 * 1155 });
    expect(estimatePrice(hds, 3, 'one')).toMatchObject({ billedHours: 3 });
    expect(estimatePrice({ ...hds, minimumHours: 2 }, 0.4, 'one')).toMatchObject({ billedHours: 2, raisedBy: 'minimum' });
  });
});

describe('working days', () => {
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  it('count Monday to Friday without Norwegian public holidays, from the day after', () => {
    // Easter (2, 3 and 6 April), 1 May and Ascension Day (14 May) 2026 are off
    expect(iso(dueDate(utcDay(2026, 4, 1)!, 30, 'working'))).toBe('2026-05-20');
    // and Whit Monday (25 May)
    expect(iso(dueDate(utcDay(2026, 4, 1)!, 60, 'working'))).toBe('2026-07-02');
    // complete on a Friday: Monday is the first day
    expect(iso(dueDate(utcDay(2026, 11, 20)!, 1, 'working'))).toBe('2026-11-23');
    // Christmas 2026: 25 and 26 December, then New Year's Day
    expect(iso(dueDate(utcDay(2026, 12, 23)!, 3, 'working'))).toBe('2026-12-29');
  });
});

describe('deadline rule', () => {
  it('counts calendar days from the complete application', () => {
    expect(dueDate(utcDay(2027, 3, 3)!, 60).toISOString().slice(0, 10)).toBe('2027-05-02');
    expect(dueDate(utcDay(2027, 3, 3)!, 30).toISOString().slice(0, 10)).toBe('2027-04-02');
    expect(dueDate(utcDay(2026, 12, 1)!, 60).toISOString().slice(0, 10)).toBe('2027-01-30');
    expect(dueDate(utcDay(2028, 2, 1)!, 30).toISOString().slice(0, 10)).toBe('2028-03-02'); // leap year
  });
});

describe('rule-backed answers', () => {
  const bot = testBot();

  it('names the weekday, and says when a calendar-day deadline falls on a weekend or a public holiday', async () => {
    const weekend = await ask(bot, 'Personidentifiserbare data, komplett søknad mottatt 3. mars 2027: når er fristen?');
    expect(weekend.text).toContain('søndag 2. mai 2027');
    expect(weekend.text).toContain('Merk at søndag 2. mai 2027 er en helgedag.');
    const holiday = await ask(bot, 'Anonymous data, complete application received 1 April 2027: when is it due?');
    expect(holiday.text).toContain('Note that Saturday, 1 May 2027 is a public holiday (Labour Day).');
    const weekday = await ask(bot, 'Statistikk, komplett søknad mottatt 3. mars 2027: når er fristen?');
    expect(weekday.text).toContain('fredag 2. april 2027');
    expect(weekday.text).not.toContain('Merk at');
  });

  it('pricing without hours gives the rate, invoiced case processing and the minimum', async () => {
    const r = await ask(bot, 'Hva koster det å få data fra NPR?');
    expect(r).toMatchObject({ intent: 'pricing', rule: 'pricing.rate' });
    expect(r.text).toContain('1 100 kr eks. mva.');
    expect(r.text).toContain('minst to timer');
    expect(r.text).toContain('saksbehandle');
    expect(r.sources[0]!.url).toBe('https://helsedata.no/no/forvaltere/helsedirektoratet/norsk-pasientregister/');
  });

  it.each([
    ['Hva koster 5 timer?', ['5 500 kr', '6 875 kr']],
    ['pris for 3,5 timer', ['3 850 kr', '4 812,50 kr']],
    ['hva koster halvannen time', ['minst to timer', '2 200 kr', '2 750 kr']],
    ['What does half an hour cost?', ['at least two hours', 'NOK 2,200', 'NOK 2,750']],
    ['price for 12 hours', ['NOK 13,200', 'NOK 16,500']],
    // the least an invoice can be, asked with no hours: the minimum hours' price, computed
    ['Hva er minimumsprisen for et uttrekk fra NPR?', ['minst to timer', '2 200 kr', '2 750 kr']],
    ["What's the minimum charge for NPR data?", ['at least two hours', 'NOK 2,200', 'NOK 2,750']],
    // fewer hours than the minimum: the minimum's price, and what one hour costs
    ['How much is one hour with VAT?', ['at least two hours', 'NOK 1,375 including 25 % VAT', 'NOK 2,750']],
  ])('pricing "%s"', async (q, facts) => {
    const r = await ask(bot, q);
    expect(r).toMatchObject({ intent: 'pricing', rule: 'pricing.estimate' });
    for (const f of facts) expect(r.text).toContain(f);
  });

  it('deadlines without a category give both and when the clock starts', async () => {
    const r = await ask(bot, 'Hvor lang tid tar det å få data?');
    expect(r).toMatchObject({ intent: 'deadlines', rule: 'deadlines.both' });
    for (const f of ['30 dager', '60 dager', 'komplett søknad']) expect(r.text).toContain(f);
  });

  it.each([
    ['Hvor lang tid tar anonyme data?', '30 dager'],
    ['leveringstid for aggregerte tall?', '30 dager'],
    ['hvor lang tid tar statistikk', '30 dager'],
    ['Hvor lang tid tar personidentifiserbare opplysninger?', '60 dager'],
    ['leveringstid for pseudonymiserte data', '60 dager'],
    ['hvor lang tid tar avidentifiserte data', '60 dager'],
    ['frist for indirekte identifiserbare opplysninger', '60 dager'],
    ['how long for indentifiable data?', '60 days'],
  ])('deadlines "%s" → %s, saying why', async (q, days) => {
    const r = await ask(bot, q);
    expect(r).toMatchObject({ intent: 'deadlines', rule: 'deadlines.category' });
    expect(r.text).toContain(days);
    expect(r.text).toMatch(/hører til|regnes|belong|count as/);
  });

  it.each([
    ['Komplett søknad mottatt 3. mars 2027, når kommer personidentifiserbare data?', ['2. mai 2027', 'kalenderdager']],
    ['anonyme data, søknaden var komplett 1.12.2026', ['31. desember 2026']],
    ['complete application received 2027-02-10, statistics', ['12 March 2027', 'calendar days']],
    ['When is the deadline? Complete application 15 January 2027', ['14 February 2027', '16 March 2027']],
    ['identifiable data, complete application June 1st 2027', ['31 July 2027']],
  ])('deadlines with a date "%s"', async (q, facts) => {
    const r = await ask(bot, q);
    expect(r).toMatchObject({ intent: 'deadlines', rule: 'deadlines.date' });
    for (const f of facts) expect(r.text).toContain(f);
  });

  it('routes research to the helsedata.no forms', async () => {
    const r = await ask(bot, 'Hvordan søker jeg om data til et forskningsprosjekt?');
    expect(r).toMatchObject({ intent: 'apply_research', rule: 'routing.research' });
    expect(r.text).toContain('søknadsskjemaene på helsedata.no');
  });

  it.each([
    'Hvordan søker jeg om data til kvalitetsforbedring i kommunen?',
    'Vi er journalister og vil ha tall fra NPR, hvordan søker vi?',
    'How do I apply for NPR data for hospital administration and steering?',
    'Vi treng tal frå NPR til ein rapport som ikkje er forsking. Kvar spør vi?',
  ])('routes other purposes away from the forms: "%s"', async (q) => {
    const r = await ask(bot, q);
    expect(r).toMatchObject({ intent: 'apply_non_research', rule: 'routing.non_research', route: 'helseregistre@helsedir.no' });
    expect(r.text).toMatch(/helsedirektoratet\.no/);
    expect(r.text).toMatch(/ikke bruke søknadsskjemaene|ikkje bruke søknadsskjemaa|do not use the application forms/);
  });

  it('routes questions about one\'s own data to Helsenorge', async () => {
    const r = await ask(bot, 'Hvordan får jeg se hva som er registrert om meg selv?');
    expect(r).toMatchObject({ intent: 'own_data', rule: 'routing.own_data' });
    expect(r.text).toContain('Helsenorge');
  });

  it('says plainly what it cannot answer, with no NPR figures, and offers support', async () => {
    for (const q of ['Hva blir været i morgen?', 'Hva koster data fra Kreftregisteret?', 'Hvor mange pasienter fikk hofteprotese i 2023?']) {
      const r = await ask(bot, q);
      expect(r.intent, q).toBe('fallback');
      expect(r.text).toContain('helseregistre@helsedir.no');
      expect(r.text).toMatch(/support/);
      expect(r.text).not.toMatch(/\d{3}/);
    }
  });
});

describe('misspelt key words', () => {
  const bot = testBot();
  it.each([
    ['kostr det noe?', 'pricing', 'pricing.rate'],
    ['hva kosterr det', 'pricing', 'pricing.rate'],
    ['how long for statistcs?', 'deadlines', 'deadlines.category'],
    ['leveringstid for indentifiable data', 'deadlines', 'deadlines.category'],
    ['leveringstd?', 'deadlines', 'deadlines.both'],
    ['hvilke varibler finnes', 'variables', null],
  ])('"%s" is still %s', async (q, intent, rule) => {
    expect(await ask(bot, q)).toMatchObject({ intent, rule });
  });
});

describe('non-research requests', () => {
  it('offer a prefilled e-mail to the registry with the question in it, in every channel', async () => {
    const bot = testBot();
    const r = await ask(bot, 'Hvordan søker kommunen om data til kvalitetsforbedring?');
    expect(r.intent).toBe('apply_non_research');
    expect(r.mailto).toMatch(/^mailto:helseregistre@helsedir\.no\?subject=.+&body=.+/);
    expect(decodeURIComponent(r.mailto!)).toContain('Spørsmålet vårt: Hvordan søker kommunen om data til kvalitetsforbedring?');
    const { renderSlack } = await import('../src/channels/slack/render.js');
    const { renderCard } = await import('../src/channels/teams/card.js');
    const { viewOf } = await import('../src/channels/reply-view.js');
    expect(JSON.stringify(renderSlack(viewOf(bot, r), { action: { conversationId: 'c', lang: 'nb' } }))).toContain('<mailto:helseregistre@helsedir.no?subject=');
    expect(JSON.stringify(renderCard(viewOf(bot, r), 'c'))).toContain('"type":"Action.OpenUrl"');
    expect((await ask(bot, 'Hvordan søker jeg om data til et forskningsprosjekt?')).mailto).toBeUndefined();
  });
});
