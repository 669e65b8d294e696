import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang, Message, Reply } from './types.js';
import { loadKnowledge } from './knowledge/load.js';
import { loadIntents } from './intents/load.js';
import { loadLexicon, type Lexicon } from './lexicon.js';
import type { KnowledgeBase } from './knowledge/entry.js';
import type { IntentDef } from './intents/schema.js';
import { Reader } from './understand/understand.js';
import { decide } from './decide.js';
import { Composer, type Label, type UserAction } from './answer/compose.js';
import { MemoryConversationStore, type ConversationStore } from './state/store.js';
import { checkReferences } from './validate.js';
import { DataError } from './data-file.js';

/** The project folder: knowledge/ and intents/ live here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BotData {
  kb: KnowledgeBase;
  intents: IntentDef[];
  lexicon: Lexicon;
}

/** Reads and validates knowledge/ and intents/: shape first, then cross-references. */
export function loadBotData(root = PROJECT_ROOT): BotData {
  const kb = loadKnowledge(join(root, 'knowledge'), root);
  const intents = loadIntents(join(root, 'intents'), root);
  const lexicon = loadLexicon(join(root, 'intents', 'lexicon.yaml'), root);
  const problems = checkReferences(kb, intents);
  if (problems.length > 0) throw new DataError(problems);
  return { kb, intents, lexicon };
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
  private readonly composer: Composer;
  private readonly now: () => Date;

  constructor(options: BotOptions = {}) {
    this.data = options.data ?? loadBotData();
    this.store = options.store ?? new MemoryConversationStore();
    this.now = options.now ?? (() => new Date());
    this.reader = new Reader(this.data.intents, this.data.kb, this.data.lexicon);
    this.composer = new Composer(this.data.kb, this.data.lexicon, this.data.intents);
  }

  /** A button or card action on an earlier answer. */
  async act(conversationId: string, action: UserAction): Promise<Reply> {
    const state = await this.store.get(conversationId);
    return this.composer.action(action, state?.lang ?? 'nb');
  }

  label(name: Label, lang: Lang): string {
    return this.composer.label(name, lang);
  }

  /** What the bot can answer, with examples: for welcome messages and App Home. */
  helpText(lang: Lang): string {
    return this.composer.action('help', lang).text;
  }

  async answer(message: Message): Promise<Reply> {
    const now = this.now();
    const state = await this.store.get(message.conversationId);
    const u = this.reader.read(message.text, now);
    const lang = u.langKnown || !state ? u.lang : state.lang;
    const decision = decide(u, state);
    const reply = this.composer.reply(u, decision, lang);
    const answered = reply.intent !== 'fallback' && !decision.alternatives;
    await this.store.set(message.conversationId, {
      lang,
      intent: answered ? reply.intent : state?.intent,
      hours: decision.hours ?? state?.hours,
      received: decision.received?.toISOString().slice(0, 10) ?? state?.received,
      category: decision.category ?? state?.category,
      unanswered: answered ? 0 : (state?.unanswered ?? 0) + 1,
      updatedAt: now.toISOString(),
    });
    return reply;
  }
}
export type { Label, UserAction } from './answer/compose.js';
