import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, isDatabaseUrl } from '../src/server/config.js';
import { FakeSlackApi } from './helpers/fake-slack-api.js';
import { SIGNING_SECRET } from './helpers/slack-requests.js';
import { parsed, runServer } from './helpers/spawn-server.js';

const parse = (env: Record<string, string>) => configSchema.safeParse(env);

describe('settings that are accepted', () => {
  it('DATABASE_URL: PostgreSQL and sqlite: URLs, SQLite file paths, :memory:, or unset', () => {
    for (const ok of ['postgres://u:p@db:5432/npr', 'postgresql://localhost/npr', 'sqlite:data/bot.sqlite', 'sqlite:///var/lib/npr-bot/bot.sqlite', 'data/npr-bot.sqlite', '/var/lib/npr/bot.db', ':memory:', '']) {
      expect(parse({ DATABASE_URL: ok }).success, ok).toBe(true);
    }
    expect(parse({}).success).toBe(true);
    for (const bad of ['nonsense', 'mysql://u:p@h/db', 'data/bot.txt', 'http://example.org/bot.sqlite', 'sqlite:']) expect(isDatabaseUrl(bad), bad).toBe(false);
  });

  it('ids, URLs and addresses in their right shape', () => {
    expect(parse({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555' }).success).toBe(true);
    expect(parse({ SUPPORT_SLACK_CHANNEL: 'C0SUPPORT' }).success).toBe(true);
    expect(parse({ SUPPORT_SLACK_CHANNEL: 'G01PRIVATE' }).success).toBe(true);
    expect(parse({ SMTP_URL: 'smtps://user:pass@smtp.example.org:465' }).success).toBe(true);
    expect(parse({ MAIL_FROM: 'NPR-bot <npr-bot@example.org>' }).success).toBe(true);
    expect(parse({ MAIL_FROM: 'npr-bot@example.org' }).success).toBe(true);
  });

  it('numbers: PORT 0 is any free port, METRICS_PORT empty is unset, READY_MAX_BACKLOG defaults to 1000', () => {
    const c = configSchema.parse({ PORT: '0', METRICS_PORT: '' });
    expect(c.PORT).toBe(0);
    expect(c.METRICS_PORT).toBeUndefined();
    expect(c.READY_MAX_BACKLOG).toBe(1000);
    expect(configSchema.parse({ METRICS_PORT: '9464', LOG_LEVEL: 'trace' })).toMatchObject({ METRICS_PORT: 9464, LOG_LEVEL: 'trace' });
  });
});

/** Each bad setting, what the one line must say (besides its name), and what it must not. */
const BAD: { env: Record<string, string>; says: RegExp; never?: string }[] = [
  { env: { PORT: '' }, says: /whole number from 0 to 65535/ },
  { env: { PORT: 'eighty' }, says: /whole number/ },
  { env: { DATABASE_URL: 'nonsense' }, says: /postgres:\/\/.*sqlite:.*\.sqlite or \.db/ },
  { env: { DATABASE_URL: 'mysql://admin:s3cret-pw@db.example.org/npr' }, says: /postgres:\/\//, never: 's3cret-pw' },
  { env: { MicrosoftAppId: 'my-bot' }, says: /GUID/ },
  { env: { MicrosoftAppType: 'foo' }, says: /MultiTenant, SingleTenant, UserAssignedMSI/ },
  { env: { LOG_LEVEL: 'loud' }, says: /trace, debug, info, warn, error, fatal/ },
  { env: { NODE_ENV: 'prod' }, says: /development, production, test/ },
  { env: { SUPPORT_SLACK_CHANNEL: '#support' }, says: /Slack channel id/ },
  { env: { SMTP_URL: 'http://mail.example.org' }, says: /smtp:\/\/ or smtps:\/\// },
  { env: { MAIL_FROM: 'nobody' }, says: /e-mail address/ },
];

/** Exactly one line, a fatal JSON log line naming `setting`, no stack, and the exit code 1. */
function expectRefused(run: { lines: string[]; code: number | null; stdout: string }, setting: string, says: RegExp, never?: string) {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.lines.filter((l) => l.trim() !== '');
  const fatal = parsed(lines).filter((l) => l.level === 'fatal');
  expect(fatal, lines.join('\n')).toHaveLength(1);
  expect(fatal[0]!.msg).toContain(setting);
  expect(fatal[0]!.msg).toMatch(says);
  const all = lines.join('\n');
  expect(all).not.toMatch(/\n\s+at |Error:/);
  if (never) expect(all).not.toContain(never);
  return lines;
}

describe('a bad setting stops the server at start: one line naming it, exit 1', () => {
  // a few at a time: each is a Node process loading the server
  for (const [i, { env, says, never }] of BAD.entries()) {
    const [setting] = Object.keys(env);
    it.concurrent(`${setting}=${JSON.stringify(env[setting!])}`, { timeout: 60_000 }, async () => {
      await new Promise((r) => setTimeout(r, (i % 4) * 10)); // not all at the same instant
      const run = await runServer({ NODE_ENV: 'test', ...env });
      const lines = expectRefused(run, setting!, says, never);
      expect(lines).toHaveLength(1);
    });
  }
});

describe('Slack credentials at start', () => {
  const api = new FakeSlackApi();
  beforeAll(() => api.start());
  afterAll(() => api.stop());

  it('a token auth.test refuses (invalid_auth) is a bad setting: one line naming SLACK_BOT_TOKEN, exit 1', { timeout: 60_000 }, async () => {
    api.fail('auth.test', 'invalid_auth');
    const dir = mkdtempSync(join(tmpdir(), 'npr-cfg-'));
    const run = await runServer({ NODE_ENV: 'test', PORT: '0', SLACK_BOT_TOKEN: 'xoxb-revoked', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: api.url, DATABASE_URL: join(dir, 'bot.sqlite') });
    expectRefused(run, 'SLACK_BOT_TOKEN', /invalid_auth/, 'xoxb-revoked');
    // the other lines are the start-up's own (info), nothing else at error level
    expect(parsed(run.lines).filter((l) => l.level === 'error')).toEqual([]);
  });
});
