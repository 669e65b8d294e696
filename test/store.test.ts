import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { DbConversationStore, ProcessedEvents } from '../src/store/conversations.js';
import { CaseStore, type NewCase } from '../src/store/cases.js';
import { enqueue, OutboxWorker, type OutboxItem } from '../src/store/outbox.js';
import { purgeOlderThan } from '../src/store/purge.js';
import { buildReport, groupByLikeness } from '../src/store/report.js';
import { LearningLog } from '../src/store/learning.js';
import { DATABASE_KINDS, freshDatabase, POSTGRES_URL, type TestDatabase } from './helpers/databases.js';
import { identityNumbers } from './helpers/identity-numbers.js';

const fnr = identityNumbers('241275', 1)[0]!;

const newCase = (key: string, extra: Partial<NewCase> = {}): NewCase => ({
  requestKey: key,
  channel: 'slack',
  conversationId: `conv-${key}`,
  conversationRef: { channel: 'C1', thread: '1.1' },
  lang: 'nb',
  findings: { reason: 'asked', intents: ['linkage'], registries: ['Kreftregisteret'] },
  transcript: [
    { role: 'user', text: `Pasient ${fnr} skal kobles med Kreftregisteret` },
    { role: 'bot', text: 'Dette bør en person se på.' },
  ],
  ...extra,
});

it.skipIf(POSTGRES_URL)('PostgreSQL store tests need TEST_DATABASE_URL (set by .ci/run); only SQLite ran', () => {});

describe.each(DATABASE_KINDS)('store on %s', (kind) => {
  let database: TestDatabase;
  let db: Db;
  beforeEach(async () => {
    database = await freshDatabase(kind);
    db = database.open();
  });
  afterEach(() => db.close());

  it('applies migrations once, also when run again', async () => {
    expect(await migrate(db)).toEqual([]);
    const versions = await db.all<{ version: number }>('SELECT version FROM schema_migrations');
    expect(versions.map((v) => Number(v.version))).toEqual([1, 2, 3, 4]);
  });

  it('keeps conversation state, redacted, across a reopen', async () => {
    const store = new DbConversationStore(db);
    await store.set('c1', { lang: 'en', intent: 'pricing', hours: 5, unanswered: 0, updatedAt: 'now', history: [{ role: 'user', text: `my id ${fnr}` }] } as never);
    await db.close();
    db = database.open();
    const state = await new DbConversationStore(db).get('c1');
    expect(state).toMatchObject({ lang: 'en', intent: 'pricing', hours: 5 });
    expect(JSON.stringify(state)).not.toContain(fnr);
  });

  it('lets exactly one of many racing callers claim an event id', async () => {
    const second = database.open();
    try {
      const a = new ProcessedEvents(db);
      const b = new ProcessedEvents(second);
      const results = await Promise.all([a.firstTime('Ev1'), b.firstTime('Ev1'), a.firstTime('Ev1'), b.firstTime('Ev1')]);
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('opens one case per request, with a redacted transcript and history', async () => {
    const cases = new CaseStore(db);
    const first = await cases.open(newCase('r1'));
    const again = await cases.open(newCase('r1'));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, case: { id: first.case.id } });
    expect(first.case.number).toMatch(/^NPR-\d{5}$/);
    const events = await cases.events(first.case.id);
    expect(events.map((e) => e.kind)).toEqual(['opened', 'user_message', 'bot_message']);
    expect(JSON.stringify(events)).not.toContain(fnr);
    expect(JSON.stringify(events)).toContain('[REDACTED]');
  });

  it('never opens two cases for one request, even from two instances at once', async () => {
    const second = database.open();
    try {
      const results = await Promise.all([new CaseStore(db).open(newCase('race')), new CaseStore(second).open(newCase('race'))]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.case.id)).size).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('moves a case through its statuses with an event for each', async () => {
    const cases = new CaseStore(db);
    const { case: c } = await cases.open(newCase('s1'));
    expect(await cases.setStatus(c.id, 'claimed', 'U_AGENT')).toBe(true);
    expect(await cases.setStatus(c.id, 'claimed', 'U_AGENT')).toBe(false);
    expect(await cases.get(c.id)).toMatchObject({ status: 'claimed', assignee: 'U_AGENT' });
    await cases.setStatus(c.id, 'forwarded', 'U_AGENT');
    await cases.setStatus(c.id, 'resolved', 'U_AGENT');
    const done = await cases.get(c.id);
    expect(done).toMatchObject({ status: 'resolved' });
    expect(done!.resolvedAt).not.toBeNull();
    expect(await cases.activeFor(c.conversationId)).toBeUndefined();
    expect((await cases.events(c.id)).map((e) => e.kind)).toEqual(['opened', 'user_message', 'bot_message', 'claimed', 'forwarded', 'resolved']);
  });

  it('delivers outbox items once, retries failures with backoff, and survives a restart', async () => {
    const cases = new CaseStore(db);
    await cases.open(newCase('o1'), (tx, c) => enqueue(tx, 'support_post', c.id, { text: `case for ${fnr}` }));
    const seen: OutboxItem[] = [];
    let fail = true;
    const deliver = async (item: OutboxItem) => {
      if (fail) throw new Error('support channel down');
      seen.push(item);
    };
    const worker = new OutboxWorker(db, deliver, { baseDelayMs: 50 });
    expect(await worker.runOnce()).toBe(0);
    expect(await worker.pending()).toBe(1);

    // restart: a new connection and a new worker find the item still waiting
    await db.close();
    db = database.open();
    fail = false;
    const restarted = new OutboxWorker(db, deliver, { baseDelayMs: 50 });
    expect(await restarted.runOnce()).toBe(0); // not due yet: backoff
    await new Promise((r) => setTimeout(r, 80));
    expect(await restarted.runOnce()).toBe(1);
    expect(await restarted.runOnce()).toBe(0);
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen[0]!.payload)).not.toContain(fnr);
    expect(await restarted.pending()).toBe(0);
  });

  it('lets two workers on two instances deliver each item exactly once', async () => {
    for (let i = 0; i < 20; i++) await enqueue(db, 'user_message', null, { i });
    const second = database.open();
    try {
      const delivered: number[] = [];
      const deliver = async (item: OutboxItem) => {
        await new Promise((r) => setTimeout(r, 2));
        delivered.push(item.payload.i as number);
      };
      await Promise.all([new OutboxWorker(db, deliver).runOnce(), new OutboxWorker(second, deliver).runOnce()]);
      expect(delivered.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    } finally {
      await second.close();
    }
  });

  it('deletes conversations and cases older than the retention period, and keeps newer ones', async () => {
    const cases = new CaseStore(db);
    const conversations = new DbConversationStore(db);
    const { case: old } = await cases.open(newCase('old'), (tx, c) => enqueue(tx, 'support_post', c.id, {}));
    await cases.open(newCase('new'));
    await conversations.set('old-conv', { lang: 'nb', unanswered: 0, updatedAt: '' });
    await conversations.set('new-conv', { lang: 'nb', unanswered: 0, updatedAt: '' });
    await new LearningLog(db).unanswered('old-conv', 'hva blir været', 'nb', 'fallback', 0.1);
    const longAgo = new Date(Date.now() - 100 * 86_400_000).toISOString();
    await db.run('UPDATE cases SET updated_at = ? WHERE id = ?', [longAgo, old.id]);
    await db.run("UPDATE conversations SET updated_at = ? WHERE id = 'old-conv'", [longAgo]);
    await db.run('UPDATE unanswered SET created_at = ?', [longAgo]);
    const result = await purgeOlderThan(db, 90);
    expect(result).toMatchObject({ cases: 1, conversations: 1, unanswered: 1 });
    expect(await cases.get(old.id)).toBeUndefined();
    expect(await db.all('SELECT id FROM case_events WHERE case_id = ?', [old.id])).toEqual([]);
    expect(await db.all('SELECT id FROM outbox WHERE case_id = ?', [old.id])).toEqual([]);
    expect(await conversations.get('new-conv')).toBeDefined();
    expect((await db.all('SELECT id FROM cases')).length).toBe(1);
  });

  it('reports unanswered questions by likeness, not-helpful answers by intent, and time to first reply', async () => {
    const log = new LearningLog(db);
    for (const q of ['hva blir været i Bergen', 'været i Bergen i morgen', 'hvor mange pasienter fikk hofteprotese', 'hvor mange pasienter fikk hofteprotese i 2023']) await log.unanswered('c', q, 'nb', 'fallback', 0.1);
    await log.feedback('c', false, 'linkage', 'kan jeg koble');
    await log.feedback('c', false, 'linkage', 'kobling?');
    await log.feedback('c', true, 'pricing', 'pris');
    const cases = new CaseStore(db);
    const { case: c } = await cases.open(newCase('rep'));
    await db.run('UPDATE cases SET first_reply_at = ? WHERE id = ?', [new Date(Date.parse(c.createdAt) + 30 * 60_000).toISOString(), c.id]);
    const r = await buildReport(db, 30);
    expect(r.unanswered.map((g) => g.count)).toEqual([2, 2]);
    expect(r.notHelpful).toEqual([{ intent: 'linkage', notHelpful: 2, helpful: 0 }]);
    expect(r.cases).toMatchObject({ total: 1, byStatus: { open: 1 }, firstReplyMinutes: { median: 30, replied: 1 } });
    expect(r.waiting).toMatchObject({ count: 0, oldest: null, lastErrors: [] });
  });
});

describe('grouping questions by likeness', () => {
  it('puts rephrasings together and different questions apart', () => {
    const groups = groupByLikeness(['hva koster data fra SSB', 'hva koster data fra SSB i dag', 'været i morgen']);
    expect(groups.map((g) => g.count)).toEqual([2, 1]);
  });
});
