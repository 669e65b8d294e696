import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LANGS } from '../types.js';
import { DataError, YamlSource, type DataProblem } from '../data-file.js';
import { knowledgeSchemas } from './schema.js';
import { sectionKey, type KnowledgeBase, type KnowledgeEntry, type Section } from './entry.js';

const SECTION_HEADING = /^## (\S+)(?: (\S+))?\s*$/;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.md'))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/** Parses one entry: YAML front matter between `---` lines, then `## lang [variant]` sections. */
export function parseEntry(file: string, content: string): { entry?: KnowledgeEntry; problems: DataProblem[] } {
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  const end = lines.indexOf('---', 1);
  if (lines[0] !== '---' || end < 0) {
    return { problems: [{ file, line: 1, message: 'a knowledge entry starts with front matter between two "---" lines' }] };
  }
  const yaml = new YamlSource(file, lines.slice(1, end).join('\n'), 2);
  const { value, problems } = yaml.parse(knowledgeSchemas().frontMatter);

  const sections = new Map<string, Section>();
  let current: { key: string; line: number; body: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const text = current.body.join('\n').trim();
    if (!text) problems.push({ file, line: current.line, message: `section "## ${current.key}" is empty` });
    sections.set(current.key, { text, line: current.line });
  };
  lines.slice(end + 1).forEach((raw, i) => {
    const lineNo = end + 2 + i;
    const heading = SECTION_HEADING.exec(raw);
    if (heading) {
      close();
      const [, lang, variant] = heading;
      if (!(LANGS as readonly string[]).includes(lang!)) {
        problems.push({ file, line: lineNo, message: `section language "${lang}" is not one of ${LANGS.join(', ')}` });
      }
      const key = sectionKey(lang as (typeof LANGS)[number], variant);
      if (sections.has(key)) problems.push({ file, line: lineNo, message: `section "## ${key}" appears twice` });
      current = { key, line: lineNo, body: [] };
    } else if (current) {
      current.body.push(raw);
    } else if (raw.trim()) {
      problems.push({ file, line: lineNo, message: 'text before the first "## <lang>" section' });
    }
  });
  close();

  if (!value) return { problems };
  for (const lang of ['nb', 'en'] as const) {
    if (!sections.has(lang)) problems.push({ file, line: end + 1, message: `missing section "## ${lang}"` });
  }
  const cited = value.sources.map((s) => ({ title: s.title, url: s.url, checked: value.checked }));
  const valueLines = new Map([['checked', yaml.lineOf(['checked'])]]);
  value.page?.forEach((section, i) => {
    for (const key of ['heading', ...(section.fingerprint ? ['fingerprint'] : [])]) valueLines.set(`page.${i}.${key}`, yaml.lineOf(['page', i, key]));
    for (const fact of Object.keys(section.facts ?? {})) valueLines.set(`page.${i}.facts.${fact}`, yaml.lineOf(['page', i, 'facts', fact]));
  });
  return { entry: { ...value, file, cited, sections, lines: valueLines }, problems };
}

/** Loads every entry under `dir`; throws a DataError naming file and line when any is malformed. */
export function loadKnowledge(dir: string, root = process.cwd()): KnowledgeBase {
  const entries = new Map<string, KnowledgeEntry>();
  const problems: DataProblem[] = [];
  for (const path of markdownFiles(dir)) {
    const file = relative(root, path);
    const parsed = parseEntry(file, readFileSync(path, 'utf8'));
    problems.push(...parsed.problems);
    const e = parsed.entry;
    if (!e) continue;
    const expectedId = path.split('/').pop()!.replace(/\.md$/, '');
    if (e.id !== expectedId) problems.push({ file, line: 2, message: `id "${e.id}" differs from the file name "${expectedId}"` });
    const other = entries.get(e.id);
    if (other) problems.push({ file, line: 2, message: `id "${e.id}" is also used by ${other.file}` });
    entries.set(e.id, e);
  }
  if (problems.length > 0) throw new DataError(problems);
  return { entries };
}
