import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBotData, PROJECT_ROOT } from '../src/core/bot.js';
import { DataError } from '../src/core/data-file.js';
import { parseEntry } from '../src/core/knowledge/load.js';

/** A copy of the project's data to break on purpose. */
function copyData(): string {
  const root = mkdtempSync(join(tmpdir(), 'npr-data-'));
  cpSync(join(PROJECT_ROOT, 'knowledge'), join(root, 'knowledge'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'intents'), join(root, 'intents'), { recursive: true });
  return root;
}

function problemsOf(root: string): string[] {
  try {
    loadBotData(root);
    return [];
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return e.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  }
}

describe('knowledge and intents validation', () => {
  it('passes on the project data, as npm run validate does', () => {
    const data = loadBotData();
    expect(data.kb.entries.size).toBeGreaterThanOrEqual(19);
    expect(data.intents.map((i) => i.intent)).toEqual(expect.arrayContaining(['pricing', 'deadlines', 'fallback', 'handoff']));
  });

  it('puts every number a rule uses in typed front matter', () => {
    const { kb } = loadBotData();
    expect(kb.entries.get('price')!.facts).toMatchObject({ hourlyRateNok: 1100, minimumHours: 2, vatPercent: 25 });
    expect(kb.entries.get('deadlines')!.facts).toMatchObject({ anonymousDays: 30, identifiableDays: 60 });
  });

  it('names file and line for a malformed front matter value', () => {
    const { problems } = parseEntry('knowledge/x.md', '---\nid: x\ntitles:\n  nb: X\n  en: X\nsources: []\nchecked: yesterday\nfacts: {}\n---\n## nb\nA\n## en\nB\n');
    expect(problems).toEqual([expect.objectContaining({ file: 'knowledge/x.md', line: 7 })]);
  });

  it('names file and line for a price that is not a number', () => {
    const root = copyData();
    const file = join(root, 'knowledge', 'price.md');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('hourlyRateNok: 1100', 'hourlyRateNok: "1100 kr"'));
    expect(problemsOf(root)).toEqual([expect.stringMatching(/^knowledge\/price\.md:\d+: facts\.hourlyRateNok/)]);
  });

  it('names file and line for a first year of data that is not a year', () => {
    const root = copyData();
    const file = join(root, 'knowledge', 'data-period.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('startYear: "1997"', 'startYear: "from 1997"'));
    expect(problemsOf(root)).toEqual([expect.stringMatching(/^knowledge\/data-period\.md:\d+: facts\.startYear/)]);
  });

  it('finds cross-reference problems: unknown entry, unknown placeholder, an example under two intents', () => {
    const root = copyData();
    const edit = (file: string, from: string, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
    edit(join(root, 'intents', 'thanks.yaml'), 'knowledge: thanks', 'knowledge: no-such-entry');
    edit(join(root, 'knowledge', 'contact.md'), 'på {email}', 'på {mail}');
    edit(join(root, 'intents', 'greeting.yaml'), 'examples:\n  nb:\n', 'examples:\n  nb:\n    - Hva koster en datautlevering fra Norsk pasientregister?\n');
    const problems = problemsOf(root).join('\n');
    expect(problems).toMatch(/intents\/thanks\.yaml:\d+: answer\.knowledge "no-such-entry"/);
    expect(problems).toMatch(/knowledge\/contact\.md:\d+: \{mail\}/);
    expect(problems).toMatch(/knowledge\/bot\/thanks\.md:2: entry "thanks" is not reachable/);
    expect(problems).toMatch(/intents\/(greeting|pricing)\.yaml:\d+: "Hva koster en datautlevering fra Norsk pasientregister\?" is also under intent/);
  });

  it('reports a route whose fact is missing', () => {
    const root = copyData();
    const file = join(root, 'knowledge', 'applying.md');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('formsUrl', 'siteUrl'));
    expect(problemsOf(root)).toEqual([expect.stringMatching(/applying\.md:2: fact "formsUrl" of entry "applying" is missing; intent "apply_research"/)]);
  });

  it('rejects a new entry no intent answers from', () => {
    const root = copyData();
    mkdirSync(join(root, 'knowledge', 'extra'), { recursive: true });
    writeFileSync(
      join(root, 'knowledge', 'extra', 'orphan.md'),
      '---\nid: orphan\ntitles:\n  nb: O\n  en: O\nsources: []\nchecked: 2026-11-25\nfacts: {}\n---\n## nb\nA\n\n## en\nB\n',
    );
    expect(problemsOf(root)).toEqual([expect.stringMatching(/orphan\.md:2: entry "orphan" is not reachable/)]);
  });
});
