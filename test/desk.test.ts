import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/core/clock.js';
import { createLogger } from '../src/log.js';
import { openDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { DeliveryError } from '../src/store/outbox.js';
import { Overloaded } from '../src/support/dispatch.js';
import { conversationId, type InboundEvent } from '../src/support/events.js';
import { messagePath, type MessagePath } from '../src/support/path.js';
import { testBot } from './helpers/bot.js';
import { identityNumbers } from './helpers/identity-numbers.js';
import { MemoryPlatform } from './helpers/memory-platform.js';

/**
 * The desk without HTTP: events go in through the dispatcher, as the channels hand them over, and
 * what users and agents would see comes out of an in-memory platform. Time is a manual clock.
 */
const SUPPORT = 'C0SUPPORT';
const conv = conversationId.parse('slack:T1:C0RESEARCH:1764000000.000100');
const to = { platform: 'slack' as const, channel: 'C0RESEARCH', thread: '1764000000.000100' };
const [fnr] = identityNumbers('010190', 1);

let db: Db;
let clock: ManualClock;
let platform: MemoryPlatform;
let path: MessagePath;
let logs: string[];
let n = 0;

const message = (text: string, key = `m${++n}`): InboundEvent => ({ key, platform: 'slack', type: 'message', conversation: conv, to, user: 'U0USER1', text });
const agentReply = (text: string, supportKey: string, where = SUPPORT): InboundEvent => ({ key: `a${++n}`, platform: 'slack', type: 'agent_reply', supportKey, where, agent: 'U0AGENT', text });
const caseAction = (action: 'claim' | 'resolve' | 'forward', where = SUPPORT): InboundEvent => ({
  key: `c${++n}`,
  platform: 'slack',
  type: 'case_action',
  caseId: 1,
  action,
  agent: 'U0AGENT',
  where,
  to: { platform: 'slack', channel: where, user: 'U0AGENT' },
});

/** Hands events over one by one, as the channels do, and waits until all that they set off is done. */
async function send(...events: InboundEvent[]) {
  for (const e of events) await path.dispatcher.accept(e);
  await path.dispatcher.settled();
}
/** Waits until the events are handled and the first attempt at each delivery is over. */
async function handledAndTried() {
  await path.dispatcher.settled(false);
  await path.outbox.idle();
}
/** Lets the outbox send what is due by the manual clock, and waits until it is done. */
async function deliverDue() {
  path.outbox.kick();
  await path.outbox.idle();
}
const shown = (what: string) => platform.shown.filter((s) => s.what === what);

beforeEach(async () => {
  db = openDb(':memory:');
  await migrate(db);
  clock = new ManualClock(new Date('2026-11-25T12:00:00Z'));
  platform = new MemoryPlatform();
  logs = [];
  path = messagePath({
    bot: testBot(),
    db,
    clock,
    log: createLogger('debug', (l) => void logs.push(l)),
    mailTo: 'helseregistre@helsedir.no',
    slackSupportChannel: SUPPORT,
    teamsOn: false,
    teamsAdmins: [],
    maxAttempts: 3,
  });
  path.desk.register('slack', platform);
});
afterEach(async () => {
  await path.dispatcher.stop();
  await path.outbox.stop();
  await db.close();
});

describe('the desk, through the dispatcher, without HTTP', () => {
  it('answers a question once, however often the same event is handed over', async () => {
    const ask = message('Hva koster 5 timer saksbehandling?');
    await send(ask, ask, ask);
    expect(shown('reply').map((s) => s.text)).toEqual([expect.stringContaining('6 875')]);
    expect(platform.duplicates()).toEqual([]);
  });

  it('keeps a conversation\'s answers in the order the questions came', async () => {
    await send(message('Hva koster det?'), message('og for 8 timer?'), message('Hvor lang tid tar det?'));
    const texts = shown('reply').map((s) => s.text);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toContain('11 000');
  });

  it('opens a case on "ja", relays both ways, and takes case actions only from the support channel', async () => {
    await send(message(`Jeg vil snakke med en person, fnr ${fnr}`), message('ja'));
    expect(shown('case').map((s) => s.text)).toEqual(['Sak NPR-00001']);
    expect(shown('reply').at(-1)!.text).toContain('NPR-00001');

    await send(agentReply('Vi ser på det.', 'memory:case:1'));
    expect(shown('text').at(-1)).toMatchObject({ to, text: expect.stringContaining('Vi ser på det.') });

    await send(message('Takk, her er mer informasjon'));
    expect(shown('in_case').map((s) => s.text)).toEqual([expect.stringContaining('her er mer informasjon')]);

    await send(caseAction('resolve', 'C0RESEARCH'));
    expect((await path.desk.cases.get(1))?.status).toBe('open');
    expect(logs.some((l) => l.includes('a case action outside the support channel was ignored'))).toBe(true);
    await send(caseAction('resolve'));
    expect((await path.desk.cases.get(1))?.status).toBe('resolved');
    expect(shown('text').at(-1)!.text).toContain('NPR-00001');
    expect(JSON.stringify(platform.shown)).not.toContain(fnr);
  });

  it('retries a delivery the platform refused, after the backoff, and delivers it once', async () => {
    platform.failNext(2);
    await path.dispatcher.accept(message('Hva koster 5 timer?'));
    await handledAndTried();
    expect(shown('reply')).toHaveLength(0);
    await deliverDue(); // not due yet: nothing more is tried
    expect(await db.get('SELECT attempts FROM outbox')).toEqual({ attempts: 1 });
    clock.advance(60_000); // past the backoff
    await deliverDue();
    clock.advance(60_000);
    await deliverDue();
    expect(shown('reply')).toHaveLength(1);
    expect(await path.outbox.counts()).toEqual({ pending: 0, dead: 0 });
  });

  it('does not send again what may have arrived: it looks first', async () => {
    platform.failNext(1, new DeliveryError('timed out', { uncertain: true }));
    await path.dispatcher.accept(message('Hva koster 5 timer?'));
    await handledAndTried();
    clock.advance(60_000);
    await deliverDue();
    expect(shown('reply')).toHaveLength(1);
    expect(await path.outbox.counts()).toEqual({ pending: 0, dead: 0 });
  });

  it('gives up on an answer after the last attempt, and tells the support team', async () => {
    platform.failNext(3, new DeliveryError('channel_not_found'));
    await path.dispatcher.accept(message('Hva koster 5 timer?'));
    await handledAndTried();
    for (let i = 0; i < 3; i++) {
      clock.advance(600_000);
      await deliverDue();
    }
    expect(shown('reply')).toHaveLength(0);
    expect(await path.outbox.counts()).toEqual({ pending: 0, dead: 1 });
    expect(shown('notice').map((s) => s.text)).toEqual([expect.stringContaining('channel_not_found')]);
  });

  it('refuses new events (503 on the platform) while too many wait, and takes them again once handled', async () => {
    const small = messagePath({ bot: testBot(), db, clock, log: createLogger('error', () => undefined), mailTo: 'x@example.org', teamsOn: false, teamsAdmins: [], maxWaitingEvents: 2 });
    small.desk.register('slack', platform);
    await small.dispatcher.stop(); // nothing is handled: every event waits
    await small.dispatcher.accept(message('Hva koster 5 timer?'));
    await small.dispatcher.accept(message('Hvor lang tid tar det?'));
    await expect(small.dispatcher.accept(message('Hvem eier NPR?'))).rejects.toBeInstanceOf(Overloaded);
    expect(await small.inbox.counts()).toEqual({ pending: 2, dead: 0 });
    // a retry of one already waiting is refused as well: it is recorded, and will be answered
    await expect(small.dispatcher.accept(message('Hva koster 5 timer?', `m${n - 2}`))).rejects.toBeInstanceOf(Overloaded);
  });

  it('handles an event again when handling failed, and answers it once', async () => {
    await db.run('ALTER TABLE conversations RENAME TO conversations_away'); // the store fails mid-handling
    await path.dispatcher.accept(message('Hva koster 5 timer?'));
    expect(await waitForLog('handling an event failed; it will be tried again')).toBe(true);
    expect(shown('reply')).toHaveLength(0);
    await db.run('ALTER TABLE conversations_away RENAME TO conversations');
    clock.advance(60_000);
    path.dispatcher.kick();
    await path.dispatcher.settled();
    expect(shown('reply')).toHaveLength(1);
  });
});

async function waitForLog(text: string): Promise<boolean> {
  for (let i = 0; i < 250; i++) {
    if (logs.some((l) => l.includes(text))) return true;
    await new Promise((r) => setImmediate(r));
  }
  return false;
}
