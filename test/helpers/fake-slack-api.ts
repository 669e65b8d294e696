import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from './wait.js';

/** One Web API call as the fake received it; `blocks` and other JSON arguments are parsed. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  /** What the fake answered: a posted message's `ts` is what a user or agent would see. */
  result?: Record<string, unknown>;
}

type Behaviour =
  | { kind: 'rate-limit'; retryAfterSeconds: number; times: number }
  | { kind: 'rate-limit-some'; retryAfterSeconds: number; every: number; seen: number }
  | { kind: 'hang' }
  | { kind: 'slow'; ms: number }
  | { kind: 'server-error' }
  | { kind: 'fail'; error: string; when: (args: Record<string, unknown>) => boolean };

/** A message as Slack keeps it: what conversations.history and conversations.replies give back. */
interface Posted {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  metadata?: unknown;
}

async function readArgs(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    try {
      args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      args[k] = v;
    }
  }
  return args;
}

/**
 * A loopback stand-in for the Slack Web API (SLACK_API_URL points at it): records every call
 * and answers as Slack would; a method can be made to rate-limit or to hang.
 */
export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  /** Every message posted, as the channel shows it (kept across `reset`, like a real channel). */
  readonly posted: Posted[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private posts = 0;
  private server?: Server;
  url = '';
  /** What `apps.connections.open` gives Socket Mode to connect to (a fake Socket Mode server's `ws://` address); unset: no URL. */
  socketUrl = '';

  /** Where a command's response URL points in tests. */
  get responseUrl(): string {
    return this.url.replace(/api\/$/, 'response/T0001/1/abc');
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      // Web API calls under /api/; anything else is a command's or action's response URL
      const method = (req.url ?? '').startsWith('/api/') ? (req.url ?? '').replace(/^\/api\//, '').split('?')[0]! : 'response_url';
      const args = await readArgs(req);
      const behaviour = this.behaviours.get(method) ?? this.behaviours.get('*');
      if (behaviour?.kind === 'hang') return; // never answers
      if (behaviour?.kind === 'server-error') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        return res.end('internal error');
      }
      if (behaviour?.kind === 'fail' && behaviour.when(args)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ok: false, error: behaviour.error }));
      }
      const limited = behaviour?.kind === 'rate-limit-some' && ++behaviour.seen % behaviour.every === 0;
      if (limited || (behaviour?.kind === 'rate-limit' && behaviour.times > 0)) {
        if (behaviour.kind === 'rate-limit') behaviour.times--;
        res.writeHead(429, { 'retry-after': String(behaviour.retryAfterSeconds), 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      }
      const call: SlackCall = { method, args };
      this.calls.push(call);
      call.result = { ok: true, ...this.answer(method, args) };
      // a slow API has done the work; only its answer comes late
      if (behaviour?.kind === 'slow') await new Promise((r) => setTimeout(r, behaviour.ms));
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(call.result));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const withMetadata = (list: Posted[]) => list.map((m) => (args.include_all_metadata ? m : { ...m, metadata: undefined }));
    switch (method) {
      case 'auth.test':
        return { user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0001', user: 'npr-bot' };
      case 'apps.connections.open':
        return this.socketUrl ? { url: this.socketUrl } : {};
      case 'chat.postMessage': {
        const ts = `${1764000000 + ++this.posts}.${String(this.posts).padStart(6, '0')}`;
        const thread = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
        this.posted.push({ channel: String(args.channel), ts, ...(thread ? { thread_ts: thread } : {}), text: String(args.text ?? ''), metadata: args.metadata });
        return { channel: args.channel, ts, message: {} };
      }
      case 'chat.postEphemeral':
        return { message_ts: `${Date.now() / 1000}` };
      case 'conversations.open':
        return { channel: { id: `D${String(args.users)}` } };
      case 'conversations.history':
        return { messages: withMetadata(this.posted.filter((m) => m.channel === args.channel && !m.thread_ts).reverse()) };
      case 'conversations.replies':
        return { messages: withMetadata(this.posted.filter((m) => m.channel === args.channel && (m.ts === args.ts || m.thread_ts === args.ts))) };
      default:
        return {};
    }
  }

  rateLimit(method: string, retryAfterSeconds: number, times = 1) {
    this.behaviours.set(method, { kind: 'rate-limit', retryAfterSeconds, times });
  }

  /** Answers every `every`-th call to `method` with 429 and Retry-After, until `reset`. */
  rateLimitSome(method: string, every: number, retryAfterSeconds = 1) {
    this.behaviours.set(method, { kind: 'rate-limit-some', retryAfterSeconds, every, seen: 0 });
  }

  /** Answers `ok: false` (as Slack does for an unknown or archived channel) while `when` holds. */
  fail(method: string, error: string, when: (args: Record<string, unknown>) => boolean = () => true) {
    this.behaviours.set(method, { kind: 'fail', error, when });
  }

  hang(method: string) {
    this.behaviours.set(method, { kind: 'hang' });
  }

  /** Does what is asked but answers only after `ms` (later than the client waits, in a timeout test). */
  slow(method: string, ms: number) {
    this.behaviours.set(method, { kind: 'slow', ms });
  }

  /** Answers HTTP 500 to `method` ('*': every method) until `reset`. */
  serverError(method = '*') {
    this.behaviours.set(method, { kind: 'server-error' });
  }

  /** Forgets the calls and makes every method behave again; what was posted stays in its channel. */
  reset() {
    this.calls.length = 0;
    this.behaviours.clear();
  }

  /** Back to an empty workspace: no calls, no behaviours, no messages. */
  clear() {
    this.reset();
    this.posted.length = 0;
  }

  /** Calls of the given methods, not counting the auth.test bolt makes. */
  replies(...methods: string[]): SlackCall[] {
    const wanted = methods.length ? methods : ['chat.postMessage', 'chat.postEphemeral', 'views.publish', 'response_url'];
    return this.calls.filter((c) => wanted.includes(c.method));
  }

  /** Waits until `count` replies have arrived, or fails after `ms`. */
  async waitForReplies(count: number, ms = 5000, ...methods: string[]): Promise<SlackCall[]> {
    if (await waitUntil(() => this.replies(...methods).length >= count, ms)) return this.replies(...methods);
    throw new Error(`expected ${count} Slack replies, got ${this.replies(...methods).length}: ${JSON.stringify(this.calls.map((c) => c.method))}`);
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
