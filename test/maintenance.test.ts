import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/core/bot.js';
import { openDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrations.js';
import { LearningLog } from '../src/store/learning.js';
import { systemClock } from '../src/core/clock.js';

const run = (script: string, args: string[], env: Record<string, string>) =>
  spawnSync('npm', ['run', '--silent', script, '--', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

describe('npm run purge and npm run report', () => {
  // four commands, each a fresh process that compiles on the fly
  it('purge says what it removed; report prints the learning loop, and --json for machines', { timeout: 60_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'npr-maint-')), 'bot.sqlite');
    const db = openDb(file);
    await migrate(db);
    await new LearningLog(db, systemClock).unanswered('c1', 'hva blir været i morgen', 'nb', 'fallback', 0.1);
    await new LearningLog(db, systemClock).unanswered('c2', 'hva blir været i Bergen i morgen', 'nb', 'fallback', 0.1);
    await db.run("INSERT INTO conversations (id, state, updated_at) VALUES ('gammel', '{}', '2020-01-01T00:00:00.000Z')");
    await db.close();

    const purge = run('purge', [], { DATABASE_URL: file, RETENTION_DAYS: '90' });
    expect(purge.status, purge.stderr).toBe(0);
    expect(purge.stdout).toMatch(/Removed .* 1 conversations, 0 cases/);

    const text = run('report', ['--days', '7'], { DATABASE_URL: file });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('2 × hva blir været i morgen');
    const json = run('report', ['--json'], { DATABASE_URL: file });
    expect(JSON.parse(json.stdout)).toMatchObject({ days: 30, unanswered: [{ count: 2 }], cases: { total: 0 } });

    expect(run('report', ['--days', 'x'], { DATABASE_URL: file }).status).toBe(2);
  });
});
