import type { Lang } from '../core/types.js';
import type { Db } from './db.js';
import type { Clock } from '../core/clock.js';
import { redact, redactedJson } from './records.js';

export const CASE_STATUSES = ['open', 'claimed', 'resolved', 'forwarded'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** What the bot found in the conversation, for the support team's summary. */
export interface Findings {
  reason: 'asked' | 'button' | 'unanswered' | 'needs_person';
  intents: string[];
  purpose?: string;
  category?: string;
  registries?: string[];
  dates?: string[];
  hours?: number;
}

export interface CaseRecord {
  id: number;
  number: string;
  status: CaseStatus;
  channel: string;
  conversationId: string;
  /** Where to reach the user again: the channel's own address of the conversation. */
  conversationRef: Record<string, unknown>;
  lang: Lang;
  findings: Findings;
  assignee: string | null;
  /** Where the case is discussed on the support side. */
  supportRef: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  firstReplyAt: string | null;
  resolvedAt: string | null;
}

export interface CaseEvent {
  kind: string;
  actor: string | null;
  text: string | null;
  createdAt: string;
}

interface CaseRow {
  id: number | string;
  status: CaseStatus;
  channel: string;
  conversation_id: string;
  conversation_ref: string;
  lang: Lang;
  findings: string;
  assignee: string | null;
  support_ref: string | null;
  created_at: string;
  updated_at: string;
  first_reply_at: string | null;
  resolved_at: string | null;
}

export const caseNumber = (id: number) => `NPR-${String(id).padStart(5, '0')}`;

function toRecord(row: CaseRow): CaseRecord {
  const id = Number(row.id);
  return {
    id,
    number: caseNumber(id),
    status: row.status,
    channel: row.channel,
    conversationId: row.conversation_id,
    conversationRef: JSON.parse(row.conversation_ref) as Record<string, unknown>,
    lang: row.lang,
    findings: JSON.parse(row.findings) as Findings,
    assignee: row.assignee,
    supportRef: row.support_ref ? (JSON.parse(row.support_ref) as Record<string, unknown>) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    firstReplyAt: row.first_reply_at,
    resolvedAt: row.resolved_at,
  };
}

export interface NewCase {
  /** One request opens at most one case: a retried confirmation finds the first. */
  requestKey: string;
  channel: string;
  conversationId: string;
  conversationRef: Record<string, unknown>;
  lang: Lang;
  findings: Findings;
  transcript: { role: 'user' | 'bot'; text: string }[];
}

/** Cases not yet resolved, by status (open, claimed, forwarded): for the metrics. */
export async function unresolvedCases(db: Db): Promise<Record<string, number>> {
  const rows = await db.all<{ status: string; n: number | string }>("SELECT status, COUNT(*) AS n FROM cases WHERE status <> 'resolved' GROUP BY status");
  return Object.fromEntries(CASE_STATUSES.filter((s) => s !== 'resolved').map((s) => [s, Number(rows.find((r) => r.status === s)?.n ?? 0)]));
}

/**
 * Cases and their event history, on the database (or the transaction) it is given. Every text is
 * redacted on its way in.
 */
export class CaseStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** Opens a case (or finds the one this request already opened); run it in the transaction that queues what follows. */
  async open(c: NewCase): Promise<{ case: CaseRecord; created: boolean }> {
    {
      const tx = this.db;
      const at = this.now();
      const inserted = await tx.all<CaseRow>(
        `INSERT INTO cases (request_key, status, channel, conversation_id, conversation_ref, lang, findings, created_at, updated_at)
         VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_key) DO NOTHING RETURNING *`,
        // addresses are platform ids, stored as they are: redacting a digit run in an id would make it unreachable
        [c.requestKey, c.channel, c.conversationId, JSON.stringify(c.conversationRef), c.lang, redactedJson(c.findings), at, at],
      );
      if (inserted.length === 0) {
        const existing = await tx.get<CaseRow>('SELECT * FROM cases WHERE request_key = ?', [c.requestKey]);
        return { case: toRecord(existing!), created: false };
      }
      const record = toRecord(inserted[0]!);
      await this.addEvent(record.id, 'opened', 'bot', c.findings.reason);
      for (const t of c.transcript) await this.addEvent(record.id, t.role === 'user' ? 'user_message' : 'bot_message', t.role, t.text);
      return { case: record, created: true };
    }
  }

  async addEvent(caseId: number, kind: string, actor: string | null, text: string | null): Promise<void> {
    await this.db.run('INSERT INTO case_events (case_id, kind, actor, text, created_at) VALUES (?, ?, ?, ?, ?)', [caseId, kind, redact(actor), redact(text), this.now()]);
  }

  async get(id: number): Promise<CaseRecord | undefined> {
    const row = await this.db.get<CaseRow>('SELECT * FROM cases WHERE id = ?', [id]);
    return row ? toRecord(row) : undefined;
  }

  /** The case still being worked on for a conversation, if any. */
  async activeFor(conversationId: string): Promise<CaseRecord | undefined> {
    const row = await this.db.get<CaseRow>(
      "SELECT * FROM cases WHERE conversation_id = ? AND status <> 'resolved' ORDER BY id DESC LIMIT 1",
      [conversationId],
    );
    return row ? toRecord(row) : undefined;
  }

  /** The case discussed at a support-side location (a Slack thread, a Teams reply chain). */
  async bySupportKey(key: string): Promise<CaseRecord | undefined> {
    const row = await this.db.get<CaseRow>("SELECT * FROM cases WHERE support_key = ? AND status <> 'resolved'", [key]);
    return row ? toRecord(row) : undefined;
  }

  /** Where the case landed on the support side; `ref.key` finds it again from a reply there. */
  async setSupportRef(id: number, ref: Record<string, unknown> & { key: string }): Promise<void> {
    await this.db.run('UPDATE cases SET support_ref = ?, support_key = ?, updated_at = ? WHERE id = ?', [JSON.stringify(ref), ref.key, this.now(), id]);
  }

  /** Moves a case to `status`, recording who did it; false if it already was there. Run it in the transaction that queues what the change sets off. */
  async changeStatus(id: number, status: CaseStatus, actor: string, note?: string): Promise<boolean> {
    const at = this.now();
    const { changes } = await this.db.run(
      `UPDATE cases SET status = ?, updated_at = ?,
         assignee = CASE WHEN ? = 'claimed' THEN ? ELSE assignee END,
         resolved_at = CASE WHEN ? = 'resolved' THEN ? ELSE resolved_at END
       WHERE id = ? AND status <> ?`,
      [status, at, status, actor, status, at, id, status],
    );
    if (changes === 0) return false;
    await this.addEvent(id, status, actor, note ?? null);
    return true;
  }

  /** The first time an agent answers: for the report's time to first reply. */
  async markFirstReply(id: number): Promise<void> {
    await this.db.run('UPDATE cases SET first_reply_at = ? WHERE id = ? AND first_reply_at IS NULL', [this.now(), id]);
  }

  /** Whether a case's post to the support side is still on its way (its thread not yet known). */
  async postPending(): Promise<boolean> {
    const row = await this.db.get<{ n: number | string }>("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'case_post' AND delivered_at IS NULL AND dead_at IS NULL");
    return Number(row?.n ?? 0) > 0;
  }

  async events(id: number): Promise<CaseEvent[]> {
    const rows = await this.db.all<{ kind: string; actor: string | null; text: string | null; created_at: string }>(
      'SELECT kind, actor, text, created_at FROM case_events WHERE case_id = ? ORDER BY id',
      [id],
    );
    return rows.map((r) => ({ kind: r.kind, actor: r.actor, text: r.text, createdAt: r.created_at }));
  }
}
