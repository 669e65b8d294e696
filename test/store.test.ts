import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { DbConversationStore } from '../src/store/conversations.js';
import { CaseStore, type NewCase } from '../src/store/cases.js';
import { Inbox } from '../src/store/inbox.js';
import { DeliveryError, enqueue, OutboxWorker, type OutboxItem } from '../src/store/outbox.js';
import { purgeOlderThan } from '../src/store/purge.js';
import { buildReport, groupByLikeness } from '../src/store/report.js';
import { LearningLog } from '../src/store/learning.js';
import { ManualClock, systemClock } from '../src/core/clock.js';
import { DATABASE_KINDS, freshDatabase, type TestDatabase } from './helpers/databases.js';
import { identityNumbers } from './helpers/identity-numbers.js';

const fnr = identityNumbers('241275', 1)[0]!;

const newCase = (key: string, extra: Partial<NewCase> = {}): NewCase => ({
  requestKey: key,
  channel: 'slack',
  conversationId: `conv-${key}`,
  conversationRef: { platform: 'slack', channel: 'C1', thread: '1.1' },
  lang: 'nb',
  findings: { reason: 'asked', intents: ['linkage'], registries: ['Kreftregisteret'] },
  transcript: [
    { role: 'user', text: `Pasient ${fnr} skal kobles med Kreftregisteret` },
    { role: 'bot', text: 'Dette bør en person se på.' },
  ],
  ...extra,
});

const delivery = (i: number | string, extra: Record<string, unknown> = {}) => ({ kind: 'text' as const, key: `k${i}`, orderKey: `conv-${i}`, payload: { i, ...extra } });

// PostgreSQL runs when TEST_DATABASE_URL is set (.ci/run sets it); without it the report lists these as skipped
for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(!DATABASE_KINDS.includes(kind))(`store on ${kind}`, () => {
    let database: TestDatabase;
    let db: Db;
    const clock = new ManualClock();
    beforeEach(async () => {
      database = await freshDatabase(kind);
      db = database.open();
    });
    afterEach(() => db.close());

    it('applies migrations once, also when run again', async () => {
      expect(await migrate(db)).toEqual([]);
      const versions = await db.all<{ version: number }>('SELECT version FROM schema_migrations');
      expect(versions.map((v) => Number(v.version))).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('keeps conversation state, redacted, across a reopen', async () => {
      const store = new DbConversationStore(db, clock);
      await store.set('c1', { lang: 'en', intent: 'pricing', hours: 5, unanswered: 0, updatedAt: 'now', history: [{ role: 'user', text: `my id ${fnr}` }] } as never);
      await db.close();
      db = database.open();
      const state = await new DbConversationStore(db, clock).get('c1');
      expect(state).toMatchObject({ lang: 'en', intent: 'pricing', hours: 5 });
      expect(JSON.stringify(state)).not.toContain(fnr);
    });

    describe('inbox', () => {
      const entry = (key: string, orderKey = 'conv') => ({ key, platform: 'slack', kind: 'message', orderKey, payload: { text: 'hei' } });

      it('records an event once, however many instances race with it, and many in one commit', async () => {
        const second = database.open();
        try {
          const a = new Inbox(db, clock);
          const b = new Inbox(second, clock);
          const results = await Promise.all([a.record(entry('Ev1')), b.record(entry('Ev1')), a.record(entry('Ev1')), b.record(entry('Ev1')), a.record(entry('Ev2'))]);
          expect(results.filter((r) => r.fresh)).toHaveLength(2);
          expect(new Set(results.slice(0, 4).map((r) => r.id)).size).toBe(1);
          expect(await a.counts()).toEqual({ pending: 2, dead: 0 });
        } finally {
          await second.close();
        }
      });

      it('hands out a conversation\'s events one at a time, in order; a failure waits and is tried again; a handled one never comes back', async () => {
        const inbox = new Inbox(db, clock, { baseDelayMs: 1000 });
        await inbox.record(entry('a1', 'A'));
        await inbox.record(entry('a2', 'A'));
        await inbox.record(entry('b1', 'B'));
        const first = await inbox.claimDue();
        expect(first.map((e) => e.key)).toEqual(['a1', 'b1']);
        await db.transaction(async (tx) => void (await inbox.handled(tx, first[1]!.id)));
        expect(await inbox.failed(first[0]!, new Error(`database down, ${fnr}`))).toBe('pending');
        expect(await inbox.claimDue()).toEqual([]); // a1 waits its backoff, and a2 waits for a1
        clock.advance(1500);
        const again = await inbox.claimDue();
        expect(again.map((e) => e.key)).toEqual(['a1']);
        expect(again[0]!.attempts).toBe(1);
        await db.transaction(async (tx) => void (await inbox.handled(tx, again[0]!.id)));
        expect((await inbox.claimDue()).map((e) => e.key)).toEqual(['a2']);
        expect(JSON.stringify(await db.all('SELECT last_error FROM inbox'))).not.toContain(fnr);
      });

      it('gives up on an event after its last attempt', async () => {
        const inbox = new Inbox(db, clock, { baseDelayMs: 1, maxAttempts: 2 });
        await inbox.record(entry('x'));
        expect(await inbox.failed((await inbox.claimDue())[0]!, new Error('bug'))).toBe('pending');
        clock.advance(10);
        expect(await inbox.failed((await inbox.claimDue())[0]!, new Error('bug'))).toBe('dead');
        expect(await inbox.counts()).toEqual({ pending: 0, dead: 1 });
      });
    });

    it('opens one case per request, with a redacted transcript and history', async () => {
      const cases = new CaseStore(db, clock);
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
        const open = (on: Db) => on.transaction((tx) => new CaseStore(tx, clock).open(newCase('race')));
        const results = await Promise.all([open(db), open(second)]);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.case.id)).size).toBe(1);
      } finally {
        await second.close();
      }
    });

    it('moves a case through its statuses with an event for each', async () => {
      const cases = new CaseStore(db, clock);
      const { case: c } = await cases.open(newCase('s1'));
      expect(await cases.changeStatus(c.id, 'claimed', 'U_AGENT')).toBe(true);
      expect(await cases.changeStatus(c.id, 'claimed', 'U_AGENT')).toBe(false);
      expect(await cases.get(c.id)).toMatchObject({ status: 'claimed', assignee: 'U_AGENT' });
      await cases.changeStatus(c.id, 'forwarded', 'U_AGENT');
      await cases.changeStatus(c.id, 'resolved', 'U_AGENT');
      const done = await cases.get(c.id);
      expect(done).toMatchObject({ status: 'resolved' });
      expect(done!.resolvedAt).not.toBeNull();
      expect(await cases.activeFor(c.conversationId)).toBeUndefined();
      expect((await cases.events(c.id)).map((e) => e.kind)).toEqual(['opened', 'user_message', 'bot_message', 'claimed', 'forwarded', 'resolved']);
    });

    describe('outbox', () => {
      it('queues a delivery once per key, redacted, and keeps an address as it is', async () => {
        const teamsId = `a:1${fnr}`;
        await enqueue(db, clock, { ...delivery(1, { text: `case for ${fnr}` }), to: { platform: 'teams', ref: { serviceUrl: 'x', conversation: { id: teamsId } } } });
        await enqueue(db, clock, delivery(1));
        const rows = await db.all<{ payload: string }>('SELECT payload FROM outbox');
        expect(rows).toHaveLength(1);
        expect(rows[0]!.payload).not.toContain(`for ${fnr}`);
        expect(rows[0]!.payload).toContain(teamsId);
      });

      it('retries a failure with backoff, waits out a 429 as long as asked, and survives a restart', async () => {
        await enqueue(db, clock, delivery(1));
        const seen: OutboxItem[] = [];
        let failure: Error | undefined = new Error('support channel down');
        const deliver = async (item: OutboxItem) => {
          if (failure) throw failure;
          seen.push(item);
        };
        const worker = new OutboxWorker(db, { deliver }, clock, { baseDelayMs: 100 });
        expect(await worker.runOnce()).toBe(0);
        expect(await worker.pending()).toBe(1);

        // restart: a new connection and a new worker find the item still waiting
        await db.close();
        db = database.open();
        failure = new DeliveryError('ratelimited', { retryAfterMs: 30_000 });
        const restarted = new OutboxWorker(db, { deliver }, clock, { baseDelayMs: 100 });
        expect(await restarted.runOnce()).toBe(0); // not due yet: backoff
        clock.advance(150);
        expect(await restarted.runOnce()).toBe(0); // due, and rate-limited
        clock.advance(20_000);
        expect(await restarted.runOnce()).toBe(0); // Retry-After not over
        failure = undefined;
        clock.advance(10_001);
        expect(await restarted.runOnce()).toBe(1);
        expect(await restarted.runOnce()).toBe(0);
        expect(seen).toHaveLength(1);
        expect(await restarted.pending()).toBe(0);
      });

      it('looks for an item whose earlier attempt may have arrived before it sends it again', async () => {
        await enqueue(db, clock, delivery(1));
        const platform: OutboxItem[] = [];
        let timeouts = 1;
        const deliverer = {
          deliver: async (item: OutboxItem) => {
            platform.push(item); // it arrives...
            if (timeouts-- > 0) throw new DeliveryError('timed out', { uncertain: true }); // ...but the answer does not
          },
          wasDelivered: async (item: OutboxItem) => platform.some((p) => p.key === item.key),
        };
        const worker = new OutboxWorker(db, deliverer, clock, { baseDelayMs: 10 });
        expect(await worker.runOnce()).toBe(0);
        clock.advance(20);
        expect(await worker.runOnce()).toBe(1);
        expect(platform).toHaveLength(1);
      });

      it('keeps a conversation\'s deliveries in order, and declares one dead after its last attempt', async () => {
        await enqueue(db, clock, { kind: 'text', key: 'first', orderKey: 'same', payload: {} });
        await enqueue(db, clock, { kind: 'text', key: 'second', orderKey: 'same', payload: {} });
        const sent: string[] = [];
        const dead: string[] = [];
        const worker = new OutboxWorker(
          db,
          {
            deliver: async (item) => {
              if (item.key === 'first') throw new Error('gone');
              sent.push(item.key);
            },
          },
          clock,
          { baseDelayMs: 10, maxAttempts: 2, onDead: (item) => void dead.push(item.key) },
        );
        await worker.runOnce();
        expect(sent).toEqual([]); // the second waits for the first
        clock.advance(50);
        await worker.runOnce();
        expect(dead).toEqual(['first']);
        expect(sent).toEqual(['second']);
        expect(await worker.counts()).toEqual({ pending: 0, dead: 1 });
      });

      it('lets two workers on two instances deliver each item exactly once', async () => {
        for (let i = 0; i < 20; i++) await enqueue(db, systemClock, delivery(i));
        const second = database.open();
        try {
          const delivered: number[] = [];
          const deliver = async (item: OutboxItem) => {
            await new Promise((r) => setImmediate(r));
            delivered.push(item.payload.i as number);
          };
          await Promise.all([new OutboxWorker(db, { deliver }, systemClock).runOnce(), new OutboxWorker(second, { deliver }, systemClock).runOnce()]);
          expect(delivered.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
        } finally {
          await second.close();
        }
      });
    });

    it('deletes conversations, cases and old events older than the retention period, and keeps newer ones', async () => {
      const cases = new CaseStore(db, systemClock);
      const conversations = new DbConversationStore(db, systemClock);
      const { case: old } = await cases.open(newCase('old'));
      await enqueue(db, systemClock, { kind: 'case_post', key: 'p-old', orderKey: `case:${old.id}`, caseId: old.id, payload: {} });
      await cases.open(newCase('new'));
      await conversations.set('old-conv', { lang: 'nb', unanswered: 0, updatedAt: '' });
      await conversations.set('new-conv', { lang: 'nb', unanswered: 0, updatedAt: '' });
      await new LearningLog(db, systemClock).unanswered('old-conv', 'hva blir været', 'nb', 'fallback', 0.1);
      await new Inbox(db, systemClock).record({ key: 'old-event', platform: 'slack', kind: 'message', orderKey: 'c', payload: {} });
      const longAgo = new Date(Date.now() - 100 * 86_400_000).toISOString();
      await db.run('UPDATE cases SET updated_at = ? WHERE id = ?', [longAgo, old.id]);
      await db.run("UPDATE conversations SET updated_at = ? WHERE id = 'old-conv'", [longAgo]);
      await db.run('UPDATE unanswered SET created_at = ?', [longAgo]);
      await db.run("UPDATE inbox SET received_at = ?, state = 'handled'", [longAgo]);
      const result = await purgeOlderThan(db, 90);
      expect(result).toMatchObject({ cases: 1, conversations: 1, unanswered: 1, events: 1 });
      expect(await cases.get(old.id)).toBeUndefined();
      expect(await db.all('SELECT id FROM case_events WHERE case_id = ?', [old.id])).toEqual([]);
      expect(await db.all('SELECT id FROM outbox WHERE case_id = ?', [old.id])).toEqual([]);
      expect(await conversations.get('new-conv')).toBeDefined();
      expect((await db.all('SELECT id FROM cases')).length).toBe(1);
    });

    it('reports unanswered questions by likeness, not-helpful answers by intent, time to first reply, and dead deliveries', async () => {
      const log = new LearningLog(db, systemClock);
      for (const q of ['hva blir været i Bergen', 'været i Bergen i morgen', 'hvor mange pasienter fikk hofteprotese', 'hvor mange pasienter fikk hofteprotese i 2023']) await log.unanswered('c', q, 'nb', 'fallback', 0.1);
      await log.feedback('c', false, 'linkage', 'kan jeg koble');
      await log.feedback('c', false, 'linkage', 'kobling?');
      await log.feedback('c', true, 'pricing', 'pris');
      const cases = new CaseStore(db, systemClock);
      const { case: c } = await cases.open(newCase('rep'));
      await db.run('UPDATE cases SET first_reply_at = ? WHERE id = ?', [new Date(Date.parse(c.createdAt) + 30 * 60_000).toISOString(), c.id]);
      await enqueue(db, systemClock, delivery('dead'));
      await db.run("UPDATE outbox SET dead_at = ?, attempts = 10, last_error = 'channel_not_found'", [new Date().toISOString()]);
      const r = await buildReport(db, 30);
      expect(r.unanswered.map((g) => g.count)).toEqual([2, 2]);
      expect(r.notHelpful).toEqual([{ intent: 'linkage', notHelpful: 2, helpful: 0 }]);
      expect(r.cases).toMatchObject({ total: 1, byStatus: { open: 1 }, firstReplyMinutes: { median: 30, replied: 1 } });
      expect(r.waiting).toMatchObject({ count: 0, oldest: null, lastErrors: [] });
      expect(r.dead).toMatchObject({ count: 1, items: [{ kind: 'text', attempts: 10, error: 'channel_not_found' }] });
    });
  });
}

describe('grouping questions by likeness', () => {
  it('puts rephrasings together and different questions apart', () => {
    const groups = groupByLikeness(['hva koster data fra SSB', 'hva koster data fra SSB i dag', 'været i morgen']);
    expect(groups.map((g) => g.count)).toEqual([2, 1]);
  });
});
