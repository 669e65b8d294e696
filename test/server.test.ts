import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, productionProblems, slackStatus, teamsStatus } from '../src/server/config.js';
import { startTestServer } from './helpers/server.js';
import { cleanEnv, freshClone, npmIn } from './helpers/package-dir.js';
import { isLoopback } from '../src/server/server.js';

const config = (env: Record<string, string>) => configSchema.parse(env);

describe('configuration', () => {
  it('turns a channel off, with the reason, when its settings are missing', () => {
    expect(slackStatus(config({}))).toEqual({ on: false, reason: 'SLACK_BOT_TOKEN is not set' });
    expect(slackStatus(config({ SLACK_BOT_TOKEN: 'xoxb' }))).toMatchObject({ on: false });
    expect(slackStatus(config({ SLACK_BOT_TOKEN: 'xoxb', SLACK_SIGNING_SECRET: 's' }))).toMatchObject({ on: true });
    expect(slackStatus(config({ SLACK_BOT_TOKEN: 'xoxb', SLACK_APP_TOKEN: 'xapp' }))).toEqual({ on: true, mode: 'Socket Mode' });
    expect(teamsStatus(config({}))).toMatchObject({ on: true, mode: expect.stringContaining('Emulator') });
    expect(teamsStatus(config({ NODE_ENV: 'production' }))).toMatchObject({ on: false });
  });

  it('in production, refuses a channel that could not verify its requests', () => {
    expect(productionProblems(config({ NODE_ENV: 'production', SLACK_BOT_TOKEN: 'xoxb' }))).toHaveLength(1);
    expect(productionProblems(config({ NODE_ENV: 'production', MicrosoftAppPassword: 'p' }))).toHaveLength(1);
    expect(productionProblems(config({ NODE_ENV: 'production', SLACK_BOT_TOKEN: 'xoxb', SLACK_SIGNING_SECRET: 's', MicrosoftAppId: '11111111-2222-3333-4444-555555555555' }))).toEqual([]);
    expect(productionProblems(config({ SLACK_BOT_TOKEN: 'xoxb' }))).toEqual([]);
  });

  it('rejects malformed values with a clear error', () => {
    expect(configSchema.safeParse({ PORT: 'eighty' }).success).toBe(false);
    expect(configSchema.safeParse({ SLACK_API_URL: 'not a url' }).success).toBe(false);
  });
});

/** A fresh clone in a temporary folder, built: `npm start` runs there, so that neither dist/ nor data/ is written in the work tree. */
let clone = '';

/** Runs `npm start` with the given environment until it prints `until` or exits. */
function start(env: Record<string, string>, until: RegExp): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['start', '--silent'], { cwd: clone, env: cleanEnv(clone, env), detached: true });
    let output = '';
    const done = (code: number | null) => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      resolve({ output, code });
    };
    const timer = setTimeout(() => done(null), 20_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (until.test(output)) {
        clearTimeout(timer);
        done(null);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ output, code });
    });
  });
}

describe('npm start', () => {
  beforeAll(() => {
    clone = freshClone();
    const build = npmIn(clone, ['run', '--silent', 'build']);
    expect(build.status, build.stderr).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('runs with no settings, says which channels are off, and tells a newcomer how to talk to it', async () => {
    const { output } = await start({ PORT: '0' }, /README\.md explains/);
    expect(output).toContain('Slack is off: SLACK_BOT_TOKEN is not set');
    expect(output).toContain('Teams is on: local');
    expect(output).toContain('npm run chat');
    expect(output).toContain('/api/messages');
  }, 30_000);

  it('refuses to start in production with a Slack token but no signing secret', async () => {
    const { output, code } = await start({ PORT: '0', NODE_ENV: 'production', SLACK_BOT_TOKEN: 'xoxb-x' }, /$^/);
    expect(code).toBe(1);
    expect(output).toContain('SLACK_SIGNING_SECRET is not');
    expect(output).toContain('Refusing to start');
  }, 30_000);
});

describe('the HTTP server', () => {
  it('without a Microsoft app id, lets only this machine talk to /api/messages', () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['10.0.0.5', '::ffff:192.168.1.4', '2001:db8::1', undefined]) expect(isLoopback(a)).toBe(false);
  });

  it('answers /healthz and 404s what it does not serve', async () => {
    const server = await startTestServer({ SLACK_BOT_TOKEN: '' });
    try {
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok', slack: false, teams: true });
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
      expect((await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(`${server.url}/api/messages`, { method: 'POST', body: 'not json' })).status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('refuses a chunked body over 1 MB with 413 without reading all of it', { timeout: 20_000 }, async () => {
    const server = await startTestServer({ SLACK_BOT_TOKEN: '' });
    try {
      const { port } = new URL(server.url);
      const { status, chunksSent } = await new Promise<{ status: number; chunksSent: number }>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let answered = false;
        socket.on('data', (d) => {
          answered = true;
          resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(d.toString())?.[1]), chunksSent: sent });
          socket.destroy();
        });
        socket.on('error', (e) => (answered ? undefined : reject(e)));
        socket.write('POST /api/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
        const chunk = `${(64 * 1024).toString(16)}\r\n${'x'.repeat(64 * 1024)}\r\n`;
        let sent = 0;
        // keeps sending until the server answers; it must answer long before 64 MB
        const pump = () => {
          while (!answered && sent < 1024 && socket.write(chunk)) sent++;
          if (!answered && sent < 1024) socket.once('drain', pump);
        };
        pump();
      });
      expect(status).toBe(413);
      expect(chunksSent).toBeLessThan(1024);
    } finally {
      await server.close();
    }
  });
});
