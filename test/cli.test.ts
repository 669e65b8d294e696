import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/core/bot.js';
import { identityNumbers } from './helpers/identity-numbers.js';

/** Runs an npm script the way the README and the issue say, with `input` on stdin. */
function run(script: 'ask' | 'chat', input: Buffer | string) {
  const result = spawnSync('npm', ['run', '--silent', script, '--', '--json'], {
    cwd: PROJECT_ROOT,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { ...result, lines: result.stdout.split('\n').filter((l) => l !== '') };
}

const CONTRACT_KEYS = ['question', 'lang', 'intent', 'confidence', 'text', 'sources', 'handoff', 'route', 'rule'];

describe('npm run ask -- --json', { timeout: 60_000 }, () => {
  it('answers each line separately with exactly one JSON line, in order, even for junk', () => {
    const fnr = identityNumbers('150585', 1)[0]!;
    const input = Buffer.concat([
      Buffer.from('Hva koster 5 timer?\n'),
      Buffer.from('\n'),
      Buffer.from('🙂🙂🙂\n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0xc3, 0x28, 0x0a]),
      Buffer.from(`${'hvor lang tid tar det '.repeat(460)}\n`),
      Buffer.from(`mitt fnr er ${fnr}, hvordan ser jeg mine data?\n`),
      Buffer.from('og for 8 timer?\n'),
    ]);
    const { lines, status, stdout, stderr } = run('ask', input);
    expect(status, stderr).toBe(0);
    expect(lines).toHaveLength(7);
    const replies = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const r of replies) expect(Object.keys(r)).toEqual(CONTRACT_KEYS);
    expect(replies[0]).toMatchObject({ intent: 'pricing', rule: 'pricing.estimate' });
    expect(replies[0]!.text).toContain('6 875');
    // the answer's facts are dated; a fallback cites nothing
    expect(replies[0]!.sources).toEqual([expect.objectContaining({ checked: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })]);
    expect(replies[1]!.sources).toEqual([]);
    expect(replies[1]).toMatchObject({ intent: 'fallback', question: '' });
    expect(replies[2]).toMatchObject({ intent: 'fallback' });
    expect(replies[3]).toMatchObject({ intent: 'fallback' });
    expect(replies[4]).toMatchObject({ intent: 'deadlines' });
    expect(replies[4]!.text).toMatch(/bare de første 2 000 tegnene/);
    expect(replies[5]).toMatchObject({ intent: 'own_data' });
    // separate questions: "og for 8 timer?" is not a follow-up here, and the number never leaves
    expect(replies[6]!.rule).toBe('pricing.estimate');
    expect(stdout + stderr).not.toContain(fnr);
  });
});

describe('npm run ask (for a person)', { timeout: 60_000 }, () => {
  it('lists each source with the day it was checked', () => {
    const result = spawnSync('npm', ['run', '--silent', 'ask', '--', 'what does it cost?'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout).toMatch(/Sources:\n {2}- .+, checked \d{1,2} \w{3} \d{4}\n {4}https:\/\//);
  });
});

describe('npm run chat -- --json', { timeout: 60_000 }, () => {
  it('treats the lines as one conversation, one JSON line per turn', () => {
    const { lines, status, stderr } = run('chat', 'Hvor lang tid tar det?\npersonidentifiserbare\nkomplett søknad mottatt 3. mars 2027\n');
    expect(status, stderr).toBe(0);
    const replies = lines.map((l) => JSON.parse(l) as { intent: string; text: string });
    expect(replies.map((r) => r.intent)).toEqual(['deadlines', 'deadlines', 'deadlines']);
    expect(replies[1]!.text).toContain('60 dager');
    expect(replies[2]!.text).toContain('2. mai 2027');
  });

  it('does not promise a support case it cannot open in the terminal', () => {
    const { lines, status } = run('chat', 'Jeg vil snakke med en person\nja\n');
    expect(status).toBe(0);
    const [, yes] = lines.map((l) => JSON.parse(l) as { text: string; handoff: boolean });
    expect(yes!.text).toContain('Herfra kan jeg ikke opprette en sak');
    expect(yes!.handoff).toBe(false);
  });
});
