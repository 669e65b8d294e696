import type { Db } from './db.js';

export interface PurgeResult {
  cutoff: string;
  conversations: number;
  cases: number;
  feedback: number;
  unanswered: number;
  /** Recorded events already handled (or given up), and old remembered event ids. */
  events: number;
}

/**
 * Deletes what is older than `days`: conversations, cases (their events and deliveries go
 * with them), feedback, unanswered questions, and handled events. Pending ones stay: they
 * still wait for an answer.
 */
export async function purgeOlderThan(db: Db, days: number, now = new Date()): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  return db.transaction(async (tx) => {
    const del = async (sql: string) => (await tx.run(sql, [cutoff])).changes;
    // deliveries and events first, for databases that do not cascade
    await tx.run('DELETE FROM outbox WHERE case_id IN (SELECT id FROM cases WHERE updated_at < ?)', [cutoff]);
    await tx.run('DELETE FROM case_events WHERE case_id IN (SELECT id FROM cases WHERE updated_at < ?)', [cutoff]);
    await tx.run('DELETE FROM outbox WHERE case_id IS NULL AND created_at < ? AND (delivered_at IS NOT NULL OR dead_at IS NOT NULL)', [cutoff]);
    return {
      cutoff,
      cases: await del('DELETE FROM cases WHERE updated_at < ?'),
      conversations: await del('DELETE FROM conversations WHERE updated_at < ?'),
      feedback: await del('DELETE FROM feedback WHERE created_at < ?'),
      unanswered: await del('DELETE FROM unanswered WHERE created_at < ?'),
      events: (await del("DELETE FROM inbox WHERE state <> 'pending' AND received_at < ?")) + (await del('DELETE FROM processed_events WHERE created_at < ?')),
    };
  });
}
