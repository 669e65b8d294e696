import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { LANGS } from '../core/types.js';
import { Bot, PROJECT_ROOT } from '../core/bot.js';
import { DataError, YamlSource } from '../core/data-file.js';

const turnSchema = z.strictObject({
  q: z.string(),
  intent: z.string().min(1),
  facts: z.array(z.string().min(1)).default([]),
});
const itemSchema = z.union([turnSchema, z.strictObject({ conversation: z.array(turnSchema).min(2) })]);
const devsetSchema = z.array(itemSchema);
type Turn = z.infer<typeof turnSchema>;

/** Questions written apart from the training data and the development set, never tuned on. */
export const BLIND_SET = join(PROJECT_ROOT, 'test', 'blind');
/** A second blind set, written later in the style of real Slack messages; never tuned on either. */
export const BLIND_SET_2 = join(PROJECT_ROOT, 'test', 'blind2');
/** A third, from writers of many kinds (terse statisticians, clinicians, planners, journalists). */
export const BLIND_SET_3 = join(PROJECT_ROOT, 'test', 'blind3');
/** A fourth, written after the fixes the second and third led to, to measure them fairly. */
export const BLIND_SET_4 = join(PROJECT_ROOT, 'test', 'blind4');

/** The development question set: conversations of one or more turns. */
export function loadDevset(dir = join(PROJECT_ROOT, 'test', 'devset')): { file: string; turns: Turn[] }[] {
  const conversations: { file: string; turns: Turn[] }[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const file = relative(PROJECT_ROOT, join(dir, name));
    const { value, problems } = new YamlSource(file, readFileSync(join(dir, name), 'utf8')).parse(devsetSchema);
    if (!value) throw new DataError(problems);
    for (const item of value) conversations.push({ file, turns: 'conversation' in item ? item.conversation : [item] });
  }
  return conversations;
}

export interface Failure {
  file: string;
  question: string;
  expected: string;
  got: string;
  missingFacts: string[];
}

export interface Score {
  total: number;
  right: number;
  perIntent: Map<string, { total: number; right: number }>;
  failures: Failure[];
}

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

function tally(score: Score, intent: string, ok: boolean) {
  const s = score.perIntent.get(intent) ?? { total: 0, right: 0 };
  s.total++;
  score.total++;
  if (ok) {
    s.right++;
    score.right++;
  }
  score.perIntent.set(intent, s);
}

const emptyScore = (): Score => ({ total: 0, right: 0, perIntent: new Map(), failures: [] });

/** The day the set's relative dates are read from, so that results do not drift. */
export const EVAL_NOW = new Date('2026-11-25T12:00:00Z');

/** Scores the development set: right means the intent matches and the text carries every fact. */
export async function evaluateDevset(bot = new Bot({ now: () => EVAL_NOW }), dir?: string): Promise<Score> {
  const score = emptyScore();
  let n = 0;
  for (const { file, turns } of loadDevset(dir)) {
    const conversationId = `eval-${n++}`;
    for (const turn of turns) {
      const reply = await bot.answer({ conversationId, text: turn.q });
      const text = fold(reply.text);
      const missingFacts = turn.facts.filter((f) => !text.includes(fold(f)));
      const ok = reply.intent === turn.intent && missingFacts.length === 0;
      tally(score, turn.intent, ok);
      if (!ok) score.failures.push({ file, question: turn.q, expected: turn.intent, got: reply.intent, missingFacts });
    }
  }
  return score;
}

/** Scores the held-out `tests` of every intent file: the intent alone. */
export async function evaluateHeldOut(bot = new Bot({ now: () => EVAL_NOW })): Promise<Score> {
  const score = emptyScore();
  let n = 0;
  for (const intent of bot.data.intents) {
    for (const lang of LANGS) {
      for (const q of intent.tests[lang]) {
        const reply = await bot.answer({ conversationId: `held-out-${n++}`, text: q });
        const ok = reply.intent === intent.intent;
        tally(score, intent.intent, ok);
        if (!ok) score.failures.push({ file: intent.file, question: q, expected: intent.intent, got: reply.intent, missingFacts: [] });
      }
    }
  }
  return score;
}

export const accuracy = (s: { total: number; right: number }) => (s.total === 0 ? 1 : s.right / s.total);
