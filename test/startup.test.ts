import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/core/bot.js';
import { TEAMS_PLATFORM_METHODS } from '../src/channels/teams/lazy.js';
import { createTeamsChannel } from '../src/channels/teams/adapter.js';
import { configSchema } from '../src/server/config.js';
import { createLogger } from '../src/log.js';
import { fixture } from './helpers/server.js';

/**
 * The server as `node dist/server/main.js` runs it with no settings, in a child process with a
 * module hook that writes down every module it loads (resolved URL, one a line).
 */
const dir = mkdtempSync(join(tmpdir(), 'npr-startup-test-'));
const loaded = join(dir, 'loaded.txt');
const modules = () => (existsSync(loaded) ? readFileSync(loaded, 'utf8').split('\n').filter(Boolean) : []);
const sdks = () => modules().filter((url) => /\/node_modules\/(@slack\/|botbuilder|botframework-)/.test(url));
let child: ChildProcess;
let url = '';
const logs: string[] = [];

beforeAll(async () => {
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(loaded)}, result.url + '\\n');
  return result;
}
`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  // tsx first, then the recorder: hooks registered later run first, so it sees every module
  child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--import', pathToFileURL(join(dir, 'register.mjs')).href, join(PROJECT_ROOT, 'src', 'server', 'main.ts')], {
    // no .env here, and nothing in the environment but where to listen, store and cache
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', PORT: '0', DATABASE_URL: join(dir, 'npr-bot.sqlite'), NPR_CACHE_DIR: join(dir, 'cache') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let partial = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        logs.push(line);
        const port = /listening on port (\d+)/.exec(line)?.[1];
        if (port) {
          url = `http://127.0.0.1:${port}`;
          resolve();
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it listened:\n${logs.join('\n')}`)));
  });
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('starting with no settings', () => {
  it('loads no Slack or Teams SDK: Slack is off, Teams (for the Emulator) waits for its first request', async () => {
    const seen = modules();
    // the recorder works: it saw the server's own modules and its libraries
    expect(seen.some((u) => u.endsWith('/src/server/server.ts'))).toBe(true);
    expect(seen.some((u) => u.includes('/node_modules/better-sqlite3/'))).toBe(true);
    expect(sdks()).toEqual([]);
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ slack: false, teams: true });
  });

  it('loads botbuilder when the first Teams request comes, and takes the request', async () => {
    const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fixture('teams/personal_message.json'), serviceUrl: 'http://127.0.0.1:9/' }) });
    expect(res.status).toBe(200);
    expect(sdks().some((u) => u.includes('/node_modules/botbuilder/'))).toBe(true);
    expect(sdks().some((u) => u.includes('/node_modules/@slack/'))).toBe(false);
  });
});

describe('the Teams channel loaded on first use', () => {
  it('forwards every method the real channel has', () => {
    const config = configSchema.parse({ NODE_ENV: 'test' });
    const real = createTeamsChannel({ config, bot: undefined as never, dispatcher: undefined as never, log: createLogger('error', () => {}) });
    expect(Object.keys(real.platform).sort()).toEqual([...TEAMS_PLATFORM_METHODS].sort());
  });
});
