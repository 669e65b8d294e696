import type { DataProblem } from '../data-file.js';
import type { KnowledgeEntry } from './entry.js';

/**
 * What is wrong with how a fact is said to read on the documentation page, or undefined: the
 * pattern needs exactly one `{}`, where the figure or name stands, and words beside it to find it by.
 */
export function pagePatternProblem(pattern: string): string | undefined {
  const holes = pattern.split('{}').length - 1;
  if (holes !== 1) return `has ${holes} "{}"; it needs exactly one, where the figure or name stands`;
  if (!pattern.replace('{}', '').trim()) return 'has no words around "{}" to find it by';
  return undefined;
}

/** Every fact an entry declares under `page[].facts` is one of its facts, with a readable pattern. */
export function pageFactProblems(e: KnowledgeEntry): DataProblem[] {
  const problems: DataProblem[] = [];
  e.page?.forEach((section, i) => {
    for (const [fact, pattern] of Object.entries(section.facts ?? {})) {
      const line = e.lines.get(`page.${i}.facts.${fact}`) ?? 2;
      if (!(fact in e.facts)) problems.push({ file: e.file, line, message: `page "${section.heading}" declares fact "${fact}", which is not in facts` });
      const problem = pagePatternProblem(pattern);
      if (problem) problems.push({ file: e.file, line, message: `page "${section.heading}", fact "${fact}": the pattern ${problem}` });
    }
  });
  return problems;
}
