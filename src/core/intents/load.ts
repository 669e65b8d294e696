import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LANGS } from '../types.js';
import { DataError, YamlSource, type DataProblem } from '../data-file.js';
import { intentFileSchema, type IntentDef } from './schema.js';

/** Files in intents/ that are not intents. */
const NOT_INTENTS = new Set(['lexicon.yaml']);

/** Loads every intent file; throws a DataError naming file and line when any is malformed. */
export function loadIntents(dir: string, root = process.cwd()): IntentDef[] {
  const intents: IntentDef[] = [];
  const problems: DataProblem[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !NOT_INTENTS.has(f))
    .sort();
  for (const name of files) {
    const file = relative(root, join(dir, name));
    const source = new YamlSource(file, readFileSync(join(dir, name), 'utf8'));
    const { value, problems: found } = source.parse(intentFileSchema());
    problems.push(...found);
    if (!value) continue;
    if (`${value.intent}.yaml` !== name) {
      problems.push({ file, line: source.lineOf(['intent']), message: `intent "${value.intent}" differs from the file name` });
    }
    const lines = new Map<string, number>();
    for (const part of ['examples', 'tests'] as const) {
      for (const lang of LANGS) {
        value[part][lang].forEach((_, i) => lines.set(`${part}.${lang}.${i}`, source.lineOf([part, lang, i])));
      }
    }
    intents.push({ ...value, file, lines });
  }
  if (problems.length > 0) throw new DataError(problems);
  return intents;
}
