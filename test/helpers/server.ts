import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../src/server/config.js';
import { createLogger } from '../../src/server/log.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server.js';
import { openDb } from '../../src/store/db.js';
import { testBot } from './bot.js';
import { SIGNING_SECRET } from './slack-requests.js';

export interface TestServer extends RunningServer {
  logs: string[];
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
    outboxIntervalMs: 20,
    ...options,
  });
  return { ...running, logs };
}

export function fixture<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', path), 'utf8')) as T;
}
