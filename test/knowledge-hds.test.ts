import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bot, loadBotData, PROJECT_ROOT } from '../src/core/bot.js';
import { ask } from './helpers/bot.js';

/** Today's terms (a base fee by sources, started hours, working days), as data only. */
const HDS = join(PROJECT_ROOT, 'test', 'fixtures', 'knowledge-hds');
const data = loadBotData(PROJECT_ROOT, HDS);
// before the deadlines below have passed, so that they are answered as dates, not as complaints
const bot = new Bot({ data, now: () => new Date('2026-03-20T12:00:00Z') });

describe('a knowledge folder for today\'s terms (test/fixtures/knowledge-hds)', () => {
  it('prices one data source with a base fee: 1 500 + 5 × 1 155 = 7 275 kr excl. VAT, 9 093,75 incl.', async () => {
    const r = await ask(bot, 'Hva koster en søknad om én datakilde med 5 timer saksbehandling?');
    expect(r).toMatchObject({ intent: 'pricing', rule: 'pricing.estimate' });
    expect(r.text).toContain('1 500 kr + 5 × 1 155 kr = 7 275 kr eks. mva.');
    expect(r.text).toContain('9 093,75 kr');
    expect(r.figures.map((f) => f.display)).toEqual(['5', '7 275 kr', '9 093,75 kr']);
  });

  it('counts 2,5 hours as 3 started hours', async () => {
    const r = await ask(bot, 'What does 2.5 hours cost for one data source?');
    expect(r.text).toContain('2.5 hours count as 3 started hours');
    expect(r.text).toContain('NOK 1,500 + 3 × NOK 1,155 = NOK 4,965');
  });

  it('gives both prices when the question does not say how many sources', async () => {
    const r = await ask(bot, 'hva koster 5 timer?');
    expect(r.text).toContain('7 275 kr');
    expect(r.text).toContain('3 000 kr + 5 × 1 155 kr = 8 775 kr');
    expect(r.figures.map((f) => f.name)).toEqual(['billedHours', 'exclOne', 'inclOne', 'exclSeveral', 'inclSeveral']);
  });

  it('reads linked data as several sources', async () => {
    const r = await ask(bot, 'We will link NPR with the Cancer Registry. What do 4 hours cost?');
    expect(r.text).toContain('NOK 3,000 + 4 × NOK 1,155 = NOK 7,620');
    expect(r.text).not.toContain('NOK 1,500 +');
  });

  it('names the free cases', async () => {
    const r = await ask(bot, 'Koster det noe å klage på et vedtak om data fra NPR?');
    expect(r).toMatchObject({ intent: 'pricing', rule: 'pricing.free' });
    expect(r.text).toContain('klager gratis');
  });

  it('counts working days, Easter, 1 May and Ascension Day off: one source due Wednesday 20 May 2026', async () => {
    const r = await ask(bot, 'Statistikk fra én datakilde: søknaden ble komplett 1. april 2026. Når er fristen?');
    expect(r).toMatchObject({ intent: 'deadlines', rule: 'deadlines.date' });
    expect(r.text).toContain('onsdag 20. mai 2026');
    expect(r.text).toContain('30 virkedagers frist');
  });

  it('several sources, same date: Thursday 2 July 2026', async () => {
    const r = await ask(bot, 'Statistics compiled from several sources, application complete on 1 April 2026: when is it due?');
    expect(r.text).toContain('Thursday, 2 July 2026');
  });

  it('gives both dates when the question does not say', async () => {
    const r = await ask(bot, 'Søknaden var komplett 1. april 2026. Når kommer statistikken?');
    expect(r.text).toContain('onsdag 20. mai 2026');
    expect(r.text).toContain('torsdag 2. juli 2026');
    expect(r.figures.map((f) => f.name)).toEqual(['dueOneSource', 'dueSeveralSources']);
  });

  it('cites its own sources with the day they were checked', async () => {
    const r = await ask(bot, 'hva koster 5 timer?');
    expect(r.sources).toEqual([{ title: 'Helsedataservice: pris for søknad om data – helsedata.no', url: 'https://helsedata.no/', checked: '2026-11-25' }]);
  });

  it('is what KNOWLEDGE_DIR points the commands at, and npm run validate passes on it', () => {
    const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', KNOWLEDGE_DIR: HDS, NPR_CACHE_DIR: 'off' };
    const validate = spawnSync('npx', ['tsx', 'src/tools/validate.ts'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    expect(validate.stderr).not.toContain('problem');
    expect(validate.status).toBe(0);
    const answer = spawnSync('npx', ['tsx', 'src/cli/ask.ts', '--json', 'hva koster 5 timer for én datakilde?'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
    expect(JSON.parse(answer.stdout).text).toContain('7 275 kr');
  }, 60_000);
});
