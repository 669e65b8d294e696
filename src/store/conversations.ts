import type { ConversationState, ConversationStore } from '../core/state/store.js';
import type { Db } from './db.js';
import { now, redactedJson } from './records.js';

/** Conversation state in the database, so follow-ups survive restarts and span instances. */
export class DbConversationStore implements ConversationStore {
  constructor(private readonly db: Db) {}

  async get(conversationId: string): Promise<ConversationState | undefined> {
    const row = await this.db.get<{ state: string }>('SELECT state FROM conversations WHERE id = ?', [conversationId]);
    return row ? (JSON.parse(row.state) as ConversationState) : undefined;
  }

  async set(conversationId: string, state: ConversationState): Promise<void> {
    await this.db.run(
      'INSERT INTO conversations (id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      [conversationId, redactedJson(state), now()],
    );
  }

  async delete(conversationId: string): Promise<void> {
    await this.db.run('DELETE FROM conversations WHERE id = ?', [conversationId]);
  }
}

/** Slack event ids (and other delivery ids) seen before, shared by every instance. */
export class ProcessedEvents {
  constructor(private readonly db: Db) {}

  /** True for exactly one caller per id, however many instances race for it. */
  async firstTime(id: string): Promise<boolean> {
    const { changes } = await this.db.run('INSERT INTO processed_events (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING', [id, now()]);
    return changes === 1;
  }
}
