/**
 * The server's Prometheus metrics (GET /metrics, text format), one registry per server (tests run
 * several servers in one process). Counters move as things happen; the backlogs and the open
 * cases are read from the store when scraped.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { errorFields, type Logger } from '../log.js';
import type { PathObserver } from '../support/path.js';
import type { HandledMessage } from '../support/dispatch.js';
import type { OutboxItem } from '../store/outbox.js';

/** What the gauges read when scraped. */
export interface MetricSources {
  /** Deliveries not yet made (dead ones not counted). */
  outboxBacklog(): Promise<number>;
  /** Events recorded and not yet handled. */
  inboxBacklog(): Promise<number>;
  /** Support cases not resolved, by status. */
  unresolvedCases(): Promise<Record<string, number>>;
}

/** The routes the server knows; anything else is counted as `other`, so a scanner cannot blow up the label set. */
const ROUTES = new Set(['/api/messages', '/slack/events', '/healthz', '/readyz', '/metrics']);
export const routeOf = (path: string) => (ROUTES.has(path) ? path : 'other');

export class Metrics implements PathObserver {
  readonly registry = new Registry();
  private readonly messages: Counter<'platform' | 'intent'>;
  private readonly fallbacks: Counter<'platform'>;
  private readonly latency: Histogram<'platform'>;
  private readonly http: Counter<'route' | 'status'>;
  private readonly failures: Counter<'kind'>;
  private readonly dead: Counter<'kind'>;

  constructor(sources: MetricSources, log: Logger) {
    const registers = [this.registry];
    this.messages = new Counter({ name: 'npr_bot_messages_total', help: 'User messages handled, by platform and the intent answered (relayed: passed on to an open support case).', labelNames: ['platform', 'intent'], registers });
    this.fallbacks = new Counter({ name: 'npr_bot_fallbacks_total', help: 'User messages answered with the fallback (not understood, out of scope, not in the documentation, refused).', labelNames: ['platform'], registers });
    this.latency = new Histogram({
      name: 'npr_bot_answer_latency_seconds',
      help: 'From a message being recorded to its answer being queued for delivery.',
      labelNames: ['platform'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.http = new Counter({ name: 'npr_bot_http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames: ['route', 'status'], registers });
    this.failures = new Counter({ name: 'npr_bot_delivery_failures_total', help: 'Delivery attempts that failed (each is retried until it is given up), by kind.', labelNames: ['kind'], registers });
    this.dead = new Counter({ name: 'npr_bot_deliveries_dead_total', help: 'Deliveries given up (after 10 attempts or 24 hours), by kind.', labelNames: ['kind'], registers });
    // a gauge whose source fails is left out of the scrape rather than failing it, and logged
    const read = async (what: string, fn: () => Promise<void>, reset: () => void) => {
      try {
        await fn();
      } catch (error) {
        reset();
        log.warn(`metrics: ${what} could not be read`, errorFields(error));
      }
    };
    new Gauge({
      name: 'npr_bot_outbox_backlog',
      help: 'Deliveries waiting to be made (dead ones not counted).',
      registers,
      async collect() {
        await read('the outbox backlog', async () => this.set(await sources.outboxBacklog()), () => this.set(Number.NaN));
      },
    });
    new Gauge({
      name: 'npr_bot_inbox_backlog',
      help: 'Events recorded and waiting to be handled.',
      registers,
      async collect() {
        await read('the inbox backlog', async () => this.set(await sources.inboxBacklog()), () => this.set(Number.NaN));
      },
    });
    new Gauge({
      name: 'npr_bot_support_cases_open',
      help: 'Support cases not resolved, by status.',
      labelNames: ['status'],
      registers,
      async collect() {
        await read(
          'the open cases',
          async () => {
            for (const [status, n] of Object.entries(await sources.unresolvedCases())) this.set({ status }, n);
          },
          () => this.reset(),
        );
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  handled(m: HandledMessage): void {
    this.messages.inc({ platform: m.platform, intent: m.intent });
    if (m.fallback) this.fallbacks.inc({ platform: m.platform });
    this.latency.observe({ platform: m.platform }, m.latencyMs / 1000);
  }

  deliveryFailed(item: OutboxItem): void {
    this.failures.inc({ kind: item.kind });
  }

  deliveryDead(item: OutboxItem): void {
    this.dead.inc({ kind: item.kind });
  }

  request(path: string, status: number): void {
    this.http.inc({ route: routeOf(path), status: String(status) });
  }

  /** The Prometheus text, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
