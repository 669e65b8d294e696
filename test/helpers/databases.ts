import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrations.js';

/** .ci/run starts a real PostgreSQL server and sets this; without it the PostgreSQL runs are skipped. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL;

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** A URL that opens this same database again, as a restarted or second instance would. */
  url: string;
  open(): Db;
}

/** A fresh, migrated database of each kind: a SQLite file, or a new PostgreSQL schema. */
export async function freshDatabase(kind: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  let url: string;
  if (kind === 'sqlite') {
    url = join(mkdtempSync(join(tmpdir(), 'npr-db-')), 'test.sqlite');
  } else {
    const schema = `t_${randomUUID().replace(/-/g, '')}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    url = `${POSTGRES_URL}${POSTGRES_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const db = openDb(url);
  await migrate(db);
  await db.close();
  return { name: kind, url, open: () => openDb(url) };
}

export const DATABASE_KINDS = (POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite']) as ('sqlite' | 'postgres')[];
