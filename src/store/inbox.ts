import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Db } from './db.js';
import { redact } from './records.js';

/** An event to record: its platform-unique key, and the (redacted) event as JSON. */
export interface NewInboxEntry {
  /** Unique per delivery of the same event: a retry or a replay has the same key. */
  key: string;
  platform: string;
  kind: string;
  /** Events with the same order key are handled one after another, in the order received. */
  orderKey: string;
  payload: unknown;
}

export interface InboxEntry {
  id: number;
  key: string;
  kind: string;
  orderKey: string;
  payload: unknown;
  attempts: number;
}

export interface InboxOptions {
  /** How long a claimed entry is reserved for its worker before another may take it (handling takes milliseconds; after a crash, this is the wait). */
  leaseMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts an entry is dead: counted and listed, no longer tried. */
  maxAttempts?: number;
}

interface Waiting {
  entry: NewInboxEntry;
  resolve: (r: { id: number; fresh: boolean }) => void;
  reject: (e: unknown) => void;
}

/**
 * Events as they arrive, recorded before the platform is told they were received: an event the
 * server accepted is in here, and stays pending until what it sets off is queued for delivery in
 * the same transaction that marks it handled. Records that arrive together are written in one
 * transaction (one commit for many requests), so recording keeps up under load.
 */
export class Inbox {
  private waiting: Waiting[] = [];
  private flushing = false;
  readonly worker = randomUUID();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: InboxOptions = {},
  ) {}

  /** Records an event; `fresh` is false when it was recorded before (a retry, a replay, another instance). */
  record(entry: NewInboxEntry): Promise<{ id: number; fresh: boolean }> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ entry, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      const results = await this.db.transaction(async (tx) => {
        const at = this.clock.now().toISOString();
        const out: { id: number; fresh: boolean }[] = [];
        for (const { entry } of batch) {
          const rows = await tx.all<{ id: number | string }>(
            `INSERT INTO inbox (event_key, platform, kind, order_key, payload, next_attempt_at, received_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING RETURNING id`,
            [entry.key, entry.platform, entry.kind, entry.orderKey, JSON.stringify(entry.payload), at, at],
          );
          if (rows[0]) out.push({ id: Number(rows[0].id), fresh: true });
          else {
            const existing = await tx.get<{ id: number | string }>('SELECT id FROM inbox WHERE event_key = ?', [entry.key]);
            out.push({ id: Number(existing!.id), fresh: false });
          }
        }
        return out;
      });
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      if (this.waiting.length > 0) setImmediate(() => void this.flush());
      else this.flushing = false;
    }
  }

  /**
   * Pending entries whose time has come, each the oldest pending one of its order key, claimed for
   * this worker. Its own earlier claims count as free: one worker handles one batch at a time, so a
   * claim it still holds is one whose failure could not be written (the database was down).
   */
  async claimDue(limit = 20): Promise<InboxEntry[]> {
    const at = this.clock.now().toISOString();
    const due = await this.db.all<{ id: number | string }>(
      `SELECT i.id FROM inbox i
       WHERE i.state = 'pending' AND i.next_attempt_at <= ? AND (i.claimed_until IS NULL OR i.claimed_until < ? OR i.claimed_by = ?)
         AND NOT EXISTS (SELECT 1 FROM inbox e WHERE e.order_key = i.order_key AND e.state = 'pending' AND e.id < i.id)
       ORDER BY i.id LIMIT ?`,
      [at, at, this.worker, limit],
    );
    const claimed: InboxEntry[] = [];
    for (const { id } of due) {
      const now = this.clock.now();
      const until = new Date(now.getTime() + (this.options.leaseMs ?? 10_000)).toISOString();
      const { changes } = await this.db.run(
        "UPDATE inbox SET claimed_until = ?, claimed_by = ? WHERE id = ? AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < ? OR claimed_by = ?)",
        [until, this.worker, Number(id), now.toISOString(), this.worker],
      );
      if (changes !== 1) continue;
      const row = await this.db.get<{ id: number | string; event_key: string; kind: string; order_key: string; payload: string; attempts: number | string }>(
        'SELECT id, event_key, kind, order_key, payload, attempts FROM inbox WHERE id = ?',
        [Number(id)],
      );
      claimed.push({ id: Number(row!.id), key: row!.event_key, kind: row!.kind, orderKey: row!.order_key, payload: JSON.parse(row!.payload) as unknown, attempts: Number(row!.attempts) });
    }
    return claimed;
  }

  /** Marks an entry handled, inside the transaction that queued what it set off. False if another worker took it over. */
  async handled(tx: Db, id: number): Promise<boolean> {
    const { changes } = await tx.run("UPDATE inbox SET state = 'handled', handled_at = ?, claimed_until = NULL WHERE id = ? AND state = 'pending' AND claimed_by = ?", [
      this.clock.now().toISOString(),
      id,
      this.worker,
    ]);
    return changes === 1;
  }

  /** Handling failed: the entry waits and is tried again, or is dead after the last attempt. Returns its state. */
  async failed(entry: InboxEntry, error: unknown): Promise<'pending' | 'dead'> {
    const attempts = entry.attempts + 1;
    const dead = attempts >= (this.options.maxAttempts ?? 12);
    const delay = Math.min(this.options.maxDelayMs ?? 300_000, (this.options.baseDelayMs ?? 250) * 2 ** entry.attempts);
    await this.db.run('UPDATE inbox SET attempts = ?, state = ?, next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ? AND claimed_by = ?', [
      attempts,
      dead ? 'dead' : 'pending',
      new Date(this.clock.now().getTime() + delay).toISOString(),
      redact(String(error instanceof Error ? error.message : error).slice(0, 500)),
      entry.id,
      this.worker,
    ]);
    return dead ? 'dead' : 'pending';
  }

  /** Entries not yet handled (pending), and those given up on (dead). */
  async counts(): Promise<{ pending: number; dead: number }> {
    const rows = await this.db.all<{ state: string; n: number | string }>("SELECT state, COUNT(*) AS n FROM inbox WHERE state <> 'handled' GROUP BY state");
    const of = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
    return { pending: of('pending'), dead: of('dead') };
  }

  /** When the next pending entry is due, if any. */
  async nextDue(): Promise<Date | undefined> {
    const row = await this.db.get<{ at: string | null }>("SELECT MIN(next_attempt_at) AS at FROM inbox WHERE state = 'pending'");
    return row?.at ? new Date(row.at) : undefined;
  }
}
