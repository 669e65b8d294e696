import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';

/** The YAML parser, loaded when a file is first parsed: a start from the start-up cache parses none. */
const require = createRequire(import.meta.url);
let yaml: typeof import('yaml') | undefined;
const yamlLibrary = () => (yaml ??= require('yaml') as typeof import('yaml'));

/**
 * zod, loaded when a schema is first built: a start from the start-up cache checks no file and
 * never loads it (it takes a tenth of a second, more than the rest of such a start's modules).
 */
let zod: typeof z | undefined;
const zodLibrary = () => (zod ??= (require('zod') as typeof import('zod')).z);

/** A schema (or several) built on first use, with zod loaded then; the same one after. */
export function lazySchema<T>(build: (zod: typeof z) => T): () => T {
  let schema: T | undefined;
  return () => (schema ??= build(zodLibrary()));
}

/** A problem in a data file, located by file and line for whoever edits it. */
export interface DataProblem {
  file: string;
  line: number;
  message: string;
}

export class DataError extends Error {
  readonly code = 'npr_bot_invalid_data';
  constructor(readonly problems: DataProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: DataProblem): string {
  return `${p.file}:${p.line}: ${p.message}`;
}

/** YAML text parsed with positions kept, so a problem can name its line. */
export class YamlSource {
  readonly doc: Document;
  private readonly lines: LineCounter = new (yamlLibrary().LineCounter)();

  constructor(
    readonly file: string,
    text: string,
    /** Line in the file where `text` starts (front matter starts after `---`). */
    private readonly firstLine = 1,
  ) {
    this.doc = yamlLibrary().parseDocument(text, { lineCounter: this.lines, uniqueKeys: true });
  }

  syntaxProblems(): DataProblem[] {
    return this.doc.errors.map((e) => ({
      file: this.file,
      line: (e.linePos?.[0]?.line ?? 1) + this.firstLine - 1,
      message: e.message.split('\n')[0] ?? e.message,
    }));
  }

  /** Line of the value at `path`, or of its nearest parent that exists. */
  lineOf(path: readonly PropertyKey[]): number {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) {
        return this.lines.linePos(node.range[0]).line + this.firstLine - 1;
      }
    }
    return this.firstLine;
  }

  /** Parses the document with `schema`; problems carry the line of the offending value. */
  parse<T>(schema: z.ZodType<T>): { value?: T; problems: DataProblem[] } {
    const syntax = this.syntaxProblems();
    if (syntax.length > 0) return { problems: syntax };
    const result = schema.safeParse(this.doc.toJS());
    if (result.success) return { value: result.data, problems: [] };
    return {
      problems: result.error.issues.map((issue) => ({
        file: this.file,
        line: this.lineOf(issue.path),
        message: `${issue.path.join('.') || '(top)'}: ${issue.message}`,
      })),
    };
  }
}
