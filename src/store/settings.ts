import type { Db } from './db.js';
import type { Clock } from '../core/clock.js';

/** Small settings made at run time, such as the Teams channel a support agent registered. */
export class Settings {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.db.run('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at', [
      key,
      JSON.stringify(value), // platform addresses: stored as they are
      this.clock.now().toISOString(),
    ]);
  }
}
