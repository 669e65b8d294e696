import type { Bot } from '../core/bot.js';
import type { Clock } from '../core/clock.js';
import { errorFields, type Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { Inbox } from '../store/inbox.js';
import { OutboxWorker, type OutboxItem } from '../store/outbox.js';
import { SupportDesk, type DeskOptions } from './desk.js';
import { Dispatcher, type HandledMessage } from './dispatch.js';

/** What the message path tells the metrics: each message handled, each failed delivery attempt, each delivery given up. */
export interface PathObserver {
  handled?(m: HandledMessage): void;
  deliveryFailed?(item: OutboxItem): void;
  deliveryDead?(item: OutboxItem): void;
}

export interface MessagePath {
  inbox: Inbox;
  outbox: OutboxWorker;
  desk: SupportDesk;
  dispatcher: Dispatcher;
}

export interface MessagePathOptions extends Omit<DeskOptions, 'bot' | 'db' | 'clock' | 'log'> {
  bot: Bot;
  db: Db;
  clock: Clock;
  log: Logger;
  /** Backoff before a failed delivery or event is tried again (tests shorten it). */
  retryBaseDelayMs?: number;
  /** Delivery attempts before an item is dead (default 10). */
  maxAttempts?: number;
  /**
   * How long a delivery is reserved for the worker sending it: longer than a send can take. After
   * a crash, what the dead worker was sending waits this long before another takes it.
   */
  deliveryLeaseMs?: number;
  /** Events waiting to be handled beyond which new ones are refused (default MAX_WAITING_EVENTS). */
  maxWaitingEvents?: number;
  observer?: PathObserver;
}

/**
 * The path every message takes, assembled once for the server and for tests: the inbox records
 * events, the dispatcher hands them to the desk, the desk queues deliveries in the outbox, and the
 * outbox sends them through the platforms registered with the desk. A delivery given up on is
 * logged, and a user's answer given up on is told to the support team.
 */
export function messagePath(o: MessagePathOptions): MessagePath {
  const { bot, db, clock, log, retryBaseDelayMs, maxAttempts, deliveryLeaseMs, maxWaitingEvents, observer, ...desk } = o;
  const deskInstance = new SupportDesk({ ...desk, bot, db, clock, log });
  const deliver = async (item: OutboxItem) => {
    const started = performance.now();
    await deskInstance.deliver(item);
    if (log.enabled('debug')) log.debug(`delivered ${item.kind}`, { outbox: item.id, attempts: item.attempts + 1, ms: Math.round(performance.now() - started) });
  };
  const outbox = new OutboxWorker(db, { deliver, wasDelivered: (item) => deskInstance.wasDelivered(item) }, clock, {
    ...(retryBaseDelayMs !== undefined ? { baseDelayMs: retryBaseDelayMs } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(deliveryLeaseMs !== undefined ? { leaseMs: deliveryLeaseMs } : {}),
    onError: (item, error, retryInMs) => {
      observer?.deliveryFailed?.(item);
      log.warn(`delivery of ${item.kind} failed; will retry`, { outbox: item.id, attempts: item.attempts, retryInMs, ...errorFields(error) });
    },
    onDead: async (item, error) => {
      observer?.deliveryFailed?.(item);
      observer?.deliveryDead?.(item);
      log.error(`delivery of ${item.kind} given up`, { outbox: item.id, attempts: item.attempts, ...errorFields(error) });
      await deskInstance.deadLetter(item, error).catch((e: unknown) => log.error('telling the support team of an undelivered answer failed', errorFields(e)));
    },
  });
  const inbox = new Inbox(db, clock, retryBaseDelayMs !== undefined ? { baseDelayMs: retryBaseDelayMs } : {});
  const dispatcher = new Dispatcher(db, inbox, deskInstance, outbox, clock, log, maxWaitingEvents, observer?.handled?.bind(observer));
  return { inbox, outbox, desk: deskInstance, dispatcher };
}
