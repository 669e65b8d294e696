/** `npm run validate`: checks knowledge/ and intents/, shape first, then cross-references. */
import { loadBotData } from '../core/bot.js';
import { DataError, formatProblem } from '../core/data-file.js';
import { describeStale, maxAgeDaysSchema, staleEntries } from '../core/knowledge/staleness.js';
import { command } from './cli-util.js';

command(
  `npm run validate

Checks knowledge/ and intents/: each file's shape first, then the cross-references (every intent
answers from an entry that exists, every entry is reachable, every placeholder has a value, no
utterance stands under two intents). Names file and line for every problem; warns about entries
not checked against their source for KNOWLEDGE_MAX_AGE_DAYS (180).

  -h, --help  this text

Exit status: 0 the data is sound (warnings allowed), 1 a problem was found.
Knowledge folder: KNOWLEDGE_DIR, or knowledge/.
`,
  {},
);

try {
  const { kb, intents } = loadBotData();
  const examples = intents.reduce((n, i) => n + i.examples.nb.length + i.examples.nn.length + i.examples.en.length, 0);
  const tests = intents.reduce((n, i) => n + i.tests.nb.length + i.tests.nn.length + i.tests.en.length, 0);
  process.stdout.write(`ok: ${kb.entries.size} knowledge entries, ${intents.length} intents, ${examples} examples, ${tests} held-out tests\n`);
  const maxAge = maxAgeDaysSchema.parse(process.env.KNOWLEDGE_MAX_AGE_DAYS || undefined);
  for (const stale of staleEntries(kb, new Date(), maxAge)) process.stderr.write(`warning: ${describeStale(stale, maxAge)}\n`);
} catch (error) {
  if (!(error instanceof DataError)) throw error;
  for (const p of error.problems) process.stderr.write(`${formatProblem(p)}\n`);
  process.stderr.write(`${error.problems.length} problem(s)\n`);
  process.exitCode = 1;
}
