import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBotData, PROJECT_ROOT } from '../src/core/bot.js';
import { DataError } from '../src/core/data-file.js';
import { knowledgeCheck, nothingChanged, type FactResult } from '../src/tools/knowledge-check/check.js';
import { parseFigure, readFact } from '../src/tools/knowledge-check/facts.js';
import { fingerprint, isTextHeading, PageUnreadable, readPage, sectionText, splitHtml, splitText } from '../src/tools/knowledge-check/page.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'page');
/** The documentation page as text, as the knowledge was written from it (the seed). */
const SEED = readFileSync(join(FIXTURES, 'npr-helsedata-no.txt'), 'utf8');
const HTML = join(FIXTURES, 'npr-helsedata-no.html');

/** A copy of knowledge/ in a temporary folder, for the check to read and --accept to write. */
function copyKnowledge(): { root: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'npr-page-'));
  const dir = join(root, 'knowledge');
  cpSync(join(PROJECT_ROOT, 'knowledge'), dir, { recursive: true });
  return { root, dir };
}

/** The seed with `from` replaced by `to` (each must be there), written to a temporary file. */
function alteredPage(root: string, ...edits: [string, string][]): string {
  let text = SEED;
  for (const [from, to] of edits) {
    expect(text, `the seed has "${from}"`).toContain(from);
    text = text.replace(from, to);
  }
  const path = join(root, 'page.txt');
  writeFileSync(path, text);
  return path;
}

async function check(page: string, ctx = copyKnowledge()) {
  return (await knowledgeCheck(page, { dir: ctx.dir, root: ctx.root })).check;
}

const fact = (facts: FactResult[], entry: string, name: string) => facts.find((f) => f.entry === entry && f.fact === name);

describe('the page in sections', () => {
  it('finds the seed\'s headings and none of its sentences', () => {
    const headings = splitText(SEED).map((s) => s.heading);
    expect(headings).toEqual(expect.arrayContaining([
      'Leter du etter dine egne helseopplysninger?', 'Norsk pasientregister (NPR)', 'Innhold i NPR', 'Populasjon og geografi',
      'Datainnsamlingsperiode', 'Formålet med NPR', 'Pris', 'Leveringsfrister', 'Lovhjemmel',
      'Databehandler og databehandlingsansvarlig', 'Søknad ved andre formål enn forskning', 'Kontakt',
    ]));
    for (const sentence of ['Eksklusjoner:', 'NPR har som formål å', 'Fra 1997 til d.d.', 'Har du spørsmål, kontakt helseregistre@helsedir.no',
      'På nettsidene til Helsedirektoratet kan du finne aktuell statistikk om', ' • Opphold gjennom NAV', 'Les mer om type opplysninger som rapporteres til Norsk pasientregister (helsedirektoratet.no)']) {
      expect(isTextHeading(sentence), sentence).toBe(false);
    }
  });

  it('normalises a section\'s text: bullets dropped, whitespace and NBSP collapsed, empty blocks gone', () => {
    expect(sectionText([' • Pris per time\u00a0NOK  1100,- ', '', '\u00a0', '- minimum to timer', '* tre'])).toBe('Pris per time NOK 1100,-\nminimum to timer\ntre');
    expect(fingerprint('Fra 1997 til d.d.')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('reads an HTML rendering of the page to the same sections and fingerprints as its text', () => {
    const text = splitText(SEED);
    const html = splitHtml(readFileSync(HTML, 'utf8'));
    expect(html.map((s) => [s.heading, s.fingerprint])).toEqual(text.map((s) => [s.heading, s.fingerprint]));
    // nav, header, footer and scripts are no part of any section
    expect(html.map((s) => s.text).join('\n')).not.toMatch(/Forvaltere|Personvern|dataLayer/);
  });
});

describe('a fact read in its section', () => {
  it('takes a figure in the forms the page may write it', () => {
    for (const [written, value] of [['1100,-', 1100], ['1 100', 1100], ['1.100', 1100], ['1100 kr', 1100], ['to', 2], ['tre', 3], ['tolv', 12], ['twenty', 20], ['tretti', 30], ['1,5', 1.5]] as const) {
      expect(parseFigure(written), written).toBe(value);
    }
    expect(readFact('Pris per time NOK 1 100 kr eks. mva.', 'Pris per time NOK {} eks. mva.', 1100)).toEqual({ status: 'unchanged', found: 1100 });
    expect(readFact('pris per  time nok 1.250,- EKS. MVA.', 'Pris per time NOK {} eks. mva.', 1100)).toEqual({ status: 'changed', found: 1250 });
    expect(readFact('Fakturerer tid, minimum Tre timer.', 'minimum {} timer', 2)).toEqual({ status: 'changed', found: 3 });
    expect(readFact('Statistikk og anonyme opplysninger – 30 dager', 'Statistikk og anonyme opplysninger - {} dager', 30)).toEqual({ status: 'unchanged', found: 30 });
    // the words are there but no figure stands between them
    expect(readFact('minimum noen timer', 'minimum {} timer', 2)).toEqual({ status: 'changed', found: 'noen' });
    expect(readFact('Pris etter avtale.', 'Pris per time NOK {} eks. mva.', 1100)).toEqual({ status: 'missing', found: null });
  });

  it('takes the words standing at {} for a name', () => {
    expect(readFact('Har du spørsmål, kontakt post@fhi.no.', 'kontakt {}', 'helseregistre@helsedir.no')).toEqual({ status: 'changed', found: 'post@fhi.no' });
    expect(readFact('Registeret flyttes. FHI er både databehandlingsansvarlig og databehandler.', '{} er både databehandlingsansvarlig og databehandler', 'Helsedirektoratet'))
      .toEqual({ status: 'changed', found: 'FHI' });
  });
});

describe('npm run knowledge:check, the library', () => {
  it('finds nothing changed on the page the knowledge was written from', async () => {
    const result = await check(join(FIXTURES, 'npr-helsedata-no.txt'));
    expect(result.sections).toEqual({ changed: [], gone: [], uncited: [] });
    expect(result.facts.length).toBeGreaterThanOrEqual(10);
    expect(result.facts.filter((f) => f.status !== 'unchanged')).toEqual([]);
    expect(fact(result.facts, 'price', 'hourlyRateNok')).toMatchObject({ known: 1100, found: 1100 });
    expect(fact(result.facts, 'legal-basis', 'lawSection')).toMatchObject({ known: 11, found: 11 });
    expect(fact(result.facts, 'contact', 'email')).toMatchObject({ found: 'helseregistre@helsedir.no' });
    expect(nothingChanged(result)).toBe(true);
  });

  it('finds nothing changed in the page saved as HTML', async () => {
    const result = await check(HTML);
    expect(nothingChanged(result)).toBe(true);
  });

  it('sees the rate written as "1250,-"', async () => {
    const ctx = copyKnowledge();
    const result = await check(alteredPage(ctx.root, ['NOK 1100,- eks', 'NOK 1250,- eks']), ctx);
    expect(fact(result.facts, 'price', 'hourlyRateNok')).toMatchObject({ status: 'changed', known: 1100, found: 1250 });
    expect(fact(result.facts, 'price', 'minimumHours')).toMatchObject({ status: 'unchanged' });
    expect(result.sections.changed).toEqual(['Pris']);
  });

  it('sees the minimum written in words', async () => {
    const ctx = copyKnowledge();
    const result = await check(alteredPage(ctx.root, ['minimum to timer', 'minimum tre timer']), ctx);
    expect(fact(result.facts, 'price', 'minimumHours')).toMatchObject({ status: 'changed', known: 2, found: 3 });
  });

  it('sees a changed day count', async () => {
    const ctx = copyKnowledge();
    const result = await check(alteredPage(ctx.root, ['opplysninger - 30 dager', 'opplysninger - 45 dager']), ctx);
    expect(fact(result.facts, 'deadlines', 'anonymousDays')).toMatchObject({ status: 'changed', known: 30, found: 45 });
    expect(fact(result.facts, 'deadlines', 'identifiableDays')).toMatchObject({ status: 'unchanged', found: 60 });
    expect(result.sections.changed).toEqual(['Leveringsfrister']);
  });

  it('sees a new data controller named in prose', async () => {
    const ctx = copyKnowledge();
    const result = await check(alteredPage(ctx.root, ['Helsedirektoratet\u00a0er både databehandlingsansvarlig og databehandler.', 'Folkehelseinstituttet (FHI) er både databehandlingsansvarlig og databehandler.']), ctx);
    expect(fact(result.facts, 'data-controller', 'dataController')).toMatchObject({ status: 'changed', known: 'Helsedirektoratet', found: 'Folkehelseinstituttet (FHI)' });
  });

  it('sees a section gone, and its facts missing', async () => {
    const ctx = copyKnowledge();
    const section = SEED.slice(SEED.indexOf('Leveringsfrister\n'), SEED.indexOf('Kontakt'));
    const result = await check(alteredPage(ctx.root, [section, '']), ctx);
    expect(result.sections.gone).toEqual(['Leveringsfrister']);
    expect(result.facts.filter((f) => f.entry === 'deadlines')).toEqual([
      expect.objectContaining({ fact: 'anonymousDays', status: 'missing', found: null }),
      expect.objectContaining({ fact: 'identifiableDays', status: 'missing', found: null }),
    ]);
  });

  it('sees a section no entry cites', async () => {
    const ctx = copyKnowledge();
    const result = await check(alteredPage(ctx.root, ['Kontakt', 'Utlevering fra 2027\n\nFra 2027 leverer NPR data gjennom en ny tjeneste.\n\nKontakt']), ctx);
    expect(result.sections).toEqual({ changed: [], gone: [], uncited: ['Utlevering fra 2027'] });
  });

  it('sees a cited section whose text changed though no declared fact did', async () => {
    const ctx = copyKnowledge();
    const result = await check(alteredPage(ctx.root, ['Behandlingstiden starter når komplett søknad er mottatt.', 'Behandlingstiden starter når søknaden er godkjent.']), ctx);
    expect(result.facts.every((f) => f.status === 'unchanged')).toBe(true);
    expect(result.sections.changed).toEqual(['Leveringsfrister']);
    expect(nothingChanged(result)).toBe(false);
  });

  it('sees a section accepted as carrying no facts change', async () => {
    const ctx = copyKnowledge();
    const result = await check(alteredPage(ctx.root, ['Vis variabler fra datakilden', 'Vis variabler fra datakilden\n\nVariabeloversikten er flyttet.']), ctx);
    expect(result.sections.changed).toEqual(['Vis variabler fra datakilden']);
  });

  it('gives up on a page that does not answer in time', async () => {
    const server = createServer(() => {}); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await expect(readPage(url, { timeoutMs: 200 })).rejects.toThrow(PageUnreadable);
    server.closeAllConnections();
    server.close();
  });

  it('records the page with --accept once the facts agree, then finds nothing changed', async () => {
    const ctx = copyKnowledge();
    const page = alteredPage(ctx.root, ['NOK 1100,- eks', 'NOK 1250,- eks'], ['Kontakt', 'Utlevering fra 2027\n\nNy tjeneste.\n\nKontakt']);
    const now = () => new Date('2027-01-15T12:00:00Z');
    const priceFile = join(ctx.dir, 'price.md');
    const before = readFileSync(priceFile, 'utf8');

    // before the maintainer updates the rate, price is not accepted and its file stays as it was
    const early = await knowledgeCheck(page, { dir: ctx.dir, root: ctx.root, accept: true, now });
    expect(early.acceptance!.notAccepted).toEqual([{ entry: 'price', why: [expect.stringContaining('1250')] }]);
    expect(readFileSync(priceFile, 'utf8')).toBe(before);

    writeFileSync(priceFile, before.replace('hourlyRateNok: 1100', 'hourlyRateNok: 1250'));
    const deadlines = readFileSync(join(ctx.dir, 'deadlines.md'), 'utf8');
    const { acceptance } = await knowledgeCheck(page, { dir: ctx.dir, root: ctx.root, accept: true, now });
    expect(acceptance).toMatchObject({ recorded: ['price'], dated: ['price'], notAccepted: [], uncited: expect.arrayContaining(['Utlevering fra 2027']) });

    const after = readFileSync(priceFile, 'utf8');
    const newFingerprint = splitText(readFileSync(page, 'utf8')).find((s) => s.heading === 'Pris')!.fingerprint;
    expect(after).toContain(`    fingerprint: ${newFingerprint}\n`);
    expect(after).toContain('\nchecked: 2027-01-15\n');
    // only the fingerprint and checked lines changed
    const changedLines = after.split('\n').filter((line, i) => line !== before.replace('hourlyRateNok: 1100', 'hourlyRateNok: 1250').split('\n')[i]);
    expect(changedLines).toEqual([`checked: 2027-01-15`, `    fingerprint: ${newFingerprint}`]);
    // an entry whose sections did not change keeps its file and comments, and is checked today too
    expect(readFileSync(join(ctx.dir, 'deadlines.md'), 'utf8')).toBe(deadlines.replace(/\nchecked: .*\n/, '\nchecked: 2027-01-15\n'));
    expect(readFileSync(join(ctx.dir, 'page.yaml'), 'utf8')).toMatch(/^# The documentation page[\s\S]*heading: Utlevering fra 2027/);

    const again = await knowledgeCheck(page, { dir: ctx.dir, root: ctx.root });
    expect(nothingChanged(again.check)).toBe(true);
  });

  it('records the first fingerprint of a section just declared without dating the entry', async () => {
    const ctx = copyKnowledge();
    const file = join(ctx.dir, 'legal-basis.md');
    const declared = readFileSync(file, 'utf8');
    writeFileSync(file, declared.replace(/\n    fingerprint: [0-9a-f]{16}/, ''));
    const now = () => new Date('2027-01-15T12:00:00Z');
    const { acceptance } = await knowledgeCheck(join(FIXTURES, 'npr-helsedata-no.txt'), { dir: ctx.dir, root: ctx.root, accept: true, now });
    expect(acceptance!.recorded).toContain('legal-basis');
    expect(acceptance!.dated).not.toContain('legal-basis');
    expect(readFileSync(file, 'utf8')).toBe(declared);
  });
});

describe('declared page facts are validated', () => {
  it('names file and line for a page fact that is not a fact, or a pattern without one {}', () => {
    const root = mkdtempSync(join(tmpdir(), 'npr-page-data-'));
    cpSync(join(PROJECT_ROOT, 'knowledge'), join(root, 'knowledge'), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'intents'), join(root, 'intents'), { recursive: true });
    const file = join(root, 'knowledge', 'price.md');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('hourlyRateNok: "Pris per time NOK {} eks. mva."', 'hourlyRate: "Pris per time NOK {} eks. mva."').replace('minimumHours: "minimum {} timer"', 'minimumHours: "minimum timer"'));
    const lineOf = (needle: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    let problems: string[] = [];
    try {
      loadBotData(root);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      problems = e.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    }
    expect(problems).toEqual([
      `knowledge/price.md:${lineOf('hourlyRate:')}: page "Pris" declares fact "hourlyRate", which is not in facts`,
      `knowledge/price.md:${lineOf('"minimum timer"')}: page "Pris", fact "minimumHours": the pattern has 0 "{}"; it needs exactly one, where the figure or name stands`,
    ]);
  });
});

/** The command as a maintainer runs it, on a copy of the knowledge. */
async function cli(args: string[], dir: string) {
  const run = promisify(execFile);
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/tools/knowledge-check.ts', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, KNOWLEDGE_DIR: dir }, timeout: 60_000 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// each run starts tsx: seconds, not milliseconds
describe('npm run knowledge:check, the command', { timeout: 60_000 }, () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/npr') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(readFileSync(HTML));
      } else {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('exits 0 and says so when nothing changed, 1 when something did', async () => {
    const ctx = copyKnowledge();
    const same = await cli([join(FIXTURES, 'npr-helsedata-no.txt')], ctx.dir);
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/Nothing changed/);
    const changed = await cli([alteredPage(ctx.root, ['NOK 1100,- eks', 'NOK 1250,- eks'])], ctx.dir);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('price.hourlyRateNok: 1100 → 1250');
    expect(changed.stdout).toContain('Pris (price)');
  });

  it('prints the JSON report', async () => {
    const ctx = copyKnowledge();
    const { status, stdout } = await cli([alteredPage(ctx.root, ['minimum to timer', 'minimum tre timer']), '--json'], ctx.dir);
    expect(status).toBe(1);
    const json = JSON.parse(stdout) as { page: string; facts: Record<string, unknown>[]; sections: Record<string, string[]> };
    expect(Object.keys(json)).toEqual(['page', 'facts', 'sections']);
    expect(json.page).toBe(join(ctx.root, 'page.txt'));
    for (const f of json.facts) expect(Object.keys(f)).toEqual(['entry', 'fact', 'status', 'known', 'found']);
    expect(json.facts).toContainEqual({ entry: 'price', fact: 'minimumHours', status: 'changed', known: 2, found: 3 });
    expect(json.facts).toContainEqual({ entry: 'price', fact: 'hourlyRateNok', status: 'unchanged', known: 1100, found: 1100 });
    expect(json.sections).toEqual({ changed: ['Pris'], gone: [], uncited: [] });
  });

  it('reads the page from its URL, and exits 2 when it cannot be read', async () => {
    const ctx = copyKnowledge();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const [live, notFound, unreachable, missing] = await Promise.all([
      cli([`${base}/npr`], ctx.dir),
      cli([`${base}/gone`], ctx.dir),
      cli([`http://127.0.0.1:${port}/npr`], ctx.dir),
      cli([join(ctx.root, 'no-such-page.html')], ctx.dir),
    ]);
    expect(live.status, live.stderr).toBe(0);
    expect(notFound.status).toBe(2);
    expect(notFound.stderr.trim()).toMatch(/^cannot read http:\/\/127\.0\.0\.1:\d+\/gone: HTTP 404/);
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr.trim().split('\n')).toEqual([expect.stringMatching(/ECONNREFUSED; is there a network/)]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe(`cannot read ${join(ctx.root, 'no-such-page.html')}: no such file`);
  });

  it('prints its usage with --help', async () => {
    const { status, stdout } = await cli(['--help'], copyKnowledge().dir);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^npm run knowledge:check -- \[PAGE\] \[--json\] \[--accept\]/);
  });

  it('accepts the page after the facts are updated, and then exits 0', async () => {
    const ctx = copyKnowledge();
    const page = alteredPage(ctx.root, ['opplysninger - 30 dager', 'opplysninger - 45 dager']);
    const file = join(ctx.dir, 'deadlines.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('anonymousDays: 30', 'anonymousDays: 45'));
    const accepted = await cli([page, '--accept'], ctx.dir);
    expect(accepted.status, accepted.stdout).toBe(0);
    expect(accepted.stdout).toMatch(/checked: set to today for .*\bdeadlines\b/);
    expect(readFileSync(file, 'utf8')).toMatch(/\nchecked: \d{4}-\d{2}-\d{2}\n/);
    const after = await cli([page], ctx.dir);
    expect(after.status, after.stdout).toBe(0);
  });
});
