import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang, Message, Reply, Source } from './types.js';
import { loadKnowledge } from './knowledge/load.js';
import { loadIntents } from './intents/load.js';
import { loadLexicon, type Lexicon } from './lexicon.js';
import { entry, type KnowledgeBase } from './knowledge/entry.js';
import { knowledgeSchemas, type PriceFacts } from './knowledge/schema.js';
import type { IntentDef } from './intents/schema.js';
import { Reader } from './understand/understand.js';
import { decide } from './decide.js';
import { Composer, type HandoffVariant, type Label, type UserAction } from './answer/compose.js';
import { formatCheckedDate, longDateParts, useLongDateParts, type Value } from './knowledge/format.js';
import type { Understanding } from './understand/understand.js';
import { MemoryConversationStore, type ConversationState, type ConversationStore, type HandoffReason, type Seen, type Turn } from './state/store.js';
import { checkReferences } from './validate.js';
import { DataError } from './data-file.js';
import { cacheKey, cachePlaces, readCache, writeCache } from './cache.js';
import { holidayTable, useHolidayTable } from './answer/rules/calendar.js';
import { calendarNames, useCalendarNames } from './understand/slots.js';
import { isoDay, isoTimestamp } from './clock.js';

/** The project folder: knowledge/ and intents/ live here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BotData {
  kb: KnowledgeBase;
  intents: IntentDef[];
  lexicon: Lexicon;
  /** The price entry's facts as the pricing rule reads them, typed (defaults filled in) when the files are read. */
  priceFacts: PriceFacts;
}

/**
 * The knowledge folder: `KNOWLEDGE_DIR` when set (relative to the working folder), else
 * `knowledge/` in the project. The server and every command read knowledge through this.
 */
export function knowledgeDir(root = PROJECT_ROOT, env: NodeJS.ProcessEnv = process.env): string {
  return env.KNOWLEDGE_DIR ? resolve(env.KNOWLEDGE_DIR) : join(root, 'knowledge');
}

/** Reads and validates the knowledge folder and intents/: shape first, then cross-references. */
export function loadBotData(root = PROJECT_ROOT, knowledge = knowledgeDir(root)): BotData {
  const kb = loadKnowledge(knowledge, root);
  const intents = loadIntents(join(root, 'intents'), root);
  const lexicon = loadLexicon(join(root, 'intents', 'lexicon.yaml'), root);
  const problems = checkReferences(kb, intents);
  if (problems.length > 0) throw new DataError(problems);
  return { kb, intents, lexicon, priceFacts: knowledgeSchemas().priceFacts.parse(entry(kb, 'price').facts) };
}

/** The trained reader of each loaded data set: bots built from the same data share it (training takes most of a second). */
const readers = new WeakMap<BotData, Reader>();
function readerFor(data: BotData): Reader {
  let reader = readers.get(data);
  if (!reader) readers.set(data, (reader = new Reader(data.intents, data.kb, data.lexicon)));
  return reader;
}

/** How `preparedBotData` came by its data: a cache file, or the files (and whether it then wrote a cache). */
export type Preparation = { from: 'cache'; file: string } | { from: 'files'; wrote?: string; notWritten?: string };

/** The years around the day a cache is made whose public holidays it keeps: other years load date-holidays. */
const HOLIDAY_YEARS_BEFORE = 5;
const HOLIDAY_YEARS_AFTER = 10;

/**
 * The data with its trained reader, as `new Bot()` takes it: from the start-up cache when one
 * fits the files (src/core/cache.ts), else loaded and checked from the files and trained, and
 * then cached when a cache folder can be written. A data error in the files throws as
 * `loadBotData` does. `env`: NPR_CACHE_DIR (see cachePlaces) and KNOWLEDGE_DIR.
 */
export function preparedBotData(root = PROJECT_ROOT, env: NodeJS.ProcessEnv = process.env): { data: BotData; how: Preparation } {
  const knowledge = knowledgeDir(root, env);
  const places = cachePlaces(root, env);
  if (places.read.length === 0 && !places.write) {
    const data = loadBotData(root, knowledge);
    return { data, how: { from: 'files' } };
  }
  const key = cacheKey(root, knowledge);
  const cached = readCache(places.read, key);
  let reader: Reader | undefined;
  if (cached) {
    useCalendarNames(cached.calendar);
    useLongDateParts(cached.longDates);
  }
  try {
    if (cached) reader = new Reader(cached.data.intents, cached.data.kb, cached.data.lexicon, cached.reader);
  } catch {
    // a trained state that does not fit its data: trained again below
  }
  if (cached && reader) {
    readers.set(cached.data, reader);
    useHolidayTable(cached.holidays);
    return { data: cached.data, how: { from: 'cache', file: cached.file } };
  }
  const data = loadBotData(root, knowledge);
  const how: Preparation = { from: 'files' };
  if (places.write) {
    const year = new Date().getUTCFullYear();
    const payload = { data, reader: readerFor(data).state(), holidays: holidayTable(year - HOLIDAY_YEARS_BEFORE, year + HOLIDAY_YEARS_AFTER), calendar: calendarNames(), longDates: longDateParts() };
    const wrote = writeCache(places.write, key, payload, (why) => (how.notWritten = why));
    if (wrote) how.wrote = wrote;
  }
  return { data, how };
}

export interface BotOptions {
  data?: BotData;
  store?: ConversationStore;
  /** The clock, for dates such as "i dag"; tests set it. */
  now?: () => Date;
}

/** The channel-neutral core: understand → decide → answer, with conversation state. */
export class Bot {
  readonly data: BotData;
  readonly store: ConversationStore;
  readonly reader: Reader;
  /** How the data came (options.data unset): from the start-up cache or from the files. */
  readonly preparation?: Preparation;
  private readonly composer: Composer;
  private readonly now: () => Date;

  constructor(options: BotOptions = {}) {
    const prepared = options.data ? undefined : preparedBotData();
    this.data = options.data ?? prepared!.data;
    this.preparation = prepared?.how;
    this.store = options.store ?? new MemoryConversationStore();
    this.now = options.now ?? (() => new Date());
    this.reader = readerFor(this.data);
    this.composer = new Composer(this.data.kb, this.data.lexicon, this.data.intents, this.data.priceFacts);
  }

  /**
   * A button or card action on an earlier answer. "Talk to support" asks before opening a case.
   * `store`: where the conversation's state lives for this call (a transaction's, for the desk);
   * `lang`: the language to use when the conversation has none yet (a Teams client's locale).
   */
  async act(conversationId: string, action: UserAction, store: ConversationStore = this.store, lang?: Lang): Promise<Reply> {
    const state = await store.get(conversationId);
    const reply = this.composer.action(action, state?.lang ?? lang ?? 'nb');
    if (action === 'handoff') {
      const at = this.now().toISOString();
      await store.set(conversationId, Object.assign({}, state ?? this.emptyState(reply.lang), { pendingHandoff: 'button' as const, offeredAt: at, updatedAt: at }));
    }
    return reply;
  }

  label(name: Label, lang: Lang, vars: Record<string, Value> = {}): string {
    return this.composer.label(name, lang, vars);
  }

  /** "sjekket 25.11.2026", "checked 25 Nov 2026": when a source's facts were last checked, for every channel. */
  sourceChecked(source: Source, lang: Lang): string {
    return this.composer.label('source-checked', lang, { date: formatCheckedDate(source.checked, lang) });
  }

  /** A support-case text in the user's language (see knowledge/bot/handoff.md). */
  handoffText(variant: HandoffVariant, lang: Lang, vars: Record<string, Value> = {}): string {
    return this.composer.handoffText(variant, lang, vars);
  }

  /** What the bot can answer, with examples: for welcome messages and App Home. */
  helpText(lang: Lang): string {
    return this.composer.action('help', lang).text;
  }

  private emptyState(lang: Lang): ConversationState {
    return { lang, unanswered: 0, updatedAt: this.now().toISOString() };
  }

  /**
   * Answers a few examples of every intent in a throwaway conversation store, so that the first
   * users after a start do not wait while the engine compiles the answering code. Returns how
   * many it answered. One round (some 80 answers, under 0.1 s) leaves the next answers as fast
   * as three rounds did (the first about 2 ms, p50 about 0.5 ms), in a third of the time.
   */
  async warmUp(rounds = 1): Promise<number> {
    const store = new MemoryConversationStore();
    let n = 0;
    for (let round = 0; round < rounds; round++) {
      for (const intent of this.data.intents) {
        for (const text of [intent.examples.nb[round], intent.examples.en[round], intent.examples.nn[round]]) {
          if (text) await this.answer({ conversationId: `warm-up-${n++ % 7}`, text }, store);
        }
      }
    }
    return n;
  }

  /** Answers one message; `store`: where the conversation's state lives for this call (a transaction's, for the desk). */
  async answer(message: Message, store: ConversationStore = this.store): Promise<Reply> {
    const now = this.now();
    const at = isoTimestamp(now);
    const state = await store.get(message.conversationId);
    const u = this.reader.read(message.text, now);
    // a short or mixed message ("kostnad for 9 t?", "ja takk") says too little to change the
    // conversation's language: it changes only when the message is clearly in another one
    const lang = !state || (u.langKnown && u.tokens.length > SHORT_MESSAGE_WORDS && u.langScores[u.lang] - u.langScores[state.lang] >= LANGUAGE_SWITCH_MARGIN) ? u.lang : state.lang;
    const seen = remember(state?.seen, u);

    // an answer to "shall I open a case?"
    if (state?.pendingHandoff && (u.yes || u.no)) {
      const reply = this.composer.action('handoff', lang);
      const confirmed = u.yes;
      reply.text = this.composer.handoffText(confirmed ? 'confirmed' : 'declined', lang);
      reply.question = u.text;
      reply.rule = confirmed ? 'handoff.confirmed' : 'handoff.declined';
      reply.handoff = confirmed;
      if (confirmed) {
        reply.caseRequest = { reason: state.pendingHandoff, offeredAt: state.offeredAt ?? state.updatedAt, transcript: (state.history ?? []).map(({ role, text }) => ({ role, text })), findings: seen };
      }
      await store.set(message.conversationId, {
        ...state,
        lang,
        pendingHandoff: undefined,
        offeredAt: undefined,
        seen,
        history: withTurns(state.history, u.text, reply),
        updatedAt: at,
      });
      return reply;
    }

    const decision = decide(u, state, this.composer.deadlinePassed);
    const reply = this.composer.reply(u, decision, lang);
    const [first] = decision.answers;
    const answered = reply.intent !== 'fallback' && !first?.alternatives;
    const unanswered = answered ? 0 : (state?.unanswered ?? 0) + 1;

    // offer a person when asked, when two questions in a row went unanswered, when the documentation
    // does not say, or when knowledge marks the question as one for a person
    let pendingHandoff: HandoffReason | undefined;
    if (reply.intent === 'handoff') pendingHandoff = 'asked';
    else if (first?.fallback === 'refusal') pendingHandoff = undefined;
    else if (first?.overdue) pendingHandoff = 'needs_person';
    else if (u.readable && unanswered >= UNANSWERED_BEFORE_OFFER) pendingHandoff = 'unanswered';
    else if (u.needsPerson || first?.fallback === 'not_documented') pendingHandoff = 'needs_person';
    if (pendingHandoff && pendingHandoff !== 'asked') {
      // (an answer past its delivery time offers a person in its own words)
      if (!first?.overdue) reply.text = `${reply.text}\n\n${this.composer.handoffText('offer', lang)}`;
      reply.handoff = true;
    }
    const last = decision.answers.findLast((a) => a.intent !== 'fallback' && !a.alternatives);

    await store.set(message.conversationId, {
      lang,
      intent: last?.intent ?? state?.intent,
      hours: last?.hours ?? state?.hours,
      hoursEach: last?.hours !== undefined ? last.hoursEach : state?.hoursEach,
      received: last?.received ? isoDay(last.received) : state?.received,
      category: last?.category ?? state?.category,
      purpose: decision.purpose,
      unanswered,
      pendingHandoff,
      offeredAt: pendingHandoff ? at : undefined,
      seen,
      history: withTurns(state?.history, u.text, reply),
      updatedAt: at,
    });
    return reply;
  }
}

const SHORT_MESSAGE_WORDS = 2;
/** How much more likely (log-probability) another language must be before a conversation switches to it. */
const LANGUAGE_SWITCH_MARGIN = 4;
/** After this many unanswered questions in a row the bot offers a person. */
const UNANSWERED_BEFORE_OFFER = 2;
/** Turns kept for a case transcript. */
const HISTORY_TURNS = 12;

/** The history with a question and its reply added, its last HISTORY_TURNS turns: one new array, made at its length. */
function withTurns(history: Turn[] | undefined, question: string, reply: Reply): Turn[] {
  const earlier = history ?? [];
  const from = Math.max(0, earlier.length + 2 - HISTORY_TURNS);
  const turns = new Array<Turn>(earlier.length - from + 2);
  for (let i = from; i < earlier.length; i++) turns[i - from] = earlier[i]!;
  turns[turns.length - 2] = { role: 'user' as const, text: question, intent: reply.intent };
  turns[turns.length - 1] = { role: 'bot' as const, text: reply.text };
  return turns;
}

/** Adds what a message names to what the conversation has named so far. */
function remember(seen: Seen | undefined, u: Understanding): Seen {
  // a list is copied only when something new joins it
  const add = (list: string[] | undefined, items: string[]) => {
    if (items.length === 0) return list ?? [];
    const fresh = items.filter((x, i) => !list?.includes(x) && items.indexOf(x) === i);
    return fresh.length ? [...(list ?? []), ...fresh] : (list ?? []);
  };
  return {
    intents: add(seen?.intents, u.readable ? u.parts.map((p) => p.classification.ranking.intent(0)).filter((i): i is string => !!i && i !== 'fallback') : []),
    registries: add(seen?.registries, u.registries),
    dates: add(seen?.dates, u.received ? [isoDay(u.received)] : []),
    purpose: u.purpose ?? seen?.purpose,
    category: u.category ?? seen?.category,
    hours: u.hours ?? seen?.hours,
  };
}

export type { HandoffVariant, Label, UserAction } from './answer/compose.js';
