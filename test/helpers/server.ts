import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../src/server/config.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server.js';
import { openDb } from '../../src/store/db.js';
import { testBot } from './bot.js';
import { SIGNING_SECRET } from './slack-requests.js';

export interface TestServer extends RunningServer {
  logs: string[];
  /** Resolves when every recorded event is handled and every due delivery sent: assert after this, not after a sleep. */
  settled(outboxToo?: boolean): Promise<void>;
}

/** The real server on a free loopback port, with Slack pointed at a fake Web API. */
export async function startTestServer(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<TestServer> {
  const logs: string[] = [];
  const config = configSchema.parse({
    NODE_ENV: 'test',
    PORT: '0',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ...env,
  });
  const running = await startServer(config, createLogger('debug', (line) => void logs.push(line)), {
    port: 0,
    db: options.db ?? openDb(':memory:'),
    bot: options.bot ?? (options.db ? undefined : testBot()),
    retryIntervalMs: 20,
    retryBaseDelayMs: 20,
    ...options,
  });
  return { ...running, logs, settled: (outboxToo = true) => running.dispatcher.settled(outboxToo) };
}

let loads = 0;
/**
 * A recorded payload, as a new one: its trigger id, event id or activity id made unique, as
 * Slack and Teams make them for every click, command and message (the same id twice is a replay).
 */
export function fixture<T = Record<string, unknown>>(path: string): T {
  const value = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', path), 'utf8')) as Record<string, unknown>;
  const n = ++loads;
  if (typeof value.trigger_id === 'string') value.trigger_id = `${value.trigger_id}.${n}`;
  if (typeof value.event_id === 'string') value.event_id = `${value.event_id}${n}`;
  if (path.startsWith('teams/') && typeof value.id === 'string') value.id = `${value.id}-${n}`;
  return value as T;
}
