import type { Lang, Seen } from '../types.js';

export type { Seen } from '../types.js';

export type HandoffReason = 'asked' | 'button' | 'unanswered' | 'needs_person';

export interface Turn {
  role: 'user' | 'bot';
  text: string;
  intent?: string;
}


/** What the bot remembers of a conversation so that a follow-up can complete it. */
export interface ConversationState {
  lang: Lang;
  /** The intent of the last answered question. */
  intent?: string;
  hours?: number;
  /** Several requests' hours whose total was asked: `hours` is their sum. */
  hoursEach?: number[];
  /** ISO date (yyyy-mm-dd) a complete application was received. */
  received?: string;
  /** Data category group from knowledge/deadlines.md. */
  category?: string;
  /** What the data are for, once the conversation has said it ("ikke forskning"): later routes keep to it. */
  purpose?: 'research' | 'non_research' | 'own_data';
  /** Questions in a row the bot could not answer. */
  unanswered: number;
  /** The bot has offered a support case and waits for yes or no; the value says why it offered. */
  pendingHandoff?: HandoffReason;
  /** When that offer was made. */
  offeredAt?: string;
  /** The latest turns, redacted, for the support team when a case opens. */
  history?: Turn[];
  /** What the conversation has named so far, for a case summary. */
  seen?: Seen;
  updatedAt: string;
}

/** Where conversation state lives; in memory now, a database later. */
export interface ConversationStore {
  get(conversationId: string): Promise<ConversationState | undefined>;
  set(conversationId: string, state: ConversationState): Promise<void>;
  delete(conversationId: string): Promise<void>;
}

/** Keeps the most recently used conversations, forgetting the oldest beyond `capacity`. */
export class MemoryConversationStore implements ConversationStore {
  /** In order of use, the least recently used first: a conversation set again moves to the end. */
  private readonly states = new Map<string, ConversationState>();
  /**
   * Walks the map from the least recently used, and stays where the last one it gave was forgotten.
   * A new iterator would step over every entry deleted since the map last compacted itself, on
   * every set once the store is full; a Map iterator goes on past entries deleted or added later.
   */
  private oldest: Iterator<string> = this.states.keys();

  constructor(private readonly capacity = 10_000) {}

  async get(conversationId: string): Promise<ConversationState | undefined> {
    return this.states.get(conversationId);
  }

  async set(conversationId: string, state: ConversationState): Promise<void> {
    this.states.delete(conversationId);
    // a copy, so that a caller changing its object later does not change what is stored (a spread:
    // V8 copies an object literal's fields by its shape, some times faster than Object.assign)
    this.states.set(conversationId, { ...state });
    if (this.states.size > this.capacity) {
      let next = this.oldest.next();
      if (next.done) next = (this.oldest = this.states.keys()).next();
      this.states.delete(next.value);
    }
  }

  async delete(conversationId: string): Promise<void> {
    this.states.delete(conversationId);
  }
}
