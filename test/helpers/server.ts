import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../src/server/config.js';
import { createLogger } from '../../src/server/log.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { testBot } from './bot.js';
import { SIGNING_SECRET } from './slack-requests.js';

export interface TestServer extends RunningServer {
  logs: string[];
}

/** The real server on a free loopback port, with Slack pointed at a fake Web API. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const config = configSchema.parse({
    NODE_ENV: 'test',
    PORT: '0',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ...env,
  });
  const running = await startServer(config, testBot(), createLogger('debug', (line) => void logs.push(line)), 0);
  return { ...running, logs };
}

export function fixture<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', path), 'utf8')) as T;
}
