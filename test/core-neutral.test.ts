import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/core/bot.js';

const PLATFORM_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](@slack\/[^'"]*|botbuilder[^'"]*|@microsoft\/agents[^'"]*)['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.[cm]?[jt]s$/.test(d.name))
    .map((d) => join(d.parentPath, d.name));
}

describe('the core stays channel-neutral', () => {
  it('imports no Slack or Teams package outside src/channels/', () => {
    const offenders = sourceFiles(join(PROJECT_ROOT, 'src'))
      .map((f) => relative(PROJECT_ROOT, f))
      .filter((f) => !f.startsWith('src/channels/'))
      .filter((f) => PLATFORM_IMPORT.test(readFileSync(join(PROJECT_ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the core imports nothing from the channels', () => {
    const offenders = sourceFiles(join(PROJECT_ROOT, 'src', 'core')).filter((f) => /from\s+['"][./]*channels\//.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the check itself recognises a platform import', () => {
    expect(PLATFORM_IMPORT.test("import { App } from '@slack/bolt';")).toBe(true);
    expect(PLATFORM_IMPORT.test("import { CloudAdapter } from 'botbuilder';")).toBe(true);
    expect(PLATFORM_IMPORT.test("import { z } from 'zod';")).toBe(false);
  });
});
