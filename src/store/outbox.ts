import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Db } from './db.js';
import { redact, redactedJson } from './records.js';
import { RunLoop } from './run-loop.js';

/** What the outbox delivers: answers and notes to users, posts and updates on the support side, mail. */
export const OUTBOX_KINDS = ['reply', 'text', 'home', 'case_post', 'case_relay', 'case_update', 'user_message', 'mail', 'notice'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface OutboxItem {
  id: number;
  kind: OutboxKind;
  caseId: number | null;
  /** Unique: queuing the same delivery twice queues it once. */
  key: string;
  /** Items with the same order key are delivered one after another, in the order queued. */
  orderKey: string;
  payload: Record<string, unknown>;
  attempts: number;
  /** An earlier attempt may have reached the receiver (a timeout, a crash mid-send): check before sending again. */
  uncertain: boolean;
  createdAt: string;
}

export interface NewDelivery {
  kind: OutboxKind;
  key: string;
  orderKey: string;
  caseId?: number | null;
  payload: Record<string, unknown>;
  /** Where it goes: a platform's address, kept as it is (a digit run in an id must survive redaction). */
  to?: unknown;
}

/** Queues a delivery in the caller's transaction: it commits with the change it reports. Every text in the payload is redacted. */
export async function enqueue(db: Db, clock: Clock, d: NewDelivery): Promise<void> {
  const at = clock.now().toISOString();
  const payload = d.to === undefined ? redactedJson(d.payload) : JSON.stringify({ ...(JSON.parse(redactedJson(d.payload)) as object), to: d.to });
  await db.run(
    `INSERT INTO outbox (kind, case_id, payload, next_attempt_at, created_at, order_key, idempotency_key)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
    [d.kind, d.caseId ?? null, payload, at, at, d.orderKey, d.key],
  );
}

/**
 * How a delivery failed. `retryAfterMs`: the receiver asked to wait (429). `uncertain`: it may
 * have arrived (a timeout, a server error). `permanent`: trying again cannot help.
 */
/** Deliveries not yet made, whether due now or waiting for a retry (dead ones not counted). */
export async function undelivered(db: Db): Promise<number> {
  const row = await db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL');
  return Number(row?.n ?? 0);
}

export class DeliveryError extends Error {
  readonly code = 'npr_bot_delivery_failed';
  constructor(
    message: string,
    readonly how: { retryAfterMs?: number; uncertain?: boolean; permanent?: boolean } = {},
  ) {
    super(message);
  }
}

/** Sends one item; for an uncertain one, `wasDelivered` (where the platform can tell) looks for it first. */
export interface Deliverer {
  deliver(item: OutboxItem): Promise<void>;
  wasDelivered?(item: OutboxItem): Promise<boolean>;
}

export interface OutboxOptions {
  /** How long a claimed item is reserved for its worker before another may take it (longer than a send may take). */
  leaseMs?: number;
  /** Deliveries in flight at once, each of a different order key (default 8). */
  concurrency?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many attempts, or this long after it was queued, an item is dead: counted, listed, told. */
  maxAttempts?: number;
  maxAgeMs?: number;
  /** A failed attempt, and when the next one comes. */
  onError?: (item: OutboxItem, error: unknown, retryInMs: number) => void;
  /** An item given up on; awaited, so what it queues is delivered in the same run. */
  onDead?: (item: OutboxItem, error: unknown) => void | Promise<void>;
}

interface Row {
  id: number | string;
  kind: OutboxKind;
  case_id: number | string | null;
  idempotency_key: string | null;
  order_key: string | null;
  payload: string;
  attempts: number | string;
  uncertain: number | string;
  created_at: string;
}

/**
 * Delivers queued items: at once when something is queued (`kick`), and on a timer for retries.
 * An item is claimed before it is sent, so two workers (or instances) never send the same one at
 * once; marked uncertain while in flight, so that after a timeout or a crash it is looked for
 * before it is sent again; retried with backoff, or after the time a 429 asked for; and dead
 * after a limit, when `onDead` is told.
 */
export class OutboxWorker {
  private readonly worker = randomUUID();
  /** Items this worker is sending now. */
  private readonly inFlight = new Set<number>();
  private readonly loop = new RunLoop(
    () => this.runOnce(),
    () => {}, // a failed run (the database gone) leaves the items for the next
  );

  constructor(
    private readonly db: Db,
    private readonly deliverer: Deliverer,
    private readonly clock: Clock,
    private readonly options: OutboxOptions = {},
  ) {}

  private get stopped(): boolean {
    return this.loop.stopped;
  }

  /**
   * Delivers what is due now, up to `concurrency` at once (never two of one order key), and goes on
   * while more becomes due; returns how many were delivered. One slow receiver does not hold up
   * the others.
   */
  async runOnce(): Promise<number> {
    let delivered = 0;
    const running = new Set<Promise<void>>();
    const limit = this.options.concurrency ?? 8;
    for (;;) {
      const room = limit - running.size;
      // once stopped, the deliveries in hand are finished and nothing new is taken
      const items = room > 0 && !this.stopped ? await this.claimDue(room) : [];
      for (const item of items) {
        // rendering and sending run on the event loop: requests waiting for their ack go first
        await new Promise((resolve) => setImmediate(resolve));
        const attempt: Promise<void> = this.attempt(item)
          // an outcome that could not be written (the database gone) leaves the item claimed by this worker: its next run takes it again
          .then((ok) => void (ok && delivered++), () => undefined)
          .finally(() => {
            this.inFlight.delete(item.id);
            running.delete(attempt);
          });
        running.add(attempt);
      }
      if (running.size === 0) return delivered;
      await Promise.race(running);
    }
  }

  // its own earlier claims count as free unless in flight here: a claim it still holds otherwise is one whose outcome could not be written
  private async claimDue(limit: number): Promise<OutboxItem[]> {
    const at = this.clock.now().toISOString();
    // per order key, only the oldest undelivered item is due, so a conversation's messages keep their order
    const due = await this.db.all<{ id: number | string }>(
      `SELECT o.id FROM outbox o
       WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND o.next_attempt_at <= ? AND (o.claimed_until IS NULL OR o.claimed_until < ? OR o.claimed_by = ?)
         AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.order_key = o.order_key AND e.delivered_at IS NULL AND e.dead_at IS NULL AND e.id < o.id)
       ORDER BY o.id LIMIT ?`,
      [at, at, this.worker, limit + this.inFlight.size],
    );
    const items: OutboxItem[] = [];
    for (const { id: raw } of due) {
      const id = Number(raw);
      if (this.inFlight.has(id) || items.length >= limit) continue;
      this.inFlight.add(id); // before any await: another slot of this worker must not take it too
      try {
        const item = await this.claim(id);
        if (item) items.push(item);
        else this.inFlight.delete(id); // another worker has it
      } catch (error) {
        this.inFlight.delete(id); // the database failed: the next run claims it again
        if (items.length === 0) throw error;
        break;
      }
    }
    return items;
  }

  private async claim(id: number): Promise<OutboxItem | undefined> {
    const now = this.clock.now();
    const lease = new Date(now.getTime() + (this.options.leaseMs ?? 60_000)).toISOString();
    const { changes } = await this.db.run(
      'UPDATE outbox SET claimed_until = ?, claimed_by = ? WHERE id = ? AND delivered_at IS NULL AND dead_at IS NULL AND (claimed_until IS NULL OR claimed_until < ? OR claimed_by = ?)',
      [lease, this.worker, id, now.toISOString(), this.worker],
    );
    if (changes !== 1) return undefined;
    const row = await this.db.get<Row>('SELECT id, kind, case_id, idempotency_key, order_key, payload, attempts, uncertain, created_at FROM outbox WHERE id = ?', [id]);
    return {
      id,
      kind: row!.kind,
      caseId: row!.case_id === null ? null : Number(row!.case_id),
      key: row!.idempotency_key ?? `outbox:${row!.id}`,
      orderKey: row!.order_key ?? `outbox:${row!.id}`,
      payload: JSON.parse(row!.payload) as Record<string, unknown>,
      attempts: Number(row!.attempts),
      uncertain: Number(row!.uncertain) === 1,
      createdAt: row!.created_at,
    };
  }

  private async attempt(item: OutboxItem): Promise<boolean> {
    try {
      if (item.uncertain && this.deliverer.wasDelivered && (await this.deliverer.wasDelivered(item))) {
        await this.markDelivered(item);
        return true;
      }
      // in flight: if this worker dies or the receiver does not answer, the next attempt looks first
      await this.db.run('UPDATE outbox SET uncertain = 1 WHERE id = ? AND claimed_by = ?', [item.id, this.worker]);
      await this.deliverer.deliver(item);
      await this.markDelivered(item);
      return true;
    } catch (error) {
      await this.failed(item, error);
      return false;
    }
  }

  private async markDelivered(item: OutboxItem): Promise<void> {
    await this.db.run('UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, claimed_until = NULL, uncertain = 0 WHERE id = ? AND claimed_by = ?', [
      this.clock.now().toISOString(),
      item.id,
      this.worker,
    ]);
  }

  private async failed(item: OutboxItem, error: unknown): Promise<void> {
    const how = error instanceof DeliveryError ? error.how : {};
    const attempts = item.attempts + 1;
    const now = this.clock.now();
    const age = now.getTime() - Date.parse(item.createdAt);
    const dead = how.permanent === true || attempts >= (this.options.maxAttempts ?? 10) || age > (this.options.maxAgeMs ?? 86_400_000);
    const backoff = Math.min(this.options.maxDelayMs ?? 300_000, (this.options.baseDelayMs ?? 1000) * 2 ** item.attempts);
    const delay = how.retryAfterMs !== undefined ? Math.max(how.retryAfterMs, 0) : backoff;
    // only the worker that still holds the claim records the outcome
    await this.db.run(
      'UPDATE outbox SET attempts = ?, claimed_until = NULL, uncertain = ?, next_attempt_at = ?, last_error = ?, dead_at = ? WHERE id = ? AND claimed_by = ?',
      [
        attempts,
        how.uncertain ? 1 : 0,
        new Date(now.getTime() + delay).toISOString(),
        redact(String(error instanceof Error ? error.message : error).slice(0, 500)),
        dead ? now.toISOString() : null,
        item.id,
        this.worker,
      ],
    );
    if (dead) await this.options.onDead?.({ ...item, attempts }, error);
    else this.options.onError?.({ ...item, attempts }, error, delay);
  }

  /** Delivers what was just queued, now; a kick during a run makes the run go round once more. */
  kick(): void {
    this.loop.kick();
  }

  /** Also looks every `intervalMs` for retries that have come due. */
  start(intervalMs = 1000): void {
    this.loop.start(intervalMs);
  }

  /** Resolves when no run is in progress (a kick during one makes it go round again first). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** Stops taking new work and waits for the deliveries in progress. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Items not yet delivered (dead ones not counted), and dead ones. */
  async counts(): Promise<{ pending: number; dead: number }> {
    const row = await this.db.get<{ pending: number | string | null; dead: number | string | null }>(
      'SELECT SUM(CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN 1 ELSE 0 END) AS pending, SUM(CASE WHEN dead_at IS NOT NULL THEN 1 ELSE 0 END) AS dead FROM outbox',
    );
    return { pending: Number(row?.pending ?? 0), dead: Number(row?.dead ?? 0) };
  }

  /** Items not yet delivered, for tests and the report. */
  async pending(): Promise<number> {
    return (await this.counts()).pending;
  }
}
