import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';
export type Param = string | number | null;

/**
 * The little SQL both databases share, behind one async interface. Statements use `?`
 * placeholders; PostgreSQL gets them numbered.
 */
export interface Db {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: Param[]): Promise<T[]>;
  get<T>(sql: string, params?: Param[]): Promise<T | undefined>;
  run(sql: string, params?: Param[]): Promise<{ changes: number }>;
  /** Runs `fn` in one transaction; in PostgreSQL `lockKey` also serialises it across instances. */
  transaction<T>(fn: (tx: Db) => Promise<T>, lockKey?: number): Promise<T>;
  close(): Promise<void>;
}

export const DEFAULT_SQLITE_FILE = 'data/npr-bot.sqlite';

const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * better-sqlite3 is synchronous: a second connection's BEGIN would block the whole process
 * while the first transaction awaits. Transactions on one file therefore queue, process-wide.
 */
const sqliteLocks = new Map<string, Promise<unknown>>();

/**
 * Another process (a report, a purge, a second instance) may hold the file's write lock. SQLite's
 * own busy wait would block the event loop, so it is kept short and the wait goes on here,
 * asynchronously, until BUSY_WAIT_MS have passed (well inside the 3 s Slack waits for an ack);
 * then the caller gets the error (and the platform a 503).
 */
const BUSY_TIMEOUT_MS = 20;
const BUSY_WAIT_MS = 1000;
const isBusy = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: string }).code ?? ''));

async function whenFree<T>(op: () => T, before?: () => Promise<void>): Promise<T> {
  const until = Date.now() + BUSY_WAIT_MS;
  for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
    await before?.();
    try {
      return op();
    } catch (error) {
      if (!isBusy(error) || Date.now() > until) throw error;
    }
    await new Promise((r) => setTimeout(r, pause));
  }
}

/** Statements are compiled once per connection: preparing costs more than running most of them. */
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function prepared(db: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    /** Inside a transaction statements run at once; outside, they wait for any open one to end. */
    private readonly inTransaction = false,
  ) {}

  // a statement from another flow must not run inside an open transaction, where a rollback would take it along
  private async turn(): Promise<void> {
    if (!this.inTransaction) await sqliteLocks.get(this.file);
  }

  // inside a transaction this connection holds the write lock: nothing to wait for
  private async exec<T>(op: () => T): Promise<T> {
    if (this.inTransaction) return op();
    return whenFree(op, () => this.turn());
  }

  async all<T>(sql: string, params: Param[] = []) {
    return this.exec(() => prepared(this.db, sql).all(...params) as T[]);
  }
  async get<T>(sql: string, params: Param[] = []) {
    return this.exec(() => prepared(this.db, sql).get(...params) as T | undefined);
  }
  async run(sql: string, params: Param[] = []) {
    return this.exec(() => {
      const stmt = prepared(this.db, sql);
      if (stmt.reader) return { changes: stmt.all(...params).length };
      return { changes: stmt.run(...params).changes };
    });
  }
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const next = (sqliteLocks.get(this.file) ?? Promise.resolve()).then(async () => {
      await whenFree(() => this.db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await fn(new SqliteDb(this.db, this.file, true));
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        // a failed COMMIT (the file could not be written) may have rolled back already
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
    sqliteLocks.set(this.file, next.catch(() => undefined));
    return next;
  }
  async close() {
    await sqliteLocks.get(this.file);
    this.db.close();
  }
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;

  constructor(
    private readonly pool: pg.Pool,
    private readonly client: Queryable = pool,
  ) {}

  async all<T>(sql: string, params: Param[] = []) {
    return (await this.client.query(numbered(sql), params)).rows as T[];
  }
  async get<T>(sql: string, params: Param[] = []) {
    return (await this.all<T>(sql, params))[0];
  }
  async run(sql: string, params: Param[] = []) {
    return { changes: (await this.client.query(numbered(sql), params)).rowCount ?? 0 };
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>, lockKey?: number): Promise<T> {
    const client = await this.pool.connect();
    // the server going away mid-transaction fails the query; the client's own error event must not crash the process
    const ignore = () => undefined;
    client.on('error', ignore);
    let broken = false;
    try {
      await client.query('BEGIN');
      if (lockKey !== undefined) await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
      const result = await fn(new PostgresDb(this.pool, client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // a connection that cannot even roll back is broken: it is closed, not returned to the pool
      broken = !(await client.query('ROLLBACK').then(
        () => true,
        () => false,
      ));
      throw error;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }
  async close() {
    await this.pool.end();
  }
}

/** Whether the database answers a query (`SELECT 1`) within `timeoutMs`; throws when it does not. */
export async function ping(db: Db, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([db.get('SELECT 1 AS ok'), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The SQLite file a DATABASE_URL names (`:memory:` for none), or undefined for PostgreSQL. */
export function sqliteFileOf(url?: string): string | undefined {
  if (url && /^postgres(ql)?:\/\//i.test(url)) return undefined;
  return url ? url.replace(/^sqlite:(\/\/)?/i, '') : DEFAULT_SQLITE_FILE;
}

/** PostgreSQL for a `postgres://` URL, otherwise SQLite in the file given (default under data/). */
export function openDb(url?: string): Db {
  if (url && /^postgres(ql)?:\/\//i.test(url)) {
    // no wait without end: a server restarting can leave a connection attempt or a query unanswered
    // pg loads only here: a server on SQLite does not pay the tenth of a second it takes to load
    const { Pool } = createRequire(import.meta.url)('pg') as typeof pg;
    const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000, query_timeout: 15_000, keepAlive: true });
    pool.on('error', () => undefined); // an idle client's error surfaces on its next query
    return new PostgresDb(pool);
  }
  const file = sqliteFileOf(url)!;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // in WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the process
  // dying (kill -9, a crash), not the machine losing power. An fsync per commit blocked the event
  // loop for milliseconds each, several times per message.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  return new SqliteDb(db, file === ':memory:' ? `:memory:${Math.random()}` : resolve(file));
}
