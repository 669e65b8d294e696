import type { Clock } from '../core/clock.js';
import { redactIdentityNumbers } from '../core/privacy.js';
import type { Db } from '../store/db.js';
import type { Inbox, InboxEntry } from '../store/inbox.js';
import { undelivered, type OutboxWorker } from '../store/outbox.js';
import { RunLoop } from '../store/run-loop.js';
import { conversationHash, errorFields, type Logger } from '../log.js';
import { NotYet, type Handled, type SupportDesk } from './desk.js';
import { inboundEvent, orderKeyOf, type InboundEvent } from './events.js';

/** The store could not take an event: the channel answers 503, so the platform delivers it again. */
export class NotRecorded extends Error {
  readonly code: string = 'npr_bot_not_recorded';
}

/** So many events wait to be handled that a new one would wait too long: refused like one not recorded (503), to come again later. */
export class Overloaded extends NotRecorded {
  override readonly code = 'npr_bot_overloaded';
}

/** Events waiting in this process beyond which new ones are refused: some seconds of work. */
export const MAX_WAITING_EVENTS = 2000;

/** A user's message handled and its answer queued (committed): what the metrics count. Never the text. */
export interface HandledMessage extends Handled {
  platform: 'slack' | 'teams';
  /** From the event being recorded in this process (or, for one recorded elsewhere, from being taken up) to its answer committed. */
  latencyMs: number;
}

/** The times events were recorded, kept for this many at most (events another instance handles are never taken out). */
const MAX_TIMED = 10_000;

/** An event's user text, redacted before it is recorded: the inbox never holds an identity number. */
function redacted(e: InboundEvent): InboundEvent {
  const r = (t: string) => redactIdentityNumbers(t).text;
  if ('text' in e) return { ...e, text: r(e.text) };
  if (e.type === 'button' && e.question !== undefined) return { ...e, question: r(e.question) };
  return e;
}

/**
 * Takes events from the channels: records each before the channel acknowledges it, then hands it
 * to the desk at once. Handling runs in one transaction with the inbox entry marked handled, so a
 * failure (the database gone, a crash) leaves the event pending to be handled again, in this
 * process or after a restart, and an event whose replies are queued is never handled again.
 */
export class Dispatcher {
  private readonly loop = new RunLoop(
    () => this.runOnce(),
    (error) => this.log.error('handling events failed', errorFields(error)),
  );
  /** The last attempt to record an event failed: readiness says so until one succeeds. */
  recordingFails = false;
  /** Events this process recorded and has not handled yet. */
  private waiting = 0;
  private lastOverloadLog = 0;
  /** When each event this process recorded was recorded (performance.now()), for the answer latency. */
  private readonly recordedAt = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly inbox: Inbox,
    private readonly desk: SupportDesk,
    private readonly outbox: OutboxWorker,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly maxWaiting = MAX_WAITING_EVENTS,
    /** Told of every user message handled, after its transaction committed (metrics). */
    private readonly onHandled?: (m: HandledMessage) => void,
  ) {}

  /** Records an event (once per key) and sets its handling going. Throws `NotRecorded` when the store cannot take it. */
  async accept(event: InboundEvent): Promise<void> {
    if (this.waiting >= this.maxWaiting) {
      const now = this.clock.now().getTime();
      if (now - this.lastOverloadLog > 10_000) {
        this.lastOverloadLog = now;
        this.log.warn('too many events wait to be handled; new ones are refused for now (503)', { waiting: this.waiting });
      }
      throw new Overloaded('too many events wait to be handled');
    }
    try {
      const { fresh } = await this.inbox.record({ key: event.key, platform: event.platform, kind: event.type, orderKey: orderKeyOf(event), payload: redacted(event) });
      if (fresh) {
        this.waiting++;
        this.recordedAt.set(event.key, performance.now());
        if (this.recordedAt.size > MAX_TIMED) this.recordedAt.delete(this.recordedAt.keys().next().value!);
      }
      this.recordingFails = false;
      if (this.log.enabled('debug')) {
        this.log.debug(fresh ? 'event recorded' : 'event recorded before (a retry or a replay)', { platform: event.platform, kind: event.type, ...('conversation' in event ? { conversation: conversationHash(event.conversation) } : {}) });
      }
    } catch (error) {
      this.recordingFails = true;
      this.log.error('an event could not be recorded; the platform will send it again', { platform: event.platform, kind: event.type, ...errorFields(error) });
      throw new NotRecorded('the event could not be recorded');
    }
    this.kick();
  }

  /** Handles what is due now; a kick during a run makes it go round once more. */
  kick(): void {
    this.loop.kick();
  }

  private async runOnce(): Promise<void> {
    // once stopped, the events already claimed are handled and no more are taken
    while (!this.loop.stopped) {
      const entries = await this.inbox.claimDue();
      if (entries.length === 0) return;
      for (const entry of entries) {
        await this.handle(entry);
        // handling runs on the event loop: between two events, requests waiting for their ack go first
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.outbox.kick();
    }
  }

  private async handle(entry: InboxEntry): Promise<void> {
    const parsed = inboundEvent.safeParse(entry.payload);
    if (!parsed.success) {
      this.log.error('a recorded event is not one the desk knows; it is set aside', { kind: entry.kind, id: entry.id });
      await this.inbox.failed({ ...entry, attempts: Number.MAX_SAFE_INTEGER - 1 }, new Error('malformed event'));
      this.waiting = Math.max(0, this.waiting - 1);
      return;
    }
    const started = this.recordedAt.get(entry.key) ?? performance.now();
    try {
      const handled = await this.db.transaction(async (tx) => {
        const outcome = await this.desk.handle(tx, parsed.data);
        if (!(await this.inbox.handled(tx, entry.id))) throw new Error('another worker took the event over');
        return outcome;
      });
      this.waiting = Math.max(0, this.waiting - 1);
      this.recordedAt.delete(entry.key);
      if (handled) this.handled(parsed.data, handled, performance.now() - started);
    } catch (error) {
      const state = await this.inbox.failed(entry, error).catch(() => 'pending' as const);
      if (state === 'dead') {
        this.waiting = Math.max(0, this.waiting - 1);
        this.recordedAt.delete(entry.key);
      }
      if (!(error instanceof NotYet)) this.log.warn(state === 'dead' ? 'an event could not be handled and was given up' : 'handling an event failed; it will be tried again', { kind: entry.kind, attempts: entry.attempts + 1, ...errorFields(error) });
    }
  }

  /** One log line per user message handled (the conversation as a hash, never the text), and the metrics. */
  private handled(event: InboundEvent, h: Handled, ms: number): void {
    const latencyMs = Math.round(ms * 10) / 10;
    this.log.info('message handled', {
      platform: event.platform,
      kind: event.type,
      conversation: 'conversation' in event ? conversationHash(event.conversation) : undefined,
      intent: h.intent,
      confidence: h.confidence,
      rule: h.rule,
      lang: h.lang,
      latencyMs,
    });
    try {
      this.onHandled?.({ ...h, platform: event.platform, latencyMs });
    } catch (error) {
      this.log.warn('counting a handled message failed', errorFields(error));
    }
  }

  /** Also looks every `intervalMs` for events whose retry has come due, or that a stopped worker left. */
  start(intervalMs = 1000): void {
    this.loop.start(intervalMs);
  }

  /** Stops taking new events and waits for the ones in hand (they are claimed: another worker would wait out their lease). */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Resolves when nothing is pending and nothing is being handled or delivered: for tests and shutdown. */
  async settled(outboxToo = true): Promise<void> {
    for (;;) {
      await this.loop.idle();
      const inbox = await this.inbox.counts();
      const outbox = outboxToo ? await undelivered(this.db) : 0;
      if (inbox.pending === 0 && outbox === 0 && !this.loop.busy) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
