import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { now, redact, redactedJson } from './records.js';

/** Deliveries that must happen even if the receiver is down or the server restarts. */
export const OUTBOX_KINDS = ['support_post', 'support_relay', 'user_message', 'mail', 'support_update'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface OutboxItem {
  id: number;
  kind: OutboxKind;
  caseId: number | null;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Writes deliveries in the same transaction as the change they report. */
export async function enqueue(db: Db, kind: OutboxKind, caseId: number | null, payload: Record<string, unknown>): Promise<void> {
  const at = now();
  await db.run('INSERT INTO outbox (kind, case_id, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)', [kind, caseId, redactedJson(payload), at, at]);
}

export type Deliver = (item: OutboxItem) => Promise<void>;

export interface OutboxOptions {
  /** How long a claimed item is reserved for its worker before another may take it. */
  leaseMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onError?: (item: OutboxItem, error: unknown) => void;
}

/**
 * Delivers queued items with retries and exponential backoff. An item is claimed before it is
 * sent, so two workers (or instances) never send the same one at once, and marked delivered
 * right after; one whose worker died is taken up again when its lease runs out.
 */
export class OutboxWorker {
  private readonly worker = randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly db: Db,
    private readonly deliver: Deliver,
    private readonly options: OutboxOptions = {},
  ) {}

  /** Delivers what is due now; returns how many were delivered. */
  async runOnce(): Promise<number> {
    const nowIso = () => new Date().toISOString();
    const at = nowIso();
    // per case, only the oldest undelivered item is due, so a case's messages keep their order
    const due = await this.db.all<{ id: number | string }>(
      `SELECT o.id FROM outbox o
       WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? AND (o.claimed_until IS NULL OR o.claimed_until < ?)
         AND (o.case_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM outbox e WHERE e.case_id = o.case_id AND e.delivered_at IS NULL AND e.id < o.id))
       ORDER BY o.id LIMIT 50`,
      [at, at],
    );
    let delivered = 0;
    for (const { id } of due) {
      // the lease starts when this item is claimed, not when the batch began
      const claimedAt = nowIso();
      const lease = new Date(Date.parse(claimedAt) + (this.options.leaseMs ?? 60_000)).toISOString();
      const { changes } = await this.db.run(
        'UPDATE outbox SET claimed_until = ?, claimed_by = ? WHERE id = ? AND delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)',
        [lease, this.worker, Number(id), claimedAt],
      );
      if (changes !== 1) continue; // another worker has it
      const row = await this.db.get<{ id: number | string; kind: OutboxKind; case_id: number | string | null; payload: string; attempts: number }>(
        'SELECT id, kind, case_id, payload, attempts FROM outbox WHERE id = ?',
        [Number(id)],
      );
      const item: OutboxItem = {
        id: Number(row!.id),
        kind: row!.kind,
        caseId: row!.case_id === null ? null : Number(row!.case_id),
        payload: JSON.parse(row!.payload) as Record<string, unknown>,
        attempts: Number(row!.attempts),
      };
      try {
        await this.deliver(item);
        await this.db.run('UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, claimed_until = NULL WHERE id = ? AND claimed_by = ?', [nowIso(), item.id, this.worker]);
        delivered++;
      } catch (error) {
        const delay = Math.min(this.options.maxDelayMs ?? 300_000, (this.options.baseDelayMs ?? 1000) * 2 ** item.attempts);
        // only the worker that still holds the claim records the failure
        await this.db.run('UPDATE outbox SET attempts = attempts + 1, claimed_until = NULL, next_attempt_at = ?, last_error = ? WHERE id = ? AND claimed_by = ?', [
          new Date(Date.now() + delay).toISOString(),
          redact(String(error instanceof Error ? error.message : error).slice(0, 500)),
          item.id,
          this.worker,
        ]);
        this.options.onError?.(item, error);
      }
    }
    return delivered;
  }

  /** Polls every `intervalMs` until stopped. */
  start(intervalMs = 1000): void {
    const tick = () => {
      this.running = this.runOnce().catch(() => 0);
      void this.running.finally(() => {
        if (this.timer) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.running;
  }

  /** Items not yet delivered, for tests and the report. */
  async pending(): Promise<number> {
    const row = await this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL');
    return Number(row?.n ?? 0);
  }
}
