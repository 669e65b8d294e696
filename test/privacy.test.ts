import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasBirthDate, hasValidCheckDigits, isIdentityNumber, redactIdentityNumbers, REDACTED } from '../src/core/privacy.js';
import { toAnswerJson } from '../src/core/types.js';
import {
  birthDigits,
  type CheckRule,
  identityNumbers,
  makeIdentityNumber,
  NUMBER_KINDS,
  type NumberKind,
  numberSurvives,
  numberWithChecks,
  SEPARATORS,
  validCheckDigits,
  writeNumber,
} from './helpers/identity-numbers.js';
import { ask, testBot } from './helpers/bot.js';

const fnr = identityNumbers('010190', 3);
const dnr = identityNumbers('410190', 2); // day + 40
const hnr = identityNumbers('015190', 2); // month + 40
const synthetic = identityNumbers('018190', 2); // month + 80
const from2032 = identityNumbers('020132', 3, 2); // check remainder 2: valid only under the 2032 rule

describe('identity numbers', () => {
  it('accepts valid fødselsnummer, D-nummer, H-nummer and synthetic numbers', () => {
    for (const n of [...fnr, ...dnr, ...hnr, ...synthetic]) expect(isIdentityNumber(n), n).toBe(true);
  });

  it('accepts numbers valid only under the check-digit rule from 2032', () => {
    expect(from2032.length).toBeGreaterThan(0);
    for (const n of from2032) expect(hasValidCheckDigits(n), n).toBe(true);
    expect(makeIdentityNumber('020132', '999')).toBe('02013299997'); // Skatteetaten's own example
  });

  it('rejects a wrong check digit and an impossible date', () => {
    const n = fnr[0]!;
    const wrong = n.slice(0, 10) + ((Number(n[10]) + 1) % 10);
    expect(isIdentityNumber(wrong)).toBe(false);
    expect(isIdentityNumber('32139012345')).toBe(false);
  });

  it('reads birth dates with the D-, H- and synthetic offsets, and only real calendar days', () => {
    for (const birth of ['010190', '410190', '015190', '018190', '418190', '311299', '290200', '290296', '711292', '319212'])
      expect(hasBirthDate(birth + '00000'), birth).toBe(true);
    for (const birth of ['000190', '320190', '400190', '720190', '010090', '011390', '014090', '015390', '018090', '019390', '290297', '310490', '300290'])
      expect(hasBirthDate(birth + '00000'), birth).toBe(false);
    expect(hasBirthDate('0101')).toBe(false);
  });

  it('redacts numbers written plain, with a space, with a dot or hyphen', () => {
    const n = fnr[0]!;
    for (const written of [n, `${n.slice(0, 6)} ${n.slice(6)}`, `${n.slice(0, 6)}.${n.slice(6)}`, `${n.slice(0, 6)}-${n.slice(6)}`]) {
      const r = redactIdentityNumbers(`fnr ${written}, hva nå?`);
      expect(r.text).toBe(`fnr ${REDACTED}, hva nå?`);
      expect(r.identityNumbers).toBe(1);
    }
  });

  it('redacts the written forms and surroundings the issue lists', () => {
    const cases: [string, string, number][] = [
      ['010170 - 00027', REDACTED, 1],
      ['010170–00027', REDACTED, 1],
      ['010170/00027', REDACTED, 1],
      ['0101 70 00027', REDACTED, 1],
      ['01.01.70 00027', REDACTED, 1],
      ['010170\u00a000027', REDACTED, 1],
      ['010170\u202f00027', REDACTED, 1],
      ['010170\u200b00027', REDACTED, 1],
      ['010170_00027', REDACTED, 1],
      ['01017000027 5 timer', `${REDACTED} 5 timer`, 1],
      ['5 01017000027', `5 ${REDACTED}`, 1],
      ['01017000027 01017000035', `${REDACTED} ${REDACTED}`, 2],
      ['3.12.2026 01017000027', `3.12.2026 ${REDACTED}`, 1],
      ['3.12.2026 01 01 70 00027', `3.12.2026 ${REDACTED}`, 1],
      ['3.12.2026 01.01.70 00027', `3.12.2026 ${REDACTED}`, 1],
      ['fnr:01017000027.', `fnr:${REDACTED}.`, 1],
      ['f.nr. 010170 00027', `f.nr. ${REDACTED}`, 1],
      ['(01017000027)', `(${REDACTED})`, 1],
      ['«01017000027»', `«${REDACTED}»`, 1],
      ['x01017000027y', `x${REDACTED}y`, 1],
    ];
    for (const [text, redacted, count] of cases) {
      const r = redactIdentityNumbers(text);
      expect(r.text, text).toBe(redacted);
      expect(r.redactions, text).toBe(count);
    }
  });

  it('leaves dates, times, prices, phone numbers, case numbers and years alone', () => {
    for (const text of [
      'mottatt 1.12.2026',
      'søknad 2027-02-10',
      '5 500 kr',
      'ring 22 33 44 55',
      'fra 1997 til 2024',
      'konto 1234 5678',
      'kom inn 5.01.2027 11.00',
      'kom inn 3.12.2026 10.30',
      'møte 3.12.2026 10.30-11.30',
      'kr 12 345 678,90',
      '1 100 000',
      'kr 10 120 345 678',
      '10 120 345 678,-',
      'sak 26/04417',
      'sak 2026/123456',
      '+47 22 33 44 55',
      '0047 22334455',
      '+12125550123',
      'konto 1234.56.78903',
      'ordre 1234567890123',
    ]) {
      expect(redactIdentityNumbers(text).text, text).toBe(text);
    }
  });

  // was: 'also redacts eleven digits that fail the check' with 12345678901, which has no birth date
  it('redacts a number with a birth date whatever its check digits, and no eleven digits without one', () => {
    const mistyped = redactIdentityNumbers('nummer 01017000028');
    expect(mistyped).toEqual({ text: `nummer ${REDACTED}`, redactions: 1, identityNumbers: 0 });
    expect(redactIdentityNumbers('nummer 12345678901').redactions).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Property-based tests: numbers of every kind, in every written form, in every surrounding.

const KINDS = Object.keys(NUMBER_KINDS) as NumberKind[];
const RULES: CheckRule[] = ['valid', '2032', 'invalid'];

type GeneratedNumber = { n: string; kind: NumberKind; rule: CheckRule };

const birthDate = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2039, 11, 31)), noInvalidDate: true });
const identityNumber: fc.Arbitrary<GeneratedNumber> = fc
  .record({ date: birthDate, kind: fc.constantFrom(...KINDS), rule: fc.constantFrom(...RULES), individual: fc.integer({ min: 0, max: 999 }) })
  .map(({ date, kind, rule, individual }) => ({ n: numberWithChecks(birthDigits(date, kind), individual, rule), kind, rule }));

const S = SEPARATORS;
const anySeparator = fc.constantFrom(...Object.values(S));
const oneOf = (...separators: string[]) => fc.constantFrom(...separators);
const spaced = (core: fc.Arbitrary<string>) =>
  fc.tuple(oneOf('', ' ', '  ', S.nbsp, S.narrowNbsp), core, oneOf('', ' ', '  ', S.nbsp, S.narrowNbsp)).map(([a, c, b]) => a + c + b);

type Form = { groups: number[]; separators: string[] };
const form = (groups: number[], ...separators: fc.Arbitrary<string>[]): fc.Arbitrary<Form> =>
  separators.length === 0 ? fc.constant({ groups, separators: [] }) : fc.tuple(...separators).map((s) => ({ groups, separators: s }));
/** Cuts 11 digits into 2-11 groups at random places. */
const anyGrouping = fc.uniqueArray(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 10 }).map((cuts) => {
  const at = [0, ...cuts.sort((a, b) => a - b), 11];
  return at.slice(1).map((end, i) => end - at[i]!);
});

/** 28 written forms: the separators of the issue, the usual groupings, random groupings and separators. */
const FORMS: Record<string, fc.Arbitrary<Form>> = {
  plain: form([11]),
  '6+5 space': form([6, 5], oneOf(S.space)),
  '6+5 spaces': form([6, 5], oneOf('  ', '   ', '    ')),
  '6+5 nbsp': form([6, 5], oneOf(S.nbsp)),
  '6+5 narrow nbsp': form([6, 5], oneOf(S.narrowNbsp)),
  '6+5 other space': form([6, 5], oneOf(S.thinSpace, S.enSpace, S.figureSpace, S.ideographicSpace, S.tab, '\u2003', '\u205f')),
  '6+5 hyphen': form([6, 5], oneOf(S.hyphen, S.nonBreakingHyphen, '\u2010')),
  '6+5 en dash': form([6, 5], oneOf(S.enDash)),
  '6+5 em dash': form([6, 5], oneOf(S.emDash)),
  '6+5 minus sign': form([6, 5], oneOf(S.minus)),
  '6+5 slash': form([6, 5], oneOf(S.slash)),
  '6+5 dot': form([6, 5], oneOf(S.dot)),
  '6+5 underscore': form([6, 5], oneOf(S.underscore)),
  '6+5 zero-width': form([6, 5], oneOf(S.zwsp, S.zwnj, S.zwj, S.wordJoiner, S.bom, S.softHyphen)),
  '6+5 spaced dash or slash': form([6, 5], spaced(oneOf(S.hyphen, S.enDash, S.emDash, S.minus, S.slash, S.dot))),
  '6+5 any separator': form([6, 5], anySeparator),
  '2+2+2+5 dots, space': form([2, 2, 2, 5], oneOf('.'), oneOf('.'), oneOf(' ')).map((f) => ({ ...f, separators: ['.', '.', ' '] })),
  '2+2+2+5 spaces': form([2, 2, 2, 5], oneOf(' ')).map((f) => ({ ...f, separators: [' ', ' ', ' '] })),
  '2+2+2+5 date separator, any separator': fc
    .tuple(oneOf('.', '/', '-', ' ', '', S.nbsp, S.zwsp), anySeparator)
    .map(([date, split]) => ({ groups: [2, 2, 2, 5], separators: [date, date, split] })),
  '3+3+5': fc.tuple(oneOf(' ', '.', '-', S.nbsp)).map(([s]) => ({ groups: [3, 3, 5], separators: [s, s] })),
  '4+2+5': fc.tuple(oneOf(' ', '.', S.nbsp), anySeparator).map(([a, b]) => ({ groups: [4, 2, 5], separators: [a, b] })),
  '6+3+2': fc.tuple(oneOf(' ', '-', '.')).map(([s]) => ({ groups: [6, 3, 2], separators: [s, s] })),
  '2+2+7': fc.tuple(oneOf(' ', '.', '/')).map(([s]) => ({ groups: [2, 2, 7], separators: [s, s] })),
  'digit by digit': fc.tuple(oneOf(' ', '-', '.', S.zwsp)).map(([s]) => ({ groups: Array<number>(11).fill(1), separators: [s] })),
  'random grouping, one separator': fc.tuple(anyGrouping, anySeparator).map(([groups, s]) => ({ groups, separators: [s] })),
  // a separator per gap; not the date separators . / -, which would write dates ("01 17/04/1890 2")
  'random grouping, random separators': fc
    .tuple(anyGrouping, fc.array(oneOf(' ', '  ', S.nbsp, S.narrowNbsp, S.thinSpace, S.underscore, S.zwsp, S.wordJoiner, S.emDash), { minLength: 10, maxLength: 10 }))
    .map(([groups, separators]) => ({ groups, separators })),
  '6+5 separator run': form([6, 5], fc.array(anySeparator, { minLength: 1, maxLength: 2 }).map((s) => s.join('').slice(0, 8))),
  '6+5 line break': form([6, 5], oneOf('\n', '\r\n', ' \n')),
};
const FORM_NAMES = Object.keys(FORMS);
const writtenForm = fc.constantFrom(...FORM_NAMES).chain((name) => FORMS[name]!.map((f) => ({ name, ...f })));

const WORDS = ['hei', 'mitt', 'fødselsnummer', 'er', 'pasienten', 'har', 'søknad', 'om', 'data', 'fra', 'NPR', 'hva', 'koster', 'det', 'my', 'id', 'number', 'is', 'the', 'patient', 'please', 'og', 'and', 'sak', 'fikk'];
const words = fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 4 }).map((w) => w.join(' '));
/** What may stand right before a number: nothing, words, labels, punctuation, other numbers, dates, times. */
const BEFORE = ['', 'fnr ', 'fnr: ', 'fnr:', 'f.nr. ', 'f.nr.', 'Fødselsnummer: ', 'ID number ', 'nr.', '(', '"', '«', '[', "'", '5 ', '12 ', '123 ', '5. ', '3.12.2026 ', '1.1.2027 ', '2026-04-17 ', '5.01.2027 11.00 ', '3.12.2026 10.30 ', 'kl 10.30 ', 'kl. 9:15 ', '26/04417 ', 'tlf 22 33 44 55 ', 'kr 5 500 ', '1 100 000 ', 'x', 'pasient-', '- ', '\n'];
/** What may stand right after a number. */
const AFTER = ['', '.', ',', '?', '!', ')', '"', '»', ']', ':', ';', ' 5 timer', ' 5', ' 12 timer', ' 123', ' 3.12.2026', ' 3.12.2026 10.30', ' 10.30', ' kl 10.30', ' 22 33 44 55', ' kr 5 500', ' 1 100 000', ' 2026', '-5', 'abc', ' og', '\n'];
/** Between two numbers in one text. */
const BETWEEN = [' ', ', ', ' og ', ' / ', '; ', '\n', ' and '];

type Case = { text: string; numbers: GeneratedNumber[]; form: string; usualForms: boolean };
/** Forms with no usual grouping: with digits on both sides, how many numbers they hold can be ambiguous. */
const UNUSUAL_FORMS = new Set(['digit by digit', 'random grouping, one separator', 'random grouping, random separators']);

const joinable = (left: string, right: string) => !(/\d$/.test(left) && /^\d/.test(right));
const placed = fc
  .tuple(identityNumber, writtenForm, fc.constantFrom(...BEFORE), fc.constantFrom(...AFTER))
  .map(([number, f, before, after]) => ({ number, form: f.name, written: writeNumber(number.n, f.groups, f.separators), before, after }))
  .filter(({ written, before, after }) => joinable(before, written) && joinable(written, after));
const testCase: fc.Arbitrary<Case> = fc
  .tuple(words, placed, fc.option(fc.tuple(fc.constantFrom(...BETWEEN), placed), { freq: 4 }), words)
  .map(([w1, first, second, w2]) => {
    let text = `${w1} ${first.before}${first.written}${first.after}`;
    const numbers = [first.number];
    let usualForms = !UNUSUAL_FORMS.has(first.form);
    if (second) {
      const [between, other] = second;
      text += `${between}${other.before}${other.written}${other.after}`;
      numbers.push(other.number);
      usualForms &&= !UNUSUAL_FORMS.has(other.form);
    }
    return { text: `${text} ${w2}`, numbers, form: first.form, usualForms };
  });

describe('identity numbers, property-based', () => {
  it('generates every kind and check rule correctly', () => {
    fc.assert(
      fc.property(identityNumber, ({ n, kind, rule }) => {
        expect(n).toMatch(/^\d{11}$/);
        expect(hasBirthDate(n)).toBe(true);
        expect(validCheckDigits(n)).toBe(rule !== 'invalid');
        expect(hasValidCheckDigits(n)).toBe(rule !== 'invalid');
        if (rule !== 'invalid') expect(isIdentityNumber(n), `${kind} ${n}`).toBe(true);
      }),
    );
  });

  it('removes every number in every written form and surrounding, and counts it', () => {
    fc.assert(
      fc.property(testCase, ({ text, numbers, usualForms }) => {
        const r = redactIdentityNumbers(text);
        for (const { n } of numbers) expect(numberSurvives(r.text, n), `${n} in ${JSON.stringify(r.text)}`).toBe(false);
        // "12 3 4 5 6 7 8 9 0 1 2 3 4 5": one number in an unusual grouping with digits on both sides may count as two
        if (usualForms) expect(r.redactions, JSON.stringify(text)).toBe(numbers.length);
        else expect(Math.abs(r.redactions - numbers.length), JSON.stringify(text)).toBeLessThanOrEqual(1);
        expect(r.identityNumbers).toBeLessThanOrEqual(numbers.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts the numbers with valid check digits as identity numbers', () => {
    fc.assert(
      fc.property(identityNumber, writtenForm, words, ({ n, rule }, f, w) => {
        const r = redactIdentityNumbers(`${w} ${writeNumber(n, f.groups, f.separators)} ${w}`);
        expect(r.redactions).toBe(1);
        expect(r.identityNumbers).toBe(rule === 'invalid' ? 0 : 1);
        expect(r.text).toBe(`${w} ${REDACTED} ${w}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('has a recall of at least 99.9 % over 16 000 generated cases, in every written form', () => {
    const cases = fc.sample(testCase, { numRuns: 16_000 });
    const seen = new Map<string, { total: number; caught: number }>();
    let total = 0;
    let caught = 0;
    for (const { text, numbers, form } of cases) {
      const r = redactIdentityNumbers(text);
      for (const { n } of numbers) {
        const gone = !numberSurvives(r.text, n);
        total++;
        if (gone) caught++;
        const f = seen.get(form) ?? { total: 0, caught: 0 };
        f.total++;
        if (gone) f.caught++;
        seen.set(form, f);
      }
    }
    expect(total).toBeGreaterThanOrEqual(16_000);
    expect(caught / total).toBeGreaterThanOrEqual(0.999);
    expect([...seen.keys()].sort()).toEqual([...FORM_NAMES].sort());
    for (const [form, f] of seen) expect(f.caught / f.total, form).toBeGreaterThanOrEqual(0.99);
  });

  // dates, times, amounts and phone numbers that must come through unchanged
  const two = (n: number) => String(n).padStart(2, '0');
  const someDate = fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2039, 11, 31)), noInvalidDate: true });
  const dateText = fc.tuple(someDate, fc.constantFrom('d.m.yyyy', 'dd.mm.yyyy', 'd/m/yyyy', 'dd/mm/yyyy', 'd-m-yyyy', 'yyyy-mm-dd')).map(([date, f]) => {
    const [d, m, y] = [date.getUTCDate(), date.getUTCMonth() + 1, date.getUTCFullYear()];
    if (f === 'yyyy-mm-dd') return `${y}-${two(m)}-${two(d)}`;
    const sep = f.includes('/') ? '/' : f.includes('-') ? '-' : '.';
    return f.startsWith('dd') ? `${two(d)}${sep}${two(m)}${sep}${y}` : `${d}${sep}${m}${sep}${y}`;
  });
  const timeText = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('.', ':'), fc.boolean())
    .map(([h, m, sep, pad]) => `${pad ? two(h) : h}${sep}${two(m)}`);
  const times = fc
    .tuple(timeText, fc.option(fc.tuple(fc.constantFrom('-', ' - ', '–'), timeText)))
    .map(([from, to]) => (to === null ? from : `${from}${to[0]}${to[1]}`));
  const thousands = (n: number, sep: string) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  const amount = fc
    .tuple(fc.integer({ min: 1, max: 999_999_999 }), fc.constantFrom(' ', '\u00a0', '\u202f', '.'), fc.constantFrom('kr {}', '{} kr', 'kr {},-', 'kr {},90', '{} NOK', '{}', 'NOK {}'))
    .map(([n, sep, shape]) => shape.replace('{}', thousands(n, sep)));
  const phone = fc
    .tuple(fc.integer({ min: 20_000_000, max: 99_999_999 }), fc.constantFrom('+47 {2} {2} {2} {2}', '{2} {2} {2} {2}', '0047 {8}', '{8}', '+47 {8}', '{3} {2} {3}', '+47{8}'))
    .map(([n, shape]) => {
      const digits = String(n);
      let at = 0;
      return shape.replace(/\{(\d)\}/g, (_, size: string) => digits.slice(at, (at += Number(size))));
    });
  const caseNumber = fc.tuple(fc.integer({ min: 2000, max: 2039 }), fc.integer({ min: 1, max: 999_999 }), fc.boolean()).map(([y, n, short]) => `${short ? two(y % 100) : y}/${String(n).padStart(5, '0')}`);

  it('leaves dates followed by clock times, amounts and phone numbers unchanged', () => {
    fc.assert(
      fc.property(
        words,
        dateText,
        fc.option(times, { freq: 5 }),
        fc.constantFrom(' ', ', ', ' og ', ' - ', ' ring ', ' tlf. ', ' pris '),
        fc.oneof(amount, phone, caseNumber),
        words,
        (w1, date, time, join, other, w2) => {
          const text = `${w1} ${date}${time === null ? '' : ` ${time}`}${join}${other} ${w2}`;
          expect(redactIdentityNumbers(text)).toEqual({ text, redactions: 0, identityNumbers: 0 });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('leaves amounts, phone numbers, case numbers and years alone on their own', () => {
    fc.assert(
      fc.property(fc.oneof(amount, phone, caseNumber, dateText, fc.integer({ min: 1900, max: 2100 }).map(String)), words, (thing, w) => {
        const text = `${w} ${thing}. ${w}`;
        expect(redactIdentityNumbers(text).text).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('identity numbers in questions', () => {
  const bot = testBot();
  const all = [...fnr, ...dnr, ...hnr, ...from2032];

  it('never appear in the answer or its JSON, which asks not to share them and still answers', async () => {
    for (const n of all) {
      const reply = await ask(bot, `Hei, mitt fødselsnummer er ${n.slice(0, 6)} ${n.slice(6)}. Hva koster 5 timer?`);
      const json = JSON.stringify(toAnswerJson(reply));
      expect(json).not.toContain(n);
      expect(json).not.toContain(n.slice(6));
      expect(reply.question).toContain(REDACTED);
      expect(reply.text).toMatch(/Ikke del personopplysninger/);
      expect(reply.intent).toBe('pricing');
      expect(reply.text).toContain('6 875');
    }
  });

  it('are not kept in conversation state', async () => {
    const n = fnr[1]!;
    await bot.answer({ conversationId: 'privacy-state', text: `pasient ${n} hvor lang tid tar det?` });
    const state = await bot.store.get('privacy-state');
    expect(JSON.stringify(state)).not.toContain(n);
  });
});
