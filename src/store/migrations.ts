import type { Db } from './db.js';

/** Serialises migrations when several instances start at once (PostgreSQL advisory lock). */
const MIGRATION_LOCK = 7_310_001;

interface Migration {
  version: number;
  name: string;
  /** Statements per dialect; identity columns and JSON differ, the rest is shared. */
  sql: (dialect: Db['dialect']) => string[];
}

const id = (d: Db['dialect']) => (d === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY');

/** Versioned schema changes, applied in order at start; never edit one that has shipped. */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'conversations, events, cases, outbox, feedback',
    sql: (d) => [
      `CREATE TABLE conversations (id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      `CREATE TABLE processed_events (id TEXT PRIMARY KEY, created_at TEXT NOT NULL)`,
      `CREATE TABLE cases (
        id ${id(d)},
        request_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        channel TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        conversation_ref TEXT NOT NULL,
        lang TEXT NOT NULL,
        findings TEXT NOT NULL,
        assignee TEXT,
        support_ref TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        first_reply_at TEXT,
        resolved_at TEXT
      )`,
      `CREATE INDEX cases_conversation ON cases (conversation_id, status)`,
      `CREATE TABLE case_events (
        id ${id(d)},
        case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        actor TEXT,
        text TEXT,
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX case_events_case ON case_events (case_id)`,
      `CREATE TABLE outbox (
        id ${id(d)},
        kind TEXT NOT NULL,
        case_id BIGINT REFERENCES cases (id) ON DELETE CASCADE,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        claimed_until TEXT,
        delivered_at TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX outbox_due ON outbox (delivered_at, next_attempt_at)`,
      `CREATE TABLE feedback (
        id ${id(d)},
        conversation_id TEXT NOT NULL,
        intent TEXT,
        helpful INTEGER NOT NULL,
        question TEXT,
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE unanswered (
        id ${id(d)},
        conversation_id TEXT NOT NULL,
        question TEXT NOT NULL,
        lang TEXT NOT NULL,
        intent TEXT,
        confidence REAL NOT NULL,
        created_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'settings',
    sql: () => [`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL)`],
  },
  {
    version: 3,
    name: 'cases are found by their support thread',
    sql: () => ['ALTER TABLE cases ADD COLUMN support_key TEXT', 'CREATE UNIQUE INDEX cases_support_key ON cases (support_key)'],
  },
  {
    version: 4,
    name: 'outbox claims name their worker',
    sql: () => ['ALTER TABLE outbox ADD COLUMN claimed_by TEXT'],
  },
  {
    version: 5,
    name: 'inbox of recorded events; outbox order, idempotency, dead and uncertain deliveries',
    sql: (d) => [
      `CREATE TABLE inbox (
        id ${id(d)},
        event_key TEXT NOT NULL UNIQUE,
        platform TEXT NOT NULL,
        kind TEXT NOT NULL,
        order_key TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        claimed_until TEXT,
        claimed_by TEXT,
        last_error TEXT,
        received_at TEXT NOT NULL,
        handled_at TEXT
      )`,
      'CREATE INDEX inbox_due ON inbox (state, next_attempt_at)',
      'CREATE INDEX inbox_order ON inbox (order_key, state)',
      'ALTER TABLE outbox ADD COLUMN order_key TEXT',
      'ALTER TABLE outbox ADD COLUMN idempotency_key TEXT',
      'ALTER TABLE outbox ADD COLUMN dead_at TEXT',
      'ALTER TABLE outbox ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0',
      "UPDATE outbox SET kind = 'case_post' WHERE kind = 'support_post'",
      "UPDATE outbox SET kind = 'case_relay' WHERE kind = 'support_relay'",
      "UPDATE outbox SET kind = 'case_update' WHERE kind = 'support_update'",
      "UPDATE outbox SET order_key = 'case:' || case_id WHERE case_id IS NOT NULL",
      "UPDATE outbox SET order_key = 'outbox:' || id WHERE order_key IS NULL",
      'CREATE UNIQUE INDEX outbox_idempotency ON outbox (idempotency_key)',
      'CREATE INDEX outbox_order ON outbox (order_key, delivered_at)',
    ],
  },
  {
    version: 6,
    name: 'pending events and deliveries indexed apart from those done',
    // the workers look for the oldest pending rows, and for older pending rows of the same
    // conversation; with every handled row in the index that was a scan of the whole table
    sql: () => [
      'DROP INDEX inbox_due',
      'DROP INDEX inbox_order',
      'DROP INDEX outbox_due',
      'DROP INDEX outbox_order',
      "CREATE INDEX inbox_pending ON inbox (id) WHERE state = 'pending'",
      "CREATE INDEX inbox_pending_order ON inbox (order_key, id) WHERE state = 'pending'",
      'CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL AND dead_at IS NULL',
      'CREATE INDEX outbox_pending_order ON outbox (order_key, id) WHERE delivered_at IS NULL AND dead_at IS NULL',
    ],
  },
];

/** Brings the schema up to date; returns the versions it applied. */
export async function migrate(db: Db): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((await tx.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const statement of m.sql(tx.dialect)) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date().toISOString()]);
      applied.push(m.version);
    }
    return applied;
  }, MIGRATION_LOCK);
}

/** Fails when the database can be read but not written (a read-only or immutable file): such a store would take no event. */
export async function checkWritable(db: Db): Promise<void> {
  await db.transaction(async (tx) => void (await tx.run('UPDATE schema_migrations SET name = name WHERE version = 1')));
}
