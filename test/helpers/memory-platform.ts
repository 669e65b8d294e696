import type { Reply } from '../../src/core/types.js';
import type { CaseRecord } from '../../src/store/cases.js';
import { DeliveryError, type OutboxItem } from '../../src/store/outbox.js';
import type { Platform, ReplyOptions } from '../../src/support/desk.js';
import type { Address } from '../../src/support/events.js';

/** One thing the platform showed someone: an answer, a text, a case post or update, a notice. */
export interface Shown {
  what: 'reply' | 'text' | 'case' | 'case_update' | 'in_case' | 'notice' | 'home';
  /** The outbox key: the same key twice is a duplicate delivery. */
  key: string;
  to?: Address | Record<string, unknown>;
  text: string;
  reply?: Reply;
  options?: ReplyOptions;
}

/**
 * A platform in memory, for running the desk without HTTP: it keeps what it was asked to show, and
 * can be made to fail (down, rate-limited, or timing out after it has shown the message).
 */
export class MemoryPlatform implements Platform {
  readonly shown: Shown[] = [];
  private failures: DeliveryError[] = [];
  private cases = 0;

  /** The next `times` deliveries fail with `error`; a failure marked uncertain has still shown the message. */
  failNext(times: number, error: DeliveryError = new DeliveryError('platform down')): void {
    for (let i = 0; i < times; i++) this.failures.push(error);
  }

  /** What each delivery does: show, then fail when a failure is due (an uncertain one after showing). */
  private show(s: Shown): void {
    const failure = this.failures.shift();
    if (failure && !failure.how.uncertain) throw failure;
    this.shown.push(s);
    if (failure) throw failure;
  }

  async reply(to: Address, reply: Reply, options: ReplyOptions, item: OutboxItem) {
    this.show({ what: 'reply', key: item.key, to, text: reply.text, reply, options });
  }
  async text(to: Address, text: string, item: OutboxItem) {
    this.show({ what: 'text', key: item.key, to, text });
  }
  async home(user: string) {
    this.show({ what: 'home', key: `home:${user}`, text: '' });
  }
  async postCase(_where: Address | undefined, c: CaseRecord, _summary: unknown, item: OutboxItem) {
    this.show({ what: 'case', key: item.key, text: `Sak ${c.number}` });
    // registered as Slack: the desk knows two platforms
    return { platform: 'slack', post: ++this.cases, key: `memory:case:${this.cases}` };
  }
  async updateCase(ref: Record<string, unknown>, c: CaseRecord) {
    this.show({ what: 'case_update', key: `update:${String(ref.post)}:${c.status}`, to: ref, text: c.status });
  }
  async postInCase(ref: Record<string, unknown>, text: string, item: OutboxItem) {
    this.show({ what: 'in_case', key: item.key, to: ref, text });
  }
  async notice(_where: Address | undefined, text: string, item: OutboxItem) {
    this.show({ what: 'notice', key: item.key, text });
  }
  async wasDelivered(item: OutboxItem) {
    return this.shown.some((s) => s.key === item.key);
  }

  /** Keys shown more than once: duplicates a user or agent would see. */
  duplicates(): string[] {
    const seen = new Set<string>();
    return this.shown.filter((s) => s.what !== 'case_update' && (seen.has(s.key) || !seen.add(s.key))).map((s) => s.key);
  }
}
