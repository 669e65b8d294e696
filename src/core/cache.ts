/**
 * The start-up cache: knowledge/ and intents/ as validated data, and the models trained on them,
 * kept in one file so that a start with unchanged data neither parses YAML nor trains again.
 *
 * A cache file belongs to one key: a hash of every file in the knowledge folder and intents/,
 * of the core's code (so a change to a loader or to training never meets an old cache), of the
 * package version, Node's version and the versions of the libraries that read and stem the
 * words. Only data that passed every check of the files is written. A file is taken only when
 * its key, its SHA-256 checksum and the shape of what it holds (and the models' sizes) all
 * agree; anything else is ignored and rebuilt from the files. Writing is best-effort and atomic
 * (a temporary file renamed into place): a read-only file system only costs the start its time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BotData } from './bot.js';
import type { KnowledgeEntry } from './knowledge/entry.js';
import type { PriceFacts } from './knowledge/schema.js';
import type { IntentDef } from './intents/schema.js';
import type { Lexicon } from './lexicon.js';
import type { ReaderState } from './understand/understand.js';
import type { LanguageState } from './understand/language.js';
import type { VocabularyState } from './understand/vocabulary.js';
import type { ModelState } from './understand/classifier.js';
import type { HolidayTable } from './answer/rules/calendar.js';
import type { CalendarNames } from './understand/slots.js';
import type { LongDates } from './knowledge/format.js';

/** Changes whenever what a cache file holds, or how, changes. */
export const CACHE_FORMAT = 4;
const MAGIC = Buffer.from('NPRCACHE', 'latin1');
const SUFFIX = '.npr-cache';
/** Cache files kept in a folder (other knowledge folders, earlier versions of the data); older ones are removed. */
const KEEP_FILES = 4;
/** Libraries whose versions can change how the data is read or the words stemmed. */
const LIBRARIES = ['yaml', 'zod', 'lunr', 'lunr-languages', 'fastest-levenshtein', 'date-holidays'];

/** The folder this module was loaded from: src/core under tsx, dist/core when built. */
const CODE_DIR = dirname(fileURLToPath(import.meta.url));
/** The cache `npm run build` writes beside the compiled code (dist/cache), read-only at run time. */
export const BUILT_CACHE_DIR = resolve(CODE_DIR, '..', 'cache');

export interface CachePlaces {
  /** Folders to look in for a cache that fits, in order. */
  read: string[];
  /** Where to write one when none fits; undefined: nowhere. */
  write?: string;
}

/**
 * Where the cache is read and written. `NPR_CACHE_DIR`: that folder only (`off`: no cache at all).
 * Otherwise the cache built into dist/ and node_modules/.cache/npr-bot/, which is also where a
 * new one is written, except under tests (NODE_ENV=test, vitest), which write none.
 */
export function cachePlaces(root: string, env: NodeJS.ProcessEnv = process.env): CachePlaces {
  const dir = env.NPR_CACHE_DIR?.trim();
  if (dir === 'off') return { read: [] };
  if (dir) return { read: [resolve(dir)], write: resolve(dir) };
  const local = join(root, 'node_modules', '.cache', 'npr-bot');
  const testing = env.NODE_ENV === 'test' || !!env.VITEST;
  return { read: [BUILT_CACHE_DIR, local], ...(testing ? {} : { write: local }) };
}

/**
 * Every file under `folder`, sorted: its path, and its name relative to the folder, cut from the
 * path the listing gives rather than worked out by path.relative (some 90 files at every start).
 * None when the folder does not exist.
 */
function filesUnder(folder: string, skip: (name: string) => boolean = () => false): { path: string; name: string }[] {
  const dir = resolve(folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && !skip(d.name))
    .map((d) => {
      const path = join(d.parentPath, d.name);
      return { path, name: path.slice(dir.length + 1) };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function versionOf(root: string, name: string): string {
  try {
    return String((JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'unknown';
  }
}

function readVersion(root: string): string {
  try {
    return String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'unknown';
  }
}

/** The key of the data in `knowledge` and `root`/intents as this code reads it: a SHA-256 in hex. */
export function cacheKey(root: string, knowledge: string): string {
  const hash = createHash('sha256');
  const add = (label: string, content: string | Buffer) => {
    hash.update(`${label}\0${content.length}\0`);
    hash.update(content);
  };
  add('format', String(CACHE_FORMAT));
  add('node', process.version);
  // Node may use the system's ICU, whose month and weekday names and date formats the cache keeps
  add('icu', `${process.versions.icu} ${process.versions.cldr} ${process.versions.unicode}`);
  add('package', readVersion(root));
  for (const name of LIBRARIES) add(`library ${name}`, versionOf(root, name));
  for (const file of filesUnder(CODE_DIR, (name) => name.endsWith('.map'))) add(`code ${file.name}`, readFileSync(file.path));
  add('knowledge folder', relative(root, knowledge));
  for (const file of filesUnder(knowledge)) add(`knowledge ${file.name}`, readFileSync(file.path));
  for (const file of filesUnder(join(root, 'intents'))) add(`intents ${join('intents', file.name)}`, readFileSync(file.path));
  return hash.digest('hex');
}

const fileOf = (dir: string, key: string) => join(dir, `bot-${key.slice(0, 32)}${SUFFIX}`);

// The header's shape. The data in it passed every check of the files when the cache was written
// (the zod schemas and the cross-references); the checksum says these are the bytes written then,
// and the key that they were made from the same files by the same code. Checking the data with
// its zod schemas again would cost more than the rest of the load (zod compiles each schema on
// first use), so the shape the code below relies on is checked by hand.
interface Header {
  data: {
    entries: (Record<string, unknown> & { id: string; sections: [string, { text: string; line: number }][]; lines: [string, number][] })[];
    intents: (Record<string, unknown> & { intent: string; lines: [string, number][] })[];
    lexicon: Record<string, unknown>;
    priceFacts: Record<string, unknown>;
  };
  reader: {
    features: string[];
    foreign: string[];
    topics: ModelShape;
    scope: ModelShape;
    vocabulary: VocabularyState;
    language: LanguageState;
  };
  holidays: HolidayTable;
  calendar: CalendarNames;
  longDates: LongDates;
}
/** A model in the header: its classes and how many floats its weights and biases take. */
interface ModelShape {
  classes: string[];
  weights: number;
  bias: number;
}

/**
 * Where a value is in the header: the field names and list places down to it. One array for the
 * whole check, pushed and popped, and read only for a failure: the lists hold some 60 000 items.
 */
type Path = (string | number)[];
/** Checks a value at `path`. */
type Check = (x: unknown, path: Path) => void;
const fail = (path: Path, what: string): never => {
  throw new UnfitCache(`the header does not have the expected shape: ${['header', ...path].join('.')} is not ${what}`);
};
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const string: Check = (x, path) => void (typeof x === 'string' || fail(path, 'a string'));
const count: Check = (x, path) => void ((Number.isInteger(x) && (x as number) >= 0) || fail(path, 'a count'));
const number: Check = (x, path) => void ((typeof x === 'number' && Number.isFinite(x)) || fail(path, 'a number'));
const object: Check = (x, path) => void (isObject(x) || fail(path, 'an object'));
const list =
  (item: Check): Check =>
  (x, path) => {
    if (!Array.isArray(x)) fail(path, 'a list');
    const items = x as unknown[];
    const place = path.push(0) - 1;
    for (let i = 0; i < items.length; i++) {
      path[place] = i;
      item(items[i], path);
    }
    path.pop();
  };
const pair =
  (value: Check): Check =>
  (x, path) => {
    if (!Array.isArray(x) || x.length !== 2) fail(path, 'a pair');
    const place = path.push(0) - 1;
    string((x as unknown[])[0], path);
    path[place] = 1;
    value((x as unknown[])[1], path);
    path.pop();
  };
/** An object with at least these fields (others are the data's own). */
const fields = (shape: Record<string, Check>): Check => {
  const checks = Object.entries(shape);
  return (x, path) => {
    if (!isObject(x)) fail(path, 'an object');
    for (const [name, check] of checks) {
      path.push(name);
      check((x as Record<string, unknown>)[name], path);
      path.pop();
    }
  };
};
/** An object whose every value passes `check` (a record by language). */
const values =
  (check: Check): Check =>
  (x, path) => {
    if (!isObject(x)) fail(path, 'an object');
    for (const [name, value] of Object.entries(x as Record<string, unknown>)) {
      path.push(name);
      check(value, path);
      path.pop();
    }
  };
const model = fields({ classes: list(string), weights: count, bias: count });
const textOrField: Check = (x, path) => void (typeof x === 'string' || fields({ field: string })(x, path));
const counts = fields({ items: list(string), counts: list(number) });
const checkHeader: Check = fields({
  data: fields({
    entries: list(fields({ id: string, file: string, facts: object, sections: list(pair(fields({ text: string, line: number }))), lines: list(pair(number)) })),
    intents: list(fields({ intent: string, file: string, examples: fields({ nb: list(string), nn: list(string), en: list(string) }), lines: list(pair(number)) })),
    lexicon: fields({ languageMarkers: object }),
    priceFacts: fields({ hourlyRateNok: number, vatPercent: number, billing: string }),
  }),
  reader: fields({
    features: list(string),
    foreign: list(string),
    topics: model,
    scope: model,
    vocabulary: fields({ words: list(string), counts: list(number), stems: list(string) }),
    language: fields({ words: counts, grams: counts }),
  }),
  holidays: list(fields({ year: count, lang: string, days: list(pair(string)) })),
  calendar: fields({ months: list(pair(count)), weekdays: list(pair(count)) }),
  longDates: values(fields({ pattern: list(textOrField), weekdays: list(string), months: list(string) })),
});

/** Where the parts of a cache file start: magic, format, key, header length, then the header. */
const FORMAT_AT = MAGIC.length;
const KEY_AT = FORMAT_AT + 4;
const LENGTH_AT = KEY_AT + 32;
const HEADER_AT = LENGTH_AT + 4;

/**
 * The cache file's bytes: magic, format, key, the header's length and the header (JSON: the data,
 * the reader's counts and words), the models' floats, and a SHA-256 of everything before it.
 */
export function encodeCache(key: string, { data, reader, holidays, calendar, longDates }: CachePayload): Buffer {
  const { topics, scope } = reader.classifier;
  const floats = [topics.weights, topics.bias, scope.weights, scope.bias];
  const header: Header = {
    data: {
      entries: [...data.kb.entries.values()].map((e) => ({ ...e, sections: [...e.sections], lines: [...e.lines] })),
      intents: data.intents.map((i) => ({ ...i, lines: [...i.lines] })),
      lexicon: data.lexicon,
      priceFacts: data.priceFacts,
    },
    reader: {
      features: reader.classifier.features,
      foreign: reader.classifier.foreign,
      topics: { classes: topics.classes, weights: topics.weights.length, bias: topics.bias.length },
      scope: { classes: scope.classes, weights: scope.weights.length, bias: scope.bias.length },
      vocabulary: reader.vocabulary,
      language: reader.language,
    },
    holidays,
    calendar,
    longDates,
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  // the floats start on a multiple of 4 bytes
  const pad = (4 - ((HEADER_AT + json.length) % 4)) % 4;
  if (pad) json = Buffer.concat([json, Buffer.from(' '.repeat(pad))]);
  const fixed = Buffer.alloc(HEADER_AT);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt32LE(CACHE_FORMAT, FORMAT_AT);
  Buffer.from(key, 'hex').copy(fixed, KEY_AT);
  fixed.writeUInt32LE(json.length, LENGTH_AT);
  const body = Buffer.concat([fixed, json, ...floats.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength))]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Thrown for a cache file that cannot be taken; the caller ignores the file. */
export class UnfitCache extends Error {}

/** The data and trained state in a cache file's bytes, checked; throws UnfitCache when any check fails. */
export function decodeCache(bytes: Buffer, key: string): CachePayload {
  if (endianness() !== 'LE') throw new UnfitCache('the floats are stored little-endian');
  if (bytes.length < HEADER_AT + 32 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new UnfitCache('not a cache file');
  if (bytes.readUInt32LE(FORMAT_AT) !== CACHE_FORMAT) throw new UnfitCache('another format');
  if (!bytes.subarray(KEY_AT, KEY_AT + 32).equals(Buffer.from(key, 'hex'))) throw new UnfitCache('made from other data or code');
  const body = bytes.subarray(0, bytes.length - 32);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(bytes.length - 32))) throw new UnfitCache('the checksum does not match');
  const floatsAt = HEADER_AT + body.readUInt32LE(LENGTH_AT);
  if (floatsAt > body.length || floatsAt % 4 !== 0) throw new UnfitCache('the header length is wrong');
  let json: unknown;
  try {
    json = JSON.parse(body.subarray(HEADER_AT, floatsAt).toString('utf8'));
  } catch {
    throw new UnfitCache('the header is not JSON');
  }
  checkHeader(json, []);
  const header = json as Header;
  // the floats, copied out of the file's buffer (aligned, and not keeping the file's bytes alive)
  let at = floatsAt;
  const take = (n: number) => {
    if (at + 4 * n > body.length) throw new UnfitCache('the models are cut short');
    const out = new Float32Array(n);
    new Uint8Array(out.buffer).set(body.subarray(at, at + 4 * n));
    at += 4 * n;
    return out;
  };
  const floats = (m: ModelShape): ModelState => ({ classes: m.classes, weights: take(m.weights), bias: take(m.bias) });
  const topics = floats(header.reader.topics);
  const scope = floats(header.reader.scope);
  if (at !== body.length) throw new UnfitCache('bytes left over after the models');

  const entries = new Map<string, KnowledgeEntry>();
  for (const e of header.data.entries) entries.set(e.id, { ...(e as unknown as KnowledgeEntry), sections: new Map(e.sections), lines: new Map(e.lines) });
  if (entries.size !== header.data.entries.length) throw new UnfitCache('an entry id repeats');
  const intents = header.data.intents.map((i) => ({ ...(i as unknown as IntentDef), lines: new Map(i.lines) }));
  const { features, foreign, vocabulary, language } = header.reader;
  return {
    data: { kb: { entries }, intents, lexicon: header.data.lexicon as unknown as Lexicon, priceFacts: header.data.priceFacts as unknown as PriceFacts },
    reader: { classifier: { features, foreign, topics, scope }, vocabulary, language },
    holidays: header.holidays,
    calendar: header.calendar,
    longDates: header.longDates,
  };
}

/**
 * What a cache file holds: the data, what the reader learnt from it, the public holidays of the
 * years around the day it was made, the month and weekday names ICU gave the reader, and its
 * long dates taken apart for the answers.
 */
export interface CachePayload {
  data: BotData;
  reader: ReaderState;
  holidays: HolidayTable;
  calendar: CalendarNames;
  longDates: LongDates;
}

export interface CacheRead extends CachePayload {
  /** The file it came from. */
  file: string;
}

/** The first cache in `dirs` that fits `key`, or undefined; files that do not fit are passed over (and reported to `skipped`). */
export function readCache(dirs: readonly string[], key: string, skipped: (file: string, why: string) => void = () => {}): CacheRead | undefined {
  for (const dir of dirs) {
    const file = fileOf(dir, key);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      continue;
    }
    try {
      return { ...decodeCache(bytes, key), file };
    } catch (error) {
      skipped(file, error instanceof Error ? error.message : String(error));
    }
  }
  return undefined;
}

/**
 * Writes the cache for `key` into `dir`: to a temporary file first, renamed into place, so that
 * a reader never sees half a file. Best-effort: returns the file written, or undefined (and the
 * reason to `failed`) when the folder cannot be written. Removes all but the newest few others.
 */
export function writeCache(dir: string, key: string, payload: CachePayload, failed: (why: string) => void = () => {}): string | undefined {
  const file = fileOf(dir, key);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, encodeCache(key, payload));
    renameSync(temp, file);
  } catch (error) {
    failed(error instanceof Error ? error.message : String(error));
    try {
      unlinkSync(temp);
    } catch {
      // never written
    }
    return undefined;
  }
  try {
    const others = readdirSync(dir)
      .filter((name) => name.endsWith(SUFFIX) || name.endsWith('.tmp'))
      .map((name) => ({ name, path: join(dir, name), at: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    const caches = others.filter((o) => o.name.endsWith(SUFFIX) && o.path !== file);
    // a temporary file an hour old was left by a process that died while writing
    const leftOver = others.filter((o) => o.name.endsWith('.tmp') && Date.now() - o.at > 3_600_000);
    for (const old of [...caches.slice(KEEP_FILES - 1), ...leftOver]) unlinkSync(old.path);
  } catch {
    // another process tidied first
  }
  return file;
}
