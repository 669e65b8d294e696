import { tokenize } from '../core/understand/normalise.js';
import type { Db } from './db.js';

export interface Report {
  since: string;
  days: number;
  unanswered: { count: number; example: string; questions: string[] }[];
  notHelpful: { intent: string; notHelpful: number; helpful: number }[];
  cases: { byStatus: Record<string, number>; total: number; firstReplyMinutes: { median: number | null; average: number | null; replied: number } };
  /** Deliveries still waiting (support posts, replies, mail): a side that is down shows here. */
  waiting: { count: number; oldest: string | null; lastErrors: string[] };
  /** Deliveries given up after their last attempt, newest first; and events that could not be handled. */
  dead: { count: number; items: { kind: string; queued: string; attempts: number; error: string | null }[]; events: number };
}

/** Two questions are alike when they share this share of their words. */
const ALIKE = 0.4;

const words = (q: string) => new Set(tokenize(q).filter((w) => w.length > 2));
function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/** Groups questions greedily: each joins the first group whose first question it is like. */
export function groupByLikeness(questions: string[]): { count: number; example: string; questions: string[] }[] {
  const groups: { key: Set<string>; questions: string[] }[] = [];
  for (const q of questions) {
    const w = words(q);
    const group = groups.find((g) => jaccard(g.key, w) >= ALIKE);
    if (group) group.questions.push(q);
    else groups.push({ key: w, questions: [q] });
  }
  return groups.map((g) => ({ count: g.questions.length, example: g.questions[0]!, questions: g.questions })).sort((a, b) => b.count - a.count);
}

/** What the learning loop shows for the last `days` days. */
export async function buildReport(db: Db, days: number, now = new Date()): Promise<Report> {
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  const unanswered = await db.all<{ question: string }>('SELECT question FROM unanswered WHERE created_at >= ? ORDER BY id', [since]);
  const feedback = await db.all<{ intent: string | null; helpful: number | string; n: number | string }>(
    'SELECT intent, helpful, COUNT(*) AS n FROM feedback WHERE created_at >= ? GROUP BY intent, helpful',
    [since],
  );
  const byIntent = new Map<string, { intent: string; notHelpful: number; helpful: number }>();
  for (const f of feedback) {
    const intent = f.intent ?? '(unknown)';
    const row = byIntent.get(intent) ?? { intent, notHelpful: 0, helpful: 0 };
    if (Number(f.helpful)) row.helpful += Number(f.n);
    else row.notHelpful += Number(f.n);
    byIntent.set(intent, row);
  }
  const cases = await db.all<{ status: string; created_at: string; first_reply_at: string | null }>(
    'SELECT status, created_at, first_reply_at FROM cases WHERE created_at >= ?',
    [since],
  );
  const byStatus: Record<string, number> = {};
  for (const c of cases) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
  const minutes = cases
    .filter((c) => c.first_reply_at)
    .map((c) => (Date.parse(c.first_reply_at!) - Date.parse(c.created_at)) / 60_000)
    .sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  const waiting = await db.get<{ n: number | string; oldest: string | null }>('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL');
  const errors = await db.all<{ last_error: string }>(
    'SELECT DISTINCT last_error FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL AND last_error IS NOT NULL ORDER BY last_error LIMIT 5',
  );
  const dead = await db.all<{ kind: string; created_at: string; attempts: number | string; last_error: string | null }>(
    'SELECT kind, created_at, attempts, last_error FROM outbox WHERE dead_at IS NOT NULL AND dead_at >= ? ORDER BY dead_at DESC LIMIT 50',
    [since],
  );
  const deadCount = await db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM outbox WHERE dead_at IS NOT NULL AND dead_at >= ?', [since]);
  const deadEvents = await db.get<{ n: number | string }>("SELECT COUNT(*) AS n FROM inbox WHERE state = 'dead' AND received_at >= ?", [since]);
  return {
    since,
    days,
    unanswered: groupByLikeness(unanswered.map((u) => u.question)),
    notHelpful: [...byIntent.values()].filter((r) => r.notHelpful > 0).sort((a, b) => b.notHelpful - a.notHelpful),
    cases: {
      byStatus,
      total: cases.length,
      firstReplyMinutes: {
        median: minutes.length ? round(minutes[Math.floor((minutes.length - 1) / 2)]!) : null,
        average: minutes.length ? round(minutes.reduce((s, m) => s + m, 0) / minutes.length) : null,
        replied: minutes.length,
      },
    },
    waiting: { count: Number(waiting?.n ?? 0), oldest: waiting?.oldest ?? null, lastErrors: errors.map((e) => e.last_error) },
    dead: {
      count: Number(deadCount?.n ?? 0),
      items: dead.map((d) => ({ kind: d.kind, queued: d.created_at, attempts: Number(d.attempts), error: d.last_error })),
      events: Number(deadEvents?.n ?? 0),
    },
  };
}
