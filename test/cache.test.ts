import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot, PROJECT_ROOT, knowledgeDir, loadBotData, preparedBotData, type BotData, type Preparation } from '../src/core/bot.js';
import { BUILT_CACHE_DIR, cacheKey, cachePlaces, decodeCache, encodeCache, readCache, UnfitCache, type CachePayload } from '../src/core/cache.js';
import { holidayTable } from '../src/core/answer/rules/calendar.js';
import { calendarNames } from '../src/core/understand/slots.js';
import { longDate, longDateParts } from '../src/core/knowledge/format.js';
import { EVAL_NOW, loadQuestionSet, QUESTION_SETS, setDir } from '../src/tools/evaluate.js';

// every cache these tests write goes into this folder, never into the work tree
const dir = mkdtempSync(join(tmpdir(), 'npr-cache-test-'));
const env = { NPR_CACHE_DIR: dir };
let cold: { data: BotData; how: Preparation };
let warm: { data: BotData; how: Preparation };
let file: string;

beforeAll(() => {
  cold = preparedBotData(PROJECT_ROOT, env);
  warm = preparedBotData(PROJECT_ROOT, env);
  file = join(dir, readdirSync(dir)[0]!);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const asked = (bot: Bot) => async (conversationId: string, text: string) => JSON.stringify(await bot.answer({ conversationId, text }));

describe('the start-up cache', () => {
  it('is written when the data is read from the files, and read the next time', () => {
    expect(cold.how).toEqual({ from: 'files', wrote: file });
    expect(warm.how).toEqual({ from: 'cache', file });
    expect(readdirSync(dir)).toHaveLength(1); // written to a temporary file and renamed: nothing else left
  });

  it('holds the same data as the files: every entry, intent, line number and lexicon word', () => {
    expect(warm.data).toEqual(cold.data);
    expect(warm.data).toEqual(loadBotData());
  });

  // some 2 600 answers, twice: 4-7 s on a busy machine
  it('gives a bot that answers every question of the development and blind sets exactly as one trained from the files', { timeout: 60_000 }, async () => {
    const fromFiles = asked(new Bot({ data: cold.data, now: () => EVAL_NOW }));
    const fromCache = asked(new Bot({ data: warm.data, now: () => EVAL_NOW }));
    let turns = 0;
    const differ: string[] = [];
    for (const set of QUESTION_SETS) {
      let n = 0;
      for (const { turns: conversation } of loadQuestionSet(setDir(set.name))) {
        const id = `${set.name}-${n++}`;
        for (const turn of conversation) {
          const [a, b] = [await fromFiles(id, turn.q), await fromCache(id, turn.q)];
          turns++;
          if (a !== b) differ.push(`${set.name}: ${turn.q}\n  files: ${a}\n  cache: ${b}`);
        }
      }
    }
    // and the held-out intent tests, which reach corners the sets do not
    for (const intent of cold.data.intents) {
      for (const q of [...intent.tests.nb, ...intent.tests.nn, ...intent.tests.en]) {
        const [a, b] = [await fromFiles(`held-out-${turns}`, q), await fromCache(`held-out-${turns}`, q)];
        turns++;
        if (a !== b) differ.push(`held out: ${q}\n  files: ${a}\n  cache: ${b}`);
      }
    }
    expect(turns).toBeGreaterThan(1800);
    expect(differ).toEqual([]);
  });

  it('keeps the trained models bit for bit', () => {
    const a = new Bot({ data: cold.data }).reader.state();
    const b = new Bot({ data: warm.data }).reader.state();
    expect(Buffer.from(b.classifier.topics.weights.buffer).equals(Buffer.from(a.classifier.topics.weights.buffer))).toBe(true);
    expect(Buffer.from(b.classifier.scope.weights.buffer).equals(Buffer.from(a.classifier.scope.weights.buffer))).toBe(true);
    expect(b).toEqual(a);
  });

  it('keeps the public holidays date-holidays gives, in both languages', () => {
    const Holidays = createRequire(import.meta.url)('date-holidays') as typeof import('date-holidays').default;
    const table = decodeCache(readFileSync(file), cacheKey(PROJECT_ROOT, knowledgeDir())).holidays;
    expect(table.length).toBeGreaterThanOrEqual(2 * 15);
    for (const { year, lang, days } of table) {
      // by day, as the calendar looks them up (a day that is two holidays is named by the last)
      const expected = new Map(new Holidays('NO', { languages: [lang] }).getHolidays(year).filter((h) => h.type === 'public').map((h) => [h.date.slice(0, 10), h.name]));
      expect(days, `${year} ${lang}`).toEqual([...expected]);
    }
    expect(table.find((t) => t.year === 2027 && t.lang === 'en')!.days).toContainEqual(['2027-05-06', 'Ascension Day']);
  });

  it('keeps the month and weekday names ICU gives, in the order it gave them', () => {
    const { calendar } = decodeCache(readFileSync(file), cacheKey(PROJECT_ROOT, knowledgeDir()));
    const icu = (locale: string, options: Intl.DateTimeFormatOptions, date: Date) => new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(date).toLowerCase().replace(/\.$/, '');
    for (const locale of ['nb', 'nn', 'en-GB', 'en-US']) {
      for (const width of ['long', 'short'] as const) {
        for (let m = 0; m < 12; m++) expect(calendar.months).toContainEqual([icu(locale, { month: width }, new Date(Date.UTC(2000, m, 1))), m + 1]);
        for (let d = 0; d < 7; d++) expect(calendar.weekdays).toContainEqual([icu(locale, { weekday: width }, new Date(Date.UTC(2000, 0, 2 + d))), d]);
      }
    }
    expect(calendar.weekdays).toContainEqual(['mandags', 1]);
    expect(calendar).toEqual(calendarNames());
  });

  it('keeps the long dates taken apart, which write every day of two centuries as ICU does', () => {
    const { longDates } = decodeCache(readFileSync(file), cacheKey(PROJECT_ROOT, knowledgeDir()));
    const locales = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' } as const;
    const differ: string[] = [];
    for (const lang of ['nb', 'nn', 'en'] as const) {
      const icu = new Intl.DateTimeFormat(locales[lang], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
      for (let t = Date.UTC(1950, 0, 1); t < Date.UTC(2150, 0, 1); t += 86_400_000) {
        const day = new Date(t);
        if (longDate(longDates[lang]!, day) !== icu.format(day)) differ.push(`${lang} ${day.toISOString()}: ${longDate(longDates[lang]!, day)} ≠ ${icu.format(day)}`);
      }
    }
    expect(differ.slice(0, 5)).toEqual([]);
    expect(longDate(longDates.nb!, new Date(Date.UTC(2027, 4, 2)))).toBe('søndag 2. mai 2027');
    expect(longDate(longDates.en!, new Date(Date.UTC(2027, 4, 2)))).toBe('Sunday, 2 May 2027');
  });
});

describe('npm run ask -- --json in a process of its own', () => {
  /** 189 questions of the blind sets, one a line, as `ask --json` reads them: deadlines with holidays among them. */
  const questions = QUESTION_SETS.filter((s) => s.kind === 'blind')
    .flatMap((s) => loadQuestionSet(setDir(s.name)).map((c) => c.turns[0]!.q))
    .filter((q) => !q.includes('\n'))
    .slice(0, 189);
  const ask = (cacheDir: string, nodeOptions: string[] = []) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', ...nodeOptions, join('src', 'cli', 'ask.ts'), '--json'], {
      cwd: PROJECT_ROOT,
      input: `${questions.join('\n')}\n`,
      encoding: 'utf8',
      env: { ...process.env, NPR_CACHE_DIR: cacheDir },
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout;
  };

  it('answers alike from the files, from the cache it wrote, and with no cache at all', { timeout: 120_000 }, () => {
    const own = mkdtempSync(join(tmpdir(), 'npr-cache-test-'));
    try {
      const cold = ask(own);
      expect(readdirSync(own)).toHaveLength(1);
      const warm = ask(own);
      expect(cold.split('\n').filter(Boolean)).toHaveLength(189);
      expect(warm).toBe(cold);
      expect(ask('off')).toBe(cold);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('from its cache, loads none of the libraries that read and check the files, nor the logger', { timeout: 120_000 }, () => {
    const own = mkdtempSync(join(tmpdir(), 'npr-cache-test-'));
    try {
      // every module the process loads, ES (a resolve hook) or CommonJS (require's cache at exit), one a line
      const loaded = join(own, 'loaded.txt');
      const hooks = join(own, 'hooks.mjs');
      writeFileSync(
        hooks,
        `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(loaded)}, result.url + '\\n');
  return result;
}
`,
      );
      const recorder = join(own, 'recorder.mjs');
      writeFileSync(
        recorder,
        `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
register(pathToFileURL(${JSON.stringify(hooks)}));
process.on('exit', () => appendFileSync(${JSON.stringify(loaded)}, Object.keys(createRequire(import.meta.url).cache).join('\\n') + '\\n'));
`,
      );
      const libraries = () => {
        const seen = readFileSync(loaded, 'utf8');
        rmSync(loaded);
        return new Set([...seen.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]));
      };
      const cache = join(own, 'cache');
      ask(cache, ['--import', recorder]);
      const fromFiles = libraries();
      ask(cache, ['--import', recorder]);
      const fromCache = libraries();
      // the recorder sees both kinds: yaml and zod are required, lunr too, entities imported
      for (const name of ['yaml', 'zod', 'lunr', 'entities']) expect(fromFiles).toContain(name);
      expect(fromCache).toContain('lunr');
      expect(fromCache).toContain('entities');
      for (const name of ['yaml', 'zod', 'pino', 'date-holidays']) expect(fromCache).not.toContain(name);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('a cache that does not fit is ignored, never taken', () => {
  const key = () => cacheKey(PROJECT_ROOT, knowledgeDir());
  const payload = (): CachePayload => ({ data: cold.data, reader: new Bot({ data: cold.data }).reader.state(), holidays: holidayTable(2026, 2027), calendar: calendarNames(), longDates: longDateParts() });
  const unfit = (bytes: Buffer) => {
    try {
      decodeCache(bytes, key());
    } catch (error) {
      expect(error).toBeInstanceOf(UnfitCache);
      return (error as Error).message;
    }
    throw new Error('the damaged cache was taken');
  };

  it('a flipped bit anywhere: the checksum', () => {
    const bytes = readFileSync(file);
    // after the key (bytes 12–43), which a flipped bit makes another cache's
    for (const at of [48, 1000, Math.floor(bytes.length / 2), bytes.length - 100, bytes.length - 1]) {
      const damaged = Buffer.from(bytes);
      damaged[at]! ^= 0x10;
      expect(unfit(damaged)).toMatch(/checksum/);
    }
    const key = Buffer.from(bytes);
    key[20]! ^= 1;
    expect(unfit(key)).toMatch(/other data or code/);
  });

  it('a file cut short, an empty file, another kind of file', () => {
    const bytes = readFileSync(file);
    expect(unfit(bytes.subarray(0, bytes.length - 1))).toMatch(/checksum/);
    expect(unfit(Buffer.alloc(0))).toMatch(/not a cache file/);
    expect(unfit(Buffer.from('{"hello": "world"}'))).toMatch(/not a cache file/);
  });

  it('a cache of other data or other code: the key', () => {
    expect(() => decodeCache(readFileSync(file), 'f'.repeat(64))).toThrow(/other data or code/);
  });

  it('a header whose shape is wrong, even with a checksum that agrees (a writer of another version)', () => {
    const p = payload();
    const broken = { ...p, reader: { ...p.reader, vocabulary: { ...p.reader.vocabulary, counts: p.reader.vocabulary.counts.map(String) as unknown as number[] } } };
    expect(unfit(encodeCache(key(), broken))).toMatch(/header.reader.vocabulary.counts.0 is not a number/);
    const noLexicon = { ...p, data: { ...p.data, lexicon: undefined as unknown as BotData['lexicon'] } };
    expect(unfit(encodeCache(key(), noLexicon))).toMatch(/header.data.lexicon is not an object/);
    const noPrices = { ...p, data: { ...p.data, priceFacts: undefined as unknown as BotData['priceFacts'] } };
    expect(unfit(encodeCache(key(), noPrices))).toMatch(/header.data.priceFacts is not an object/);
    const monthAsText = { ...p, calendar: { ...p.calendar, months: p.calendar.months.map(([name, m]) => [name, String(m)]) as unknown as [string, number][] } };
    expect(unfit(encodeCache(key(), monthAsText))).toMatch(/header.calendar.months.0.1 is not a count/);
    const fieldAsNumber = { ...p, longDates: { ...p.longDates, en: { ...p.longDates.en!, pattern: [1 as unknown as string] } } };
    expect(unfit(encodeCache(key(), fieldAsNumber))).toMatch(/header.longDates.en.pattern.0 is not an object/);
  });

  it('models whose size does not fit their features: not taken, trained again', () => {
    const p = payload();
    const short = { ...p, reader: { ...p.reader, classifier: { ...p.reader.classifier, features: p.reader.classifier.features.slice(1) } } };
    const other = mkdtempSync(join(tmpdir(), 'npr-cache-test-'));
    try {
      writeFileSync(join(other, readdirSync(dir)[0]!), encodeCache(key(), short));
      const again = preparedBotData(PROJECT_ROOT, { NPR_CACHE_DIR: other });
      expect(again.how.from).toBe('files');
      // and the cache is written again, whole
      expect(preparedBotData(PROJECT_ROOT, { NPR_CACHE_DIR: other }).how.from).toBe('cache');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a damaged file in the cache folder is passed over, rebuilt from the files and replaced', () => {
    const other = mkdtempSync(join(tmpdir(), 'npr-cache-test-'));
    try {
      const target = join(other, readdirSync(dir)[0]!);
      const damaged = readFileSync(file);
      damaged[damaged.length >> 1]! ^= 1;
      writeFileSync(target, damaged);
      const skipped: string[] = [];
      expect(readCache([other], key(), (_file, why) => skipped.push(why))).toBeUndefined();
      expect(skipped).toEqual(['the checksum does not match']);
      expect(preparedBotData(PROJECT_ROOT, { NPR_CACHE_DIR: other }).how).toEqual({ from: 'files', wrote: target });
      expect(readFileSync(target).equals(readFileSync(file))).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('where the cache lives', () => {
  it('NPR_CACHE_DIR, or off; by default the one built into dist/ and node_modules/.cache, which tests never write', () => {
    expect(cachePlaces('/app', { NPR_CACHE_DIR: '/var/cache/npr' })).toEqual({ read: ['/var/cache/npr'], write: '/var/cache/npr' });
    expect(cachePlaces('/app', { NPR_CACHE_DIR: 'off' })).toEqual({ read: [] });
    expect(cachePlaces('/app', {})).toEqual({ read: [BUILT_CACHE_DIR, '/app/node_modules/.cache/npr-bot'], write: '/app/node_modules/.cache/npr-bot' });
    expect(cachePlaces('/app', { NODE_ENV: 'test' }).write).toBeUndefined();
    expect(cachePlaces('/app', { VITEST: 'true' }).write).toBeUndefined();
    expect(cachePlaces(PROJECT_ROOT).write).toBeUndefined(); // this process is a test
  });

  it('a folder that cannot be written costs only the time: the data comes from the files', () => {
    const blocked = mkdtempSync(join(tmpdir(), 'npr-cache-test-'));
    try {
      writeFileSync(join(blocked, 'a-file'), '');
      // a folder inside a file cannot be made (ENOTDIR), as on a read-only file system (EROFS)
      const { data, how } = preparedBotData(PROJECT_ROOT, { NPR_CACHE_DIR: join(blocked, 'a-file', 'cache') });
      expect(how.from).toBe('files');
      expect(how.from === 'files' && how.notWritten).toMatch(/ENOTDIR/);
      expect(data.intents.length).toBe(cold.data.intents.length);
      expect(readdirSync(blocked)).toEqual(['a-file']);
    } finally {
      rmSync(blocked, { recursive: true, force: true });
    }
  });

  it('the key changes with any file of the knowledge folder or intents/, and with the folder', () => {
    const copy = mkdtempSync(join(tmpdir(), 'npr-cache-test-'));
    try {
      cpSync(join(PROJECT_ROOT, 'knowledge'), join(copy, 'knowledge'), { recursive: true });
      const here = cacheKey(PROJECT_ROOT, join(PROJECT_ROOT, 'knowledge'));
      const there = cacheKey(PROJECT_ROOT, join(copy, 'knowledge'));
      expect(there).not.toBe(here);
      expect(cacheKey(PROJECT_ROOT, join(copy, 'knowledge'))).toBe(there);
      const price = join(copy, 'knowledge', 'price.md');
      writeFileSync(price, readFileSync(price, 'utf8').replace('hourlyRateNok: 1100', 'hourlyRateNok: 1200'));
      const edited = cacheKey(PROJECT_ROOT, join(copy, 'knowledge'));
      expect(edited).not.toBe(there);
      writeFileSync(join(copy, 'knowledge', 'bot', 'new.md'), '');
      expect(cacheKey(PROJECT_ROOT, join(copy, 'knowledge'))).not.toBe(edited);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
