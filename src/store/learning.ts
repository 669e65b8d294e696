import type { Db } from './db.js';
import type { Clock } from '../core/clock.js';
import { redact } from './records.js';

/** Feedback clicks and questions the bot could not answer, kept (redacted) to improve it. */
export class LearningLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async feedback(conversationId: string, helpful: boolean, intent: string | null, question: string | null): Promise<void> {
    await this.db.run('INSERT INTO feedback (conversation_id, intent, helpful, question, created_at) VALUES (?, ?, ?, ?, ?)', [
      conversationId,
      intent,
      helpful ? 1 : 0,
      redact(question),
      this.clock.now().toISOString(),
    ]);
  }

  async unanswered(conversationId: string, question: string, lang: string, intent: string | null, confidence: number): Promise<void> {
    await this.db.run('INSERT INTO unanswered (conversation_id, question, lang, intent, confidence, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      conversationId,
      redact(question) ?? '',
      lang,
      intent,
      confidence,
      this.clock.now().toISOString(),
    ]);
  }
}
