import type { IntentDef } from '../core/intents/schema.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { LANGS, type Lang } from '../core/types.js';
import { Bot, PROJECT_ROOT, type BotData } from '../core/bot.js';
import { DataError, YamlSource } from '../core/data-file.js';
import { utcDay } from '../core/understand/slots.js';
import { FALLBACK_CLASSES } from '../core/decide.js';

const turnSchema = z.strictObject({
  q: z.string(),
  intent: z.string().min(1),
  facts: z.array(z.string().min(1)).default([]),
  /** Who asks (phd, quality, statistician, …), in the sets written by persona. */
  persona: z.string().optional(),
  /** How it is written (plain, two-questions, near-miss, injection, …). */
  style: z.array(z.string()).optional(),
});
const conversationSchema = z.strictObject({
  conversation: z.array(turnSchema.omit({ persona: true, style: true })).min(2),
  persona: z.string().optional(),
  style: z.array(z.string()).optional(),
});
const itemSchema = z.union([turnSchema, conversationSchema]);
const setSchema = z.array(itemSchema);

export interface Turn {
  q: string;
  intent: string;
  facts: string[];
}

export interface Conversation {
  file: string;
  turns: Turn[];
  persona?: string;
  style: string[];
}

/**
 * The question sets, in the order `npm run eval` reports them. A development set is one the bot
 * has been tuned on; a blind set was written by someone who saw only the documentation page and
 * the intent catalogue, and was measured once before anything was changed for it.
 */
export const QUESTION_SETS = [
  { name: 'development', dir: 'test/devset', kind: 'development', title: 'Development set (written alongside the intents)' },
  { name: 'dev-personas', dir: 'test/dev-personas', kind: 'development', title: 'Development set by persona (written blind, then tuned on)' },
  { name: 'dev2', dir: 'test/dev2', kind: 'development', title: 'Development set 2 by persona, two thirds of the hard kinds (written blind, then tuned on)' },
  { name: 'dev3', dir: 'test/dev3', kind: 'development', title: 'Development set 3 by persona, mostly the hard kinds (written blind, then tuned on)' },
  { name: 'dev4', dir: 'test/dev4', kind: 'development', title: 'Development set 4 by persona, corrections, long messages and indirect purposes (written blind, then tuned on)' },
  { name: 'dev5', dir: 'test/dev5', kind: 'development', title: 'Development set 5, mostly ordinary questions in many wordings, by persona (written blind, then tuned on)' },
  { name: 'dev6', dir: 'test/dev6', kind: 'development', title: 'Development set 6 by persona: undocumented questions, two in one, indirect purposes, coverage (written blind, then tuned on)' },
  { name: 'dev7', dir: 'test/dev7', kind: 'development', title: 'Development set 7 by persona: ordinary questions in many wordings and the hard kinds (written blind, then tuned on)' },
  { name: 'dev8', dir: 'test/dev8', kind: 'development', title: 'Development set 8 by persona: two questions in one, long messages, undocumented questions, near-misses (written blind, then tuned on)' },
  { name: 'blind1', dir: 'test/blind', kind: 'blind', title: 'Blind set 1, written apart from the training data' },
  { name: 'blind2', dir: 'test/blind2', kind: 'blind', title: 'Blind set 2, long Slack-style messages (partly tuned on since)' },
  { name: 'blind3', dir: 'test/blind3', kind: 'blind', title: 'Blind set 3, many kinds of writers (partly tuned on since)' },
  { name: 'blind4', dir: 'test/blind4', kind: 'blind', title: 'Blind set 4, written after the fixes for sets 2 and 3' },
  { name: 'blind5', dir: 'test/blind5', kind: 'blind', title: 'Blind set 5, by persona, a third or more of the hard kinds (partly tuned on since)' },
  { name: 'blind6', dir: 'test/blind6', kind: 'blind', title: 'Blind set 6, by persona, messy real-world writing (partly tuned on since)' },
  { name: 'blind7', dir: 'test/blind7', kind: 'blind', title: 'Blind set 7, by persona, two thirds of the hard kinds (partly tuned on since)' },
  { name: 'blind8', dir: 'test/blind8', kind: 'blind', title: 'Blind set 8, by persona, most of the hard kinds (tuned on since its first measurement)' },
  { name: 'blind9', dir: 'test/blind9', kind: 'blind', title: 'Blind set 9, by persona, most of the hard kinds (tuned on since its first measurement)' },
  { name: 'blind10', dir: 'test/blind10', kind: 'blind', title: 'Blind set 10, by persona, most of the hard kinds (tuned on since its first measurement)' },
  { name: 'blind11', dir: 'test/blind11', kind: 'blind', title: 'Blind set 11, by persona, most of the hard kinds (tuned on since its first measurement)' },
  { name: 'blind12', dir: 'test/blind12', kind: 'blind', title: 'Blind set 12, by persona, half ordinary questions (tuned on since its first measurement)' },
  { name: 'blind13', dir: 'test/blind13', kind: 'blind', title: 'Blind set 13, by persona, 60 % of the hard kinds (tuned on since its first measurement)' },
  { name: 'blind14', dir: 'test/blind14', kind: 'blind', title: 'Blind set 14, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind15', dir: 'test/blind15', kind: 'blind', title: 'Blind set 15, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind16', dir: 'test/blind16', kind: 'blind', title: 'Blind set 16, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind17', dir: 'test/blind17', kind: 'blind', title: 'Blind set 17, by persona, half ordinary questions (tuned on since its first measurement)' },
  { name: 'blind18', dir: 'test/blind18', kind: 'blind', title: 'Blind set 18, by persona, many near-misses and undocumented questions (tuned on since its first measurement)' },
  { name: 'blind19', dir: 'test/blind19', kind: 'blind', title: 'Blind set 19, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind20', dir: 'test/blind20', kind: 'blind', title: 'Blind set 20, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind21', dir: 'test/blind21', kind: 'blind', title: 'Blind set 21, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind22', dir: 'test/blind22', kind: 'blind', title: 'Blind set 22, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind23', dir: 'test/blind23', kind: 'blind', title: 'Blind set 23, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind24', dir: 'test/blind24', kind: 'blind', title: 'Blind set 24, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind25', dir: 'test/blind25', kind: 'blind', title: 'Blind set 25, by persona, the brief\'s mix (tuned on since its first measurement)' },
  { name: 'blind26', dir: 'test/blind26', kind: 'blind', title: 'Blind set 26, by persona, a quarter long messages and many undocumented questions (tuned on since its first measurement)' },
  { name: 'blind27', dir: 'test/blind27', kind: 'blind', title: 'Blind set 27, by persona, indirect purposes, near-misses and non-native English (tuned on since its first measurement)' },
  { name: 'blind28', dir: 'test/blind28', kind: 'blind', title: 'Blind set 28, by persona, the brief\'s mix' },
  { name: 'blind29', dir: 'test/blind29', kind: 'blind', title: 'Blind set 29, by persona, long messages, two questions in one, plain questions in many wordings' },
  { name: 'blind30', dir: 'test/blind30', kind: 'blind', title: 'Blind set 30, by persona, the brief\'s mix as busy staff type it in Slack' },
  { name: 'blind31', dir: 'test/blind31', kind: 'blind', title: 'Blind set 31, by persona, more nynorsk, terse questions, two questions in one' },
  { name: 'blind32', dir: 'test/blind32', kind: 'blind', title: 'Blind set 32, by persona, each in their own working words' },
  { name: 'blind33', dir: 'test/blind33', kind: 'blind', title: 'Blind set 33, by persona, the brief\'s mix in varied wordings' },
  { name: 'blind34', dir: 'test/blind34', kind: 'blind', title: 'Blind set 34, by persona, long messages, relayed questions, asking for a person' },
  { name: 'blind35', dir: 'test/blind35', kind: 'blind', title: 'Blind set 35, by persona, many near-misses, undocumented questions and injection' },
  { name: 'blind36', dir: 'test/blind36', kind: 'blind', title: 'Blind set 36, by persona, half plain questions in many wordings' },
  { name: 'blind37', dir: 'test/blind37', kind: 'blind', title: 'Blind set 37, by persona, the brief\'s mix as a month of a hospital workspace' },
  { name: 'blind38', dir: 'test/blind38', kind: 'blind', title: 'Blind set 38, by persona, newcomers in their own words, purposes, follow-ups' },
  { name: 'blind39', dir: 'test/blind39', kind: 'blind', title: 'Blind set 39, by persona, the brief\'s mix in varied lengths and tones' },
  { name: 'blind40', dir: 'test/blind40', kind: 'blind', title: 'Blind set 40, by persona, everyday words, worried members of the public, relayed messages' },
  { name: 'blind41', dir: 'test/blind41', kind: 'blind', title: 'Blind set 41, by persona, newcomers in their own words, corrections in conversations' },
  { name: 'blind42', dir: 'test/blind42', kind: 'blind', title: 'Blind set 42, by persona, a term of a research department: terse, forwarded, near-misses' },
  { name: 'blind43', dir: 'test/blind43', kind: 'blind', title: 'Blind set 43, by persona, worried members of the public, relatives, press and planners, relayed questions' },
  { name: 'blind44', dir: 'test/blind44', kind: 'blind', title: 'Blind set 44, by persona, researchers at every stage: computed prices and dates, routes, linkage' },
  { name: 'blind45', dir: 'test/blind45', kind: 'blind', title: 'Blind set 45, by persona, a month as it arrives: half plain questions in many wordings' },
  { name: 'blind46', dir: 'test/blind46', kind: 'blind', title: 'Blind set 46, by persona, a third nynorsk, non-native English, two in one, late deliveries' },
  { name: 'blind47', dir: 'test/blind47', kind: 'blind', title: 'Blind set 47, by persona, a season of several trusts and universities: every hard kind, every tone' },
  { name: 'blind48', dir: 'test/blind48', kind: 'blind', title: 'Blind set 48, by persona, situations told before the question, kinds of care, purposes, near-misses' },
  { name: 'blind49', dir: 'test/blind49', kind: 'blind', title: 'Blind set 49, by persona, people in a hurry on their phones, and the month around them' },
  { name: 'blind50', dir: 'test/blind50', kind: 'blind', title: 'Blind set 50, by persona, answers that depend on careful reading: two in one, purposes, dates with roles' },
  { name: 'blind51', dir: 'test/blind51', kind: 'blind', title: 'Blind set 51, by persona, a fresh month of the brief mix in free wordings' },
  { name: 'blind52', dir: 'test/blind52', kind: 'blind', title: 'Blind set 52, by persona, each in their own vocabulary, long messages, relayed questions' },
  { name: 'blind53', dir: 'test/blind53', kind: 'blind', title: 'Blind set 53, by persona, a busy autumn at a large university hospital' },
  { name: 'blind54', dir: 'test/blind54', kind: 'blind', title: 'Blind set 54, by persona, press, planners, the public and support colleagues, purposes, near-misses' },
  { name: 'blind55', dir: 'test/blind55', kind: 'blind', title: 'Blind set 55, by persona, international collaborators in non-native English and learner Norwegian' },
  { name: 'blind56', dir: 'test/blind56', kind: 'blind', title: 'Blind set 56, by persona, a hospital trust analytics unit over one winter' },
  { name: 'blind57', dir: 'test/blind57', kind: 'blind', title: 'Blind set 57, by persona, messages as typed in a busy Slack, chatty, long, two or three asks' },
  { name: 'blind58', dir: 'test/blind58', kind: 'blind', title: 'Blind set 58, by persona, the edges of what the page says, silent questions beside answerable ones in everyday words' },
  { name: 'blind59', dir: 'test/blind59', kind: 'blind', title: 'Blind set 59, by persona, a new month at a regional health authority research office' },
  { name: 'blind60', dir: 'test/blind60', kind: 'blind', title: 'Blind set 60, by persona, the public, patients and relatives, and the people who answer them' },
  { name: 'blind61', dir: 'test/blind61', kind: 'blind', title: 'Blind set 61, by persona, a support desk busy week' },
  { name: 'blind62', dir: 'test/blind62', kind: 'blind', title: 'Blind set 62, by persona, researchers planning studies across several registries' },
  { name: 'blind63', dir: 'test/blind63', kind: 'blind', title: 'Blind set 63, by persona, December at a university hospital' },
  { name: 'blind64', dir: 'test/blind64', kind: 'blind', title: 'Blind set 64, by persona, people who write the way they talk' },
  { name: 'blind65', dir: 'test/blind65', kind: 'blind', title: 'Blind set 65, by persona, a regional newspaper, a municipality and a patient organisation' },
  { name: 'blind66', dir: 'test/blind66', kind: 'blind', title: 'Blind set 66, by persona, the ordinary mix written fresh' },
  { name: 'blind67', dir: 'test/blind67', kind: 'blind', title: 'Blind set 67, by persona, a research support office during a reorganisation' },
  { name: 'blind68', dir: 'test/blind68', kind: 'blind', title: 'Blind set 68, by persona, people typing fast on a phone' },
  { name: 'blind69', dir: 'test/blind69', kind: 'blind', title: 'Blind set 69, by persona, a health trust on the west coast, more nynorsk' },
  { name: 'blind70', dir: 'test/blind70', kind: 'blind', title: 'Blind set 70, by persona, an epidemiology group at a university and the people around it' },
  { name: 'blind71', dir: 'test/blind71', kind: 'blind', title: 'Blind set 71, by persona, a hospital Teams channel for research and quality questions' },
  { name: 'blind72', dir: 'test/blind72', kind: 'blind', title: 'Blind set 72, by persona, the plain majority' },
  { name: 'blind73', dir: 'test/blind73', kind: 'blind', title: 'Blind set 73, by persona, the ordinary mix written fresh' },
  { name: 'blind74', dir: 'test/blind74', kind: 'blind', title: 'Blind set 74, by persona, a support desk shared inbox' },
  { name: 'blind75', dir: 'test/blind75', kind: 'blind', title: 'Blind set 75, by persona, English-speaking researchers and staff in Norway' },
  { name: 'blind76', dir: 'test/blind76', kind: 'blind', title: 'Blind set 76, by persona, conversations first' },
  { name: 'blind77', dir: 'test/blind77', kind: 'blind', title: 'Blind set 77, by persona, questions about the edges' },
  { name: 'blind78', dir: 'test/blind78', kind: 'blind', title: 'Blind set 78, by persona, a municipality, a county and the press' },
  { name: 'blind79', dir: 'test/blind79', kind: 'blind', title: 'Blind set 79, by persona, the ordinary mix by a first-time writer' },
  { name: 'blind80', dir: 'test/blind80', kind: 'blind', title: 'Blind set 80, by persona, clinicians and quality staff in a busy hospital' },
  { name: 'blind81', dir: 'test/blind81', kind: 'blind', title: 'Blind set 81, by persona, near-misses and out-of-scope heavy' },
  { name: 'blind82', dir: 'test/blind82', kind: 'blind', title: 'Blind set 82, by persona, a PhD school first week' },
  { name: 'blind83', dir: 'test/blind83', kind: 'blind', title: 'Blind set 83, by persona, the ordinary mix written fresh a third time' },
  { name: 'blind84', dir: 'test/blind84', kind: 'blind', title: 'Blind set 84, by persona, members of the public and the people who help them' },
  { name: 'blind85', dir: 'test/blind85', kind: 'blind', title: 'Blind set 85, by persona, a regional research office helpdesk log' },
  { name: 'blind86', dir: 'test/blind86', kind: 'blind', title: 'Blind set 86, by persona, users who switch language mid-message' },
  { name: 'blind87', dir: 'test/blind87', kind: 'blind', title: 'Blind set 87, by persona, the ordinary mix written fresh a fourth time' },
  { name: 'blind88', dir: 'test/blind88', kind: 'blind', title: 'Blind set 88, by persona, statisticians and data managers' },
] as const;
export type QuestionSetName = (typeof QUESTION_SETS)[number]['name'];

export const setDir = (name: QuestionSetName) => join(PROJECT_ROOT, QUESTION_SETS.find((s) => s.name === name)!.dir);

/** Loads every YAML file of a question set: single questions and conversations. */
export function loadQuestionSet(dir = setDir('development')): Conversation[] {
  const conversations: Conversation[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const file = relative(PROJECT_ROOT, join(dir, name));
    const { value, problems } = new YamlSource(file, readFileSync(join(dir, name), 'utf8')).parse(setSchema);
    if (!value) throw new DataError(problems);
    for (const item of value) {
      conversations.push(
        'conversation' in item
          ? { file, turns: item.conversation, persona: item.persona, style: item.style ?? [] }
          : { file, turns: [item], persona: item.persona, style: item.style ?? [] },
      );
    }
  }
  return conversations;
}

/** @deprecated name kept for the bench: the development set's conversations. */
export const loadDevset = loadQuestionSet;

export interface Failure {
  file: string;
  question: string;
  expected: string;
  got: string;
  missingFacts: string[];
}

export interface Tally {
  total: number;
  right: number;
}

export interface Score extends Tally {
  perIntent: Map<string, Tally>;
  perStyle: Map<string, Tally>;
  perPersona: Map<string, Tally>;
  failures: Failure[];
  /** The worst miss: a registry fact given to a question that was not about it (expected the fallback). */
  factNotAsked: number;
  /** How many questions expected the fallback. */
  fallbackExpected: number;
}

/** Intents that state no registry fact. */
const NO_FACTS = new Set(['fallback', 'greeting', 'thanks', 'help', 'handoff']);

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

const MONTHS: Record<'nb' | 'en', string[]> = {
  nb: ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'],
  en: ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
};

/** Ways an answer may write the date of an ISO fact ("2027-05-02"). */
function dateForms(iso: string): string[] {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const pad = (n: number) => String(n).padStart(2, '0');
  return [iso, `${d}. ${MONTHS.nb[m - 1]} ${y}`, `${d} ${MONTHS.en[m - 1]} ${y}`, `${MONTHS.en[m - 1]} ${d}, ${y}`, `${d}.${m}.${y}`, `${pad(d)}.${pad(m)}.${y}`];
}

/** Every number an answer writes, read as the answer's language writes numbers ("1 100", "3 437,50", "1,100.5"). */
export function numbersIn(text: string, lang: Lang): number[] {
  const found: number[] = [];
  const pattern = lang === 'en' ? /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g : /\d{1,3}(?:[ \u00a0.]\d{3})+(?:,\d+)?|\d+(?:,\d+)?/g;
  for (const m of text.matchAll(pattern)) {
    const raw = m[0];
    const value = lang === 'en' ? raw.replace(/,/g, '') : raw.replace(/[ \u00a0.]/g, '').replace(',', '.');
    found.push(Number(value));
  }
  return found;
}

/** Facts the answer lacks: figures compared as numbers, ISO dates in any form, words as written. */
export function missingFacts(facts: readonly string[], text: string, lang: Lang): string[] {
  const folded = fold(text);
  return facts.filter((fact) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(fact) && utcDay(...(fact.split('-').map(Number) as [number, number, number]))) {
      return !dateForms(fact).some((form) => folded.includes(fold(form)));
    }
    if (/^\d+(\.\d+)?$/.test(fact)) {
      const value = Number(fact);
      return !LANGS.some((l) => numbersIn(text, l).some((n) => Math.abs(n - value) < 0.005));
    }
    return !folded.includes(fold(fact));
  });
}

function count(map: Map<string, Tally>, key: string, ok: boolean) {
  const t = map.get(key) ?? { total: 0, right: 0 };
  t.total++;
  if (ok) t.right++;
  map.set(key, t);
}

const emptyScore = (): Score => ({ total: 0, right: 0, perIntent: new Map(), perStyle: new Map(), perPersona: new Map(), failures: [], factNotAsked: 0, fallbackExpected: 0 });

/** The day the sets' relative dates are read from, so that results do not drift. */
export const EVAL_NOW = new Date('2026-11-25T12:00:00Z');

/** Scores a question set: right means the intent matches and the text carries every fact. */
export async function evaluateSet(bot = new Bot({ now: () => EVAL_NOW }), dir?: string): Promise<Score> {
  const score = emptyScore();
  let n = 0;
  for (const { file, turns, persona, style } of loadQuestionSet(dir)) {
    const conversationId = `eval-${n++}`;
    for (const turn of turns) {
      const reply = await bot.answer({ conversationId, text: turn.q });
      const missing = missingFacts(turn.facts, reply.text, reply.lang);
      const ok = reply.intent === turn.intent && missing.length === 0;
      score.total++;
      if (ok) score.right++;
      count(score.perIntent, turn.intent, ok);
      for (const s of style.length ? style : ['(none)']) count(score.perStyle, s, ok);
      if (persona) count(score.perPersona, persona, ok);
      if (turn.intent === 'fallback') {
        score.fallbackExpected++;
        if (!NO_FACTS.has(reply.intent)) score.factNotAsked++;
      }
      if (!ok) score.failures.push({ file, question: turn.q, expected: turn.intent, got: reply.intent, missingFacts: missing });
    }
  }
  return score;
}

/** The development set. */
export const evaluateDevset = evaluateSet;

/** Scores the held-out `tests` of every intent file: the intent alone. */
/** Scores one utterance of an intent file by the intent answered (held-out tests, cross-validation). */
function scoreUtterance(score: Score, intent: IntentDef, question: string, got: string): void {
  // the model's classes for questions it must not answer all answer as the catalogue's fallback
  const expected = intent.intent in FALLBACK_CLASSES ? 'fallback' : intent.intent;
  const ok = got === expected;
  score.total++;
  if (ok) score.right++;
  count(score.perIntent, intent.intent, ok);
  if (expected === 'fallback') {
    score.fallbackExpected++;
    if (!NO_FACTS.has(got)) score.factNotAsked++;
  }
  if (!ok) score.failures.push({ file: intent.file, question, expected, got, missingFacts: [] });
}

export async function evaluateHeldOut(bot = new Bot({ now: () => EVAL_NOW })): Promise<Score> {
  const score = emptyScore();
  let n = 0;
  for (const intent of bot.data.intents) {
    for (const lang of LANGS) {
      for (const q of intent.tests[lang]) scoreUtterance(score, intent, q, (await bot.answer({ conversationId: `held-out-${n++}`, text: q })).intent);
    }
  }
  return score;
}

export const accuracy = (s: Tally) => (s.total === 0 ? 1 : s.right / s.total);

/**
 * Cross-validation: for each of `folds` folds, a bot trained without every fifth example of each
 * intent (and language) answers those; memorised examples show as the gap to the held-out score.
 */
export async function crossValidate(data: BotData, folds = 5): Promise<Score> {
  const score = emptyScore();
  for (let fold = 0; fold < folds; fold++) {
    const keep = (list: string[]) => list.filter((_, i) => i % folds !== fold);
    const left = (list: string[]) => list.filter((_, i) => i % folds === fold);
    const intents = data.intents.map((i) => ({ ...i, examples: { nb: keep(i.examples.nb), nn: keep(i.examples.nn), en: keep(i.examples.en) } }));
    const bot = new Bot({ data: { ...data, intents }, now: () => EVAL_NOW });
    let n = 0;
    for (const intent of data.intents) {
      for (const lang of LANGS) {
        for (const q of left(intent.examples[lang])) scoreUtterance(score, intent, q, (await bot.answer({ conversationId: `cv-${fold}-${n++}`, text: q })).intent);
      }
    }
  }
  return score;
}
