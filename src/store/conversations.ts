import type { ConversationState, ConversationStore } from '../core/state/store.js';
import type { Db } from './db.js';
import type { Clock } from '../core/clock.js';
import { redactedJson } from './records.js';

/** Conversation state in the database (or a transaction), so follow-ups survive restarts and span instances. */
export class DbConversationStore implements ConversationStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async get(conversationId: string): Promise<ConversationState | undefined> {
    const row = await this.db.get<{ state: string }>('SELECT state FROM conversations WHERE id = ?', [conversationId]);
    return row ? (JSON.parse(row.state) as ConversationState) : undefined;
  }

  async set(conversationId: string, state: ConversationState): Promise<void> {
    await this.db.run(
      'INSERT INTO conversations (id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      [conversationId, redactedJson(state), this.clock.now().toISOString()],
    );
  }

  async delete(conversationId: string): Promise<void> {
    await this.db.run('DELETE FROM conversations WHERE id = ?', [conversationId]);
  }
}
