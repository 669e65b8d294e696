import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { Metrics } from '../src/server/metrics.js';
import { openDb, type Db, type Param } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { undelivered } from '../src/store/outbox.js';
import { messagePath } from '../src/support/path.js';
import type { InboundEvent } from '../src/support/events.js';
import { testBot } from './helpers/bot.js';
import { ChildServer } from './helpers/child-server.js';
import { FakeSlackApi } from './helpers/fake-slack-api.js';
import { postEvent } from './helpers/slack-requests.js';
import { fixture, startTestServer, type TestServer } from './helpers/server.js';
import { freePort, parsed, runServer } from './helpers/spawn-server.js';
import { waitUntil } from './helpers/wait.js';

const api = new FakeSlackApi();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.clear());

let n = 0;
/** A mention with a fresh event id and thread, asking `text`. */
function mention(text: string) {
  const body = fixture('slack/app_mention.json') as Record<string, unknown> & { event: Record<string, unknown> };
  n++;
  body.event_id = `EvObs${n}`;
  body.event.ts = body.event.event_ts = `${1764100000 + n}.000100`;
  body.event.text = `<@UBOT> ${text}`;
  return body;
}

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { ready: boolean; reasons: string[] } };
};
const lines = (s: TestServer) => parsed(s.logs);

/** A database that can be made to fail every query, or to answer none until it is back. */
class FlakyDb implements Db {
  mode: 'up' | 'failing' | 'hanging' = 'up';
  private release?: () => void;
  private gate = Promise.resolve();

  constructor(private readonly inner: Db) {}

  get dialect() {
    return this.inner.dialect;
  }
  set(mode: 'up' | 'failing' | 'hanging') {
    if (mode === 'hanging') this.gate = new Promise((resolve) => (this.release = resolve));
    else this.release?.();
    this.mode = mode;
  }
  private async turn() {
    if (this.mode === 'failing') throw Object.assign(new Error('connect ECONNREFUSED (test)'), { code: 'ECONNREFUSED' });
    await this.gate;
  }
  async all<T>(sql: string, params?: Param[]) {
    await this.turn();
    return this.inner.all<T>(sql, params);
  }
  async get<T>(sql: string, params?: Param[]) {
    await this.turn();
    return this.inner.get<T>(sql, params);
  }
  async run(sql: string, params?: Param[]) {
    await this.turn();
    return this.inner.run(sql, params);
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>, lockKey?: number) {
    await this.turn();
    return this.inner.transaction(fn, lockKey);
  }
  close() {
    return this.inner.close();
  }
}

describe('/healthz and /readyz', () => {
  it('ready once the database answers and Slack accepted the token; /healthz always', async () => {
    const s = await startTestServer({ SLACK_API_URL: api.url });
    try {
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      expect(await waitUntil(async () => (await readyz(s.url)).status === 200)).toBe(true);
      expect((await readyz(s.url)).body).toMatchObject({ ready: true, reasons: [] });
      expect(api.calls.filter((c) => c.method === 'auth.test')).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('the database stopped or silent: 503 with the reason, /healthz still 200; ready again when it answers', { timeout: 20_000 }, async () => {
    const db = new FlakyDb(openDb(':memory:'));
    const s = await startTestServer({ SLACK_API_URL: api.url }, { db, bot: testBot() });
    try {
      expect(await waitUntil(async () => (await readyz(s.url)).status === 200)).toBe(true);
      const before = s.logs.length;
      db.set('failing');
      const down = await readyz(s.url);
      expect(down.status).toBe(503);
      expect(down.body.ready).toBe(false);
      expect(down.body.reasons).toEqual([expect.stringMatching(/^the database does not answer: connect ECONNREFUSED/)]);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      db.set('hanging');
      const silent = await readyz(s.url);
      expect(silent.status).toBe(503);
      expect(silent.body.reasons).toEqual([expect.stringMatching(/^the database does not answer: no answer within 2000 ms/)]);
      db.set('up');
      expect((await readyz(s.url)).status).toBe(200);
      expect((await readyz(s.url)).status).toBe(200);
      // each change of readiness is logged once with its reasons, not every probe
      const changes = parsed(s.logs.slice(before)).filter((l) => /^(not )?ready/.test(String(l.msg)));
      expect(changes.map((l) => [l.level, String(l.msg).replace(/ECONNREFUSED.*|within.*/, '…')])).toEqual([
        ['warn', 'not ready: the database does not answer: connect …'],
        ['warn', 'not ready: the database does not answer: no answer …'],
        ['info', 'ready'],
      ]);
    } finally {
      db.set('up');
      await s.close();
      await db.close();
    }
  });

  it('not ready while more deliveries wait than READY_MAX_BACKLOG', async () => {
    const s = await startTestServer({ SLACK_API_URL: api.url, READY_MAX_BACKLOG: '3' }, { deliveries: false });
    try {
      for (let i = 0; i < 3; i++) expect((await postEvent(s.url, mention('hva koster 5 timer?'))).status).toBe(200);
      await s.settled(false);
      expect(await undelivered(s.db)).toBe(3);
      const r = await readyz(s.url);
      expect(r.status).toBe(503);
      expect(r.body.reasons).toEqual(['3 deliveries wait (READY_MAX_BACKLOG 3)']);
    } finally {
      await s.close();
    }
  });

  it('Teams with an app id but no password is not ready', async () => {
    const s = await startTestServer({ SLACK_BOT_TOKEN: '', MicrosoftAppId: '11111111-2222-3333-4444-555555555555' });
    try {
      expect((await readyz(s.url)).body.reasons).toEqual(['teams: MicrosoftAppId is set but MicrosoftAppPassword is not']);
    } finally {
      await s.close();
    }
  });

  it('Slack unreachable at start: runs, not ready ("slack credentials not yet checked"), asks again with backoff, ready once Slack answers', { timeout: 20_000 }, async () => {
    api.serverError('auth.test');
    const s = await startTestServer({ SLACK_API_URL: api.url });
    try {
      expect(await waitUntil(() => s.logs.some((l) => l.includes('auth.test failed')))).toBe(true);
      const r = await readyz(s.url);
      expect(r.status).toBe(503);
      expect(r.body.reasons).toEqual(['slack credentials not yet checked']);
      // a question is still taken and answered meanwhile
      expect((await postEvent(s.url, mention('hva koster 5 timer?'))).status).toBe(200);
      await api.waitForReplies(1);
      api.reset();
      expect(await waitUntil(async () => (await readyz(s.url)).status === 200, 10_000)).toBe(true);
      expect(s.logs.some((l) => l.includes('the bot token is accepted'))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('the same as operators run it (main.ts): Slack unreachable keeps the process up and not ready, until Slack answers', { timeout: 60_000 }, async () => {
    api.serverError('auth.test');
    const dir = mkdtempSync(join(tmpdir(), 'npr-obs-'));
    const child = await ChildServer.start({ SLACK_API_URL: api.url, DATABASE_URL: join(dir, 'bot.sqlite') });
    try {
      const r = await readyz(child.url);
      expect(r.status).toBe(503);
      expect(r.body.reasons).toContain('slack credentials not yet checked');
      expect(await waitUntil(() => api.calls.length + child.logs.filter((l) => l.includes('auth.test failed')).length >= 2, 10_000)).toBe(true);
      expect(child.ended).toBeUndefined();
      api.reset();
      expect(await waitUntil(async () => (await readyz(child.url)).status === 200, 20_000)).toBe(true);
    } finally {
      await child.kill();
    }
  });
});

describe('/metrics', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ SLACK_API_URL: api.url });
  });
  afterAll(() => s.close());

  const scrape = async (url = s.url) => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  /** A sample's value (0 when absent). */
  const value = (text: string, sample: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
    return line ? Number(line.slice(sample.length + 1)) : 0;
  };

  it('counts messages by platform and intent, fallbacks, latency, HTTP requests, failures; reads backlog and open cases when scraped', async () => {
    const before = await scrape();
    const pricing = 'npr_bot_messages_total{platform="slack",intent="pricing"}';
    const events = 'npr_bot_http_requests_total{route="/slack/events",status="200"}';
    api.fail('chat.postMessage', 'internal_error');
    for (const q of ['hva koster 5 timer?', 'hva koster 8 timer?', 'hva koster parkering?']) expect((await postEvent(s.url, mention(q))).status).toBe(200);
    await s.settled(false);
    expect(await waitUntil(() => s.logs.some((l) => l.includes('delivery of reply failed')))).toBe(true);
    api.reset();
    await s.settled();
    const after = await scrape();
    expect(value(after, pricing) - value(before, pricing)).toBe(2);
    expect(value(after, 'npr_bot_fallbacks_total{platform="slack"}') - value(before, 'npr_bot_fallbacks_total{platform="slack"}')).toBe(1);
    expect(value(after, 'npr_bot_answer_latency_seconds_count{platform="slack"}') - value(before, 'npr_bot_answer_latency_seconds_count{platform="slack"}')).toBe(3);
    expect(value(after, events) - value(before, events)).toBe(3);
    expect(value(after, 'npr_bot_http_requests_total{route="/metrics",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(value(after, 'npr_bot_delivery_failures_total{kind="reply"}')).toBeGreaterThanOrEqual(1);
    expect(after).toContain('# TYPE npr_bot_deliveries_dead_total counter');
    expect(value(after, 'npr_bot_outbox_backlog')).toBe(0);
    expect(after).toMatch(/^npr_bot_support_cases_open\{status="open"\} 0$/m);
    // the default process metrics
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) expect(after).toContain(`\n${name}`);
  });

  it('one line per handled message: platform, the conversation as a hash, intent, confidence, rule, latency; never the text', async () => {
    const body = mention('hva koster 11 timer med mva?');
    await postEvent(s.url, body);
    await s.settled();
    const conversation = `slack:T0001:C0RESEARCH:${String(body.event.ts)}`;
    const hash = createHash('sha256').update(conversation).digest('hex').slice(0, 12);
    const line = lines(s).find((l) => l.msg === 'message handled' && l.conversation === hash);
    expect(line).toMatchObject({ level: 'info', platform: 'slack', kind: 'message', intent: 'pricing', rule: expect.any(String), lang: 'nb' });
    expect(line!.confidence).toEqual(expect.any(Number));
    expect(line!.latencyMs).toEqual(expect.any(Number));
    const all = s.logs.join('\n');
    expect(all).not.toContain('11 timer');
    expect(all).not.toContain(String(body.event.ts));
    expect(all).not.toContain('C0RESEARCH');
  });

  it('one line per HTTP error: route, status, reason, never the body', async () => {
    await fetch(`${s.url}/nope?secret=1`);
    await fetch(`${s.url}/api/messages`, { method: 'POST', body: 'not json at all' });
    const errors = lines(s).filter((l) => l.msg === 'HTTP error');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'warn', method: 'GET', route: 'other', status: 404, reason: 'no such route' }),
        expect.objectContaining({ level: 'warn', method: 'POST', route: '/api/messages', status: 400, reason: 'the body is not a JSON object' }),
      ]),
    );
    const all = s.logs.join('\n');
    expect(all).not.toContain('not json at all');
    expect(all).not.toContain('secret=1');
  });

  it('on METRICS_PORT when set, and then not on the main port', async () => {
    const m = await startTestServer({ SLACK_API_URL: api.url, METRICS_PORT: '0' });
    try {
      expect(m.metricsUrl).toBeDefined();
      expect(await scrape(m.metricsUrl)).toContain('npr_bot_outbox_backlog');
      expect((await fetch(`${m.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${m.metricsUrl}/healthz`)).status).toBe(404);
    } finally {
      await m.close();
    }
  });

  it('counts a delivery given up as dead', async () => {
    const db = openDb(':memory:');
    await migrate(db);
    const metrics = new Metrics({ outboxBacklog: () => undelivered(db), inboxBacklog: async () => 0, unresolvedCases: async () => ({}) }, createLogger('fatal', () => undefined));
    const bot = testBot();
    // Slack is not registered: every delivery fails, and one attempt is all it gets
    const path = messagePath({ bot, db, clock: { now: () => new Date() }, log: createLogger('fatal', () => undefined), mailTo: 'x@example.org', teamsOn: false, teamsAdmins: [], maxAttempts: 1, observer: metrics });
    const event: InboundEvent = { key: 'dead-1', platform: 'slack', type: 'message', conversation: 'slack:T1:C1:1.1' as never, to: { platform: 'slack', channel: 'C1' }, user: 'U1', text: 'hva koster 5 timer?' };
    try {
      await path.dispatcher.accept(event);
      await path.dispatcher.settled();
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^npr_bot_deliveries_dead_total\{kind="reply"\} 1$/m);
      expect(text).toMatch(/^npr_bot_delivery_failures_total\{kind="reply"\} 1$/m);
      expect(text).toMatch(/^npr_bot_messages_total\{platform="slack",intent="pricing"\} 1$/m);
    } finally {
      await path.dispatcher.stop();
      await path.outbox.stop();
      await db.close();
    }
  });
});

describe('logs', () => {
  it('pino JSON lines: level by name, ISO time; lines under LOG_LEVEL are not written', () => {
    const out: string[] = [];
    const log = createLogger('warn', (l) => void out.push(l));
    log.info('not shown');
    log.debug('not shown either');
    log.warn('shown', { n: 1 });
    log.error('failed', { error: 'boom', code: 'E1' });
    expect(out).toHaveLength(2);
    const [warn, error] = parsed(out.join('').split('\n'));
    expect(warn).toMatchObject({ level: 'warn', msg: 'shown', n: 1, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    expect(error).toMatchObject({ level: 'error', msg: 'failed', error: 'boom', code: 'E1' });
    expect(log.enabled('debug')).toBe(false);
  });

  it('LOG_LEVEL=warn: the server writes nothing below warn; LOG_LEVEL=debug: each request too', { timeout: 60_000 }, async () => {
    const [quietPort, chattyPort] = await Promise.all([freePort(), freePort()]);
    const healthy = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0)) === 200;
    const [quiet, chatty] = await Promise.all([
      runServer({ NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: String(quietPort) }, { until: healthy(quietPort) }),
      runServer({ NODE_ENV: 'test', LOG_LEVEL: 'debug', PORT: String(chattyPort) }, { until: async (l) => (await healthy(chattyPort)()) && l.some((x) => x.includes('"HTTP request"')) }),
    ]);
    expect(parsed(quiet.lines).filter((l) => !['warn', 'error', 'fatal'].includes(l.level))).toEqual([]);
    // the start-up summary: channels, storage (with the SQLite file's path), the port
    const summary = parsed(chatty.lines).filter((l) => l.level === 'info').map((l) => l.msg);
    expect(summary).toEqual(expect.arrayContaining(['Slack is off: SLACK_BOT_TOKEN is not set', expect.stringMatching(/^storage: SQLite \/.*npr-run-.*\/data\/npr-bot\.sqlite$/), `listening on port ${chattyPort}`]));
    expect(parsed(chatty.lines).find((l) => l.msg === 'HTTP request')).toMatchObject({ level: 'debug', method: 'GET', route: '/healthz', status: 200 });
    // not a terminal: no plain-text banner among the JSON lines (parsed would have thrown)
    expect(chatty.lines.join('\n')).toContain('npm run chat');
  });
});
