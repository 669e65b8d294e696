/**
 * The knowledge compared with the documentation page at the level of facts: every fact an entry
 * declares under `page:` is read again in its section, every cited section's text is compared by
 * fingerprint, and sections nobody cites are named unless `knowledge/page.yaml` accepts them as
 * carrying no facts. `--accept` records the page as it now stands once the facts agree with it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { DataError, lazySchema, YamlSource, type DataProblem } from '../../core/data-file.js';
import type { KnowledgeBase, KnowledgeEntry } from '../../core/knowledge/entry.js';
import { loadKnowledge } from '../../core/knowledge/load.js';
import { pageFactProblems } from '../../core/knowledge/page-facts.js';
import { knowledgeSchemas } from '../../core/knowledge/schema.js';
import { readFact, type FactStatus } from './facts.js';
import { headingKey, readPage, type Page, type PageSection } from './page.js';

export const PAGE_FILE = 'page.yaml';

/** `knowledge/page.yaml`: the page's address, and its sections accepted as carrying no facts. */
export const pageFileSchema = lazySchema((z) => {
  const text = z.string().trim().min(1);
  return z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    uncited: z.array(z.strictObject({ heading: text, fingerprint: knowledgeSchemas().fingerprint })).default([]),
  });
});
export type PageFile = z.infer<ReturnType<typeof pageFileSchema>>;

/** Reads `page.yaml` in the knowledge folder; undefined when there is none. */
export function loadPageFile(dir: string, root = process.cwd()): PageFile | undefined {
  const path = join(dir, PAGE_FILE);
  if (!existsSync(path)) return undefined;
  const { value, problems } = new YamlSource(relative(root, path), readFileSync(path, 'utf8')).parse(pageFileSchema());
  if (!value) throw new DataError(problems);
  return value;
}

export interface FactResult {
  entry: string;
  fact: string;
  heading: string;
  pattern: string;
  status: FactStatus;
  known: number | string;
  found: number | string | null;
}

export interface PageCheck {
  page: string;
  facts: FactResult[];
  sections: { changed: string[]; gone: string[]; uncited: string[] };
  /** Headings of cited sections whose entries have no fingerprint for them yet. */
  unrecorded: string[];
  /** The entries citing each section, by heading as the page or the entry writes it. */
  citedBy: Map<string, string[]>;
  /** Sections listed in page.yaml as carrying no facts, still on the page. */
  listed: number;
  sectionCount: number;
}

export function nothingChanged(check: PageCheck): boolean {
  const { changed, gone, uncited } = check.sections;
  return check.facts.every((f) => f.status === 'unchanged') && changed.length + gone.length + uncited.length === 0;
}

/** Compares the knowledge with the page; reads nothing and writes nothing. */
export function checkKnowledge(page: Page, kb: KnowledgeBase, pageFile?: PageFile): PageCheck {
  const onPage = new Map(page.sections.map((s) => [headingKey(s.heading), s]));
  const facts: FactResult[] = [];
  const citing = new Map<string, { heading: string; entries: string[] }>();
  const changed = new Set<string>();
  const unrecorded = new Set<string>();
  for (const e of kb.entries.values()) {
    for (const declared of e.page ?? []) {
      const key = headingKey(declared.heading);
      const section = onPage.get(key);
      const cited = citing.get(key) ?? { heading: section?.heading ?? declared.heading, entries: [] };
      if (!cited.entries.includes(e.id)) cited.entries.push(e.id);
      citing.set(key, cited);
      if (section && declared.fingerprint !== section.fingerprint) changed.add(key);
      if (section && !declared.fingerprint) unrecorded.add(key);
      for (const [fact, pattern] of Object.entries(declared.facts ?? {})) {
        const known = e.facts[fact];
        if (known === undefined) continue; // not a fact of the entry: validation names it
        const reading = section ? readFact(section.text, pattern, known) : { status: 'missing' as const, found: null };
        facts.push({ entry: e.id, fact, heading: declared.heading, pattern, known, ...reading });
      }
    }
  }
  const gone = [...citing].filter(([key]) => !onPage.has(key)).map(([, c]) => c.heading);
  let listed = 0;
  const accepted = new Set<string>();
  for (const s of pageFile?.uncited ?? []) {
    const key = headingKey(s.heading);
    if (citing.has(key)) continue; // cited since: the next --accept drops it from the list
    accepted.add(key);
    const section = onPage.get(key);
    if (!section) gone.push(s.heading);
    else {
      listed++;
      if (section.fingerprint !== s.fingerprint) changed.add(key);
    }
  }
  const headingsOf = (keys: Set<string>) => page.sections.filter((s) => keys.has(headingKey(s.heading))).map((s) => s.heading);
  return {
    page: page.source,
    facts,
    sections: {
      changed: headingsOf(changed),
      gone,
      uncited: page.sections.filter((s) => !citing.has(headingKey(s.heading)) && !accepted.has(headingKey(s.heading))).map((s) => s.heading),
    },
    unrecorded: headingsOf(unrecorded),
    citedBy: new Map([...citing.values()].map((c) => [c.heading, c.entries])),
    listed,
    sectionCount: page.sections.length,
  };
}

export interface Acceptance {
  /** Entries whose fingerprints were written. */
  recorded: string[];
  /** Entries whose `checked:` became today: their facts agree with the page as it is today. */
  dated: string[];
  notAccepted: { entry: string; why: string[] }[];
  /** The sections page.yaml now lists as carrying no facts. */
  uncited: string[];
  pageFileWritten: boolean;
}

/** The day in Norway, where the registry and its maintainers are: YYYY-MM-DD. */
export function dayOf(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

type LineEdit = { line: number; insert: boolean; text: string };

/** Applies line edits to a file, keeping every other line, comment and line ending as it was. */
function editLines(path: string, edits: LineEdit[]): void {
  const content = readFileSync(path, 'utf8');
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const lines = content.split(/\r?\n/);
  for (const edit of [...edits].sort((a, b) => b.line - a.line)) lines.splice(edit.insert ? edit.line : edit.line - 1, edit.insert ? 0 : 1, edit.text);
  writeFileSync(path, lines.join(eol));
}

/** Line `line` (1-based) with the value `pattern` finds replaced, or an error naming file and line. */
function replaced(lines: readonly string[], file: string, line: number, what: string, pattern: RegExp, value: string): LineEdit {
  const current = lines[line - 1] ?? '';
  if (!pattern.test(current)) throw new DataError([{ file, line, message: `expected "${what}:" here, to update it` }]);
  return { line, insert: false, text: current.replace(pattern, (_, key: string) => `${key}${value}`) };
}

/** The edits that record an entry's fingerprints as the page now has them, and today's date if due. */
function recordEntry(e: KnowledgeEntry, path: string, onPage: Map<string, PageSection>, today: string): { edits: LineEdit[]; recorded: boolean; dated: boolean } {
  const edits: LineEdit[] = [];
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  e.page!.forEach((declared, i) => {
    const now = onPage.get(headingKey(declared.heading))!.fingerprint;
    if (declared.fingerprint === now) return;
    if (declared.fingerprint) {
      edits.push(replaced(lines, e.file, e.lines.get(`page.${i}.fingerprint`)!, 'fingerprint', /(fingerprint:\s*["']?)[0-9a-f]{16}/, now));
      return;
    }
    // first fingerprint of a section just declared: it records the page, the facts' date stays
    const line = e.lines.get(`page.${i}.heading`)!;
    const heading = /^(\s*)(-\s+)?heading:/.exec(lines[line - 1] ?? '');
    if (!heading) throw new DataError([{ file: e.file, line, message: 'expected "heading:" here, to add the fingerprint after it' }]);
    edits.push({ line, insert: true, text: `${heading[1]}${' '.repeat(heading[2]?.length ?? 0)}fingerprint: ${now}` });
  });
  // the facts were read against today's page and agree with it: the entry is checked today (but a
  // first fingerprint only records the page the entry was written from, and keeps its date)
  const recorded = edits.length > 0;
  const dated = e.page!.every((d) => d.fingerprint) && e.checked !== today;
  if (dated) edits.push(replaced(lines, e.file, e.lines.get('checked')!, 'checked', /(checked:\s*["']?)\d{4}-\d{2}-\d{2}/, today));
  return { edits, recorded, dated };
}

/**
 * Records the page as it now stands, after a maintainer has brought the facts up to date: for each
 * entry whose declared facts all read as it has them, its sections' fingerprints and today as its
 * `checked:`; and page.yaml's list of sections no entry cites.
 * Front matter is edited line by line so that comments and layout stay.
 */
export function acceptPage(page: Page, kb: KnowledgeBase, check: PageCheck, { dir, root = process.cwd(), now }: { dir: string; root?: string; now: Date }): Acceptance {
  const onPage = new Map(page.sections.map((s) => [headingKey(s.heading), s]));
  const today = dayOf(now);
  const result: Acceptance = { recorded: [], dated: [], notAccepted: [], uncited: [], pageFileWritten: false };
  for (const e of kb.entries.values()) {
    if (!e.page) continue;
    const why = [
      ...check.facts.filter((f) => f.entry === e.id && f.status !== 'unchanged').map((f) => (f.status === 'changed' ? `${f.fact}: the page says ${f.found}, the entry ${f.known}` : `${f.fact}: not found in "${f.heading}"`)),
      ...e.page.filter((d) => !onPage.has(headingKey(d.heading))).map((d) => `section "${d.heading}" is gone`),
    ];
    if (why.length > 0) {
      result.notAccepted.push({ entry: e.id, why });
      continue;
    }
    const path = resolve(root, e.file);
    const { edits, recorded, dated } = recordEntry(e, path, onPage, today);
    if (edits.length === 0) continue;
    editLines(path, edits);
    if (recorded) result.recorded.push(e.id);
    if (dated) result.dated.push(e.id);
  }

  const cited = new Set([...kb.entries.values()].flatMap((e) => (e.page ?? []).map((d) => headingKey(d.heading))));
  const uncited = page.sections.filter((s) => !cited.has(headingKey(s.heading))).map((s) => ({ heading: s.heading, fingerprint: s.fingerprint }));
  result.uncited = uncited.map((s) => s.heading);
  const path = join(dir, PAGE_FILE);
  if (existsSync(path)) {
    const source = new YamlSource(relative(root, path), readFileSync(path, 'utf8'));
    const listed = JSON.stringify(source.doc.toJS()?.uncited ?? []);
    if (listed !== JSON.stringify(uncited)) {
      source.doc.set('uncited', source.doc.createNode(uncited));
      writeFileSync(path, source.doc.toString({ lineWidth: 0 }));
      result.pageFileWritten = true;
    }
  } else {
    if (!/^https?:\/\//i.test(page.source)) {
      throw new DataError([{ file: relative(root, path), line: 1, message: 'missing: write it with the page\'s url (url: https://…), or run --accept with the URL as PAGE' }]);
    }
    const doc = new YamlSource(relative(root, path), '').doc;
    doc.contents = doc.createNode({ url: page.source, uncited });
    doc.commentBefore = ' The documentation page the knowledge is written from, and its sections that carry no facts\n (npm run knowledge:check -- --accept keeps the list).';
    writeFileSync(path, doc.toString({ lineWidth: 0 }));
    result.pageFileWritten = true;
  }
  return result;
}

export interface KnowledgeCheckOptions {
  /** The knowledge folder (`knowledgeDir()` in the command). */
  dir: string;
  /** What file names in messages are relative to. */
  root?: string;
  accept?: boolean;
  /** Where today comes from for `checked:`; tests set it. */
  now?: () => Date;
  timeoutMs?: number;
}

/**
 * Reads the page (PAGE, or page.yaml's url when none is given) and the knowledge, compares them,
 * and with `accept` records what agrees. Throws PageUnreadable when the page cannot be read and
 * DataError when the knowledge or page.yaml is malformed.
 */
export async function knowledgeCheck(source: string | undefined, options: KnowledgeCheckOptions): Promise<{ check: PageCheck; acceptance?: Acceptance }> {
  const { dir, root = process.cwd(), now = () => new Date() } = options;
  const kb = loadKnowledge(dir, root);
  const problems: DataProblem[] = [...kb.entries.values()].flatMap(pageFactProblems);
  if (problems.length > 0) throw new DataError(problems);
  const pageFile = loadPageFile(dir, root);
  const target = source ?? pageFile?.url;
  if (!target) throw new DataError([{ file: relative(root, join(dir, PAGE_FILE)), line: 1, message: 'no PAGE given and no url in this file to read it from' }]);
  const page = await readPage(target, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
  const check = checkKnowledge(page, kb, pageFile);
  if (!options.accept) return { check };
  return { check, acceptance: acceptPage(page, kb, check, { dir, root, now: now() }) };
}
