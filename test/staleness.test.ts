import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bot, loadBotData, PROJECT_ROOT } from '../src/core/bot.js';
import { staleEntries } from '../src/core/knowledge/staleness.js';
import { startTestServer } from './helpers/server.js';

/** A copy of knowledge/ whose price entry was last checked on 1 January 2025. */
function knowledgeCheckedLongAgo(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'npr-stale-')), 'knowledge');
  cpSync(join(PROJECT_ROOT, 'knowledge'), dir, { recursive: true });
  const price = join(dir, 'price.md');
  writeFileSync(price, readFileSync(price, 'utf8').replace(/^checked: .*$/m, 'checked: 2025-01-01'));
  return dir;
}

describe('knowledge not checked for a long time', { timeout: 60_000 }, () => {
  const dir = knowledgeCheckedLongAgo();
  const data = loadBotData(PROJECT_ROOT, dir);

  it('is found by the age of its checked date; the bot\'s own words never go stale', () => {
    const stale = staleEntries(data.kb, new Date('2026-11-26T10:00:00Z'), 180);
    expect(stale).toEqual([{ file: expect.stringMatching(/price\.md$/), checked: '2025-01-01', ageDays: 694 }]);
    expect(staleEntries(data.kb, new Date('2026-11-26T10:00:00Z'), 700)).toEqual([]);
    expect(staleEntries(loadBotData().kb, new Date('2030-01-01T00:00:00Z'), 180).some((s) => s.file.includes('/bot/'))).toBe(false);
  });

  it('makes npm run validate warn, and still pass', () => {
    const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', KNOWLEDGE_DIR: dir, KNOWLEDGE_MAX_AGE_DAYS: '90', NPR_CACHE_DIR: 'off' };
    const result = spawnSync('npx', ['tsx', 'src/tools/validate.ts'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/warning: .*price\.md: facts last checked 2025-01-01, \d+ days ago \(more than 90\)/);
  });

  it('is listed by npm run report', () => {
    const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', KNOWLEDGE_DIR: dir, DATABASE_URL: join(dir, '..', 'report.sqlite'), NPR_CACHE_DIR: 'off' };
    const result = spawnSync('npx', ['tsx', 'src/tools/report.ts', '--json'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).staleKnowledge).toEqual([expect.objectContaining({ checked: '2025-01-01' })]);
  });

  it('is logged by the server at start', async () => {
    const server = await startTestServer({ KNOWLEDGE_MAX_AGE_DAYS: '180' }, { bot: new Bot({ data }) });
    try {
      expect(server.logs.join('\n')).toMatch(/"level":"warn".*price\.md: facts last checked 2025-01-01/);
    } finally {
      await server.close();
    }
  });
});
