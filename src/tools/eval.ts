/** `npm run eval`: accuracy per question set, per intent, per style and per persona. */
import { Bot, loadBotData } from '../core/bot.js';
import { accuracy, crossValidate, EVAL_NOW, evaluateHeldOut, evaluateSet, QUESTION_SETS, setDir, type Score, type Tally } from './evaluate.js';
import { command } from './cli-util.js';

const HELP = `npm run eval -- [options]

Scores the bot on its question sets (intent, and every expected fact in the answer), on the
held-out utterances of the intent files, and reports the worst kind of miss apart: a registry
fact given to a question that should have had the fallback.

  --set NAME     only this set (${QUESTION_SETS.map((s) => s.name).join(', ')}, held-out)
  -v, --verbose  list every miss
  --by-style     accuracy per style and per persona too
  --cv           also cross-validate the intent examples (five folds: each fifth answered by a
                 bot trained on the rest), so that memorised examples show
  -h, --help     this text
`;

const { values } = command(HELP, { set: { type: 'string' }, verbose: { type: 'boolean', short: 'v' }, 'by-style': { type: 'boolean' }, cv: { type: 'boolean' } });
const known = [...QUESTION_SETS.map((s) => s.name as string), 'held-out'];
if (values.set && !known.includes(values.set)) {
  process.stderr.write(`unknown set "${values.set}"; the sets are ${known.join(', ')}\n`);
  process.exit(2);
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const line = (name: string, t: Tally) => `  ${name.padEnd(22)} ${String(t.right).padStart(3)}/${String(t.total).padEnd(3)} ${pct(accuracy(t))}\n`;

function report(title: string, score: Score) {
  process.stdout.write(`\n${title}\n`);
  for (const [intent, t] of [...score.perIntent].sort(([a], [b]) => a.localeCompare(b))) process.stdout.write(line(intent, t));
  if (values['by-style'] && score.perStyle.size) {
    process.stdout.write('  by style:\n');
    for (const [style, t] of [...score.perStyle].sort(([a], [b]) => a.localeCompare(b))) process.stdout.write(line(`  ${style}`, t));
  }
  if (values['by-style'] && score.perPersona.size) {
    process.stdout.write('  by persona:\n');
    for (const [persona, t] of [...score.perPersona].sort(([a], [b]) => a.localeCompare(b))) process.stdout.write(line(`  ${persona}`, t));
  }
  if (values.verbose) {
    for (const f of score.failures) {
      const facts = f.missingFacts.length ? ` missing ${JSON.stringify(f.missingFacts)}` : '';
      process.stdout.write(`  ✗ ${f.file}: "${f.question}" expected ${f.expected}, got ${f.got}${facts}\n`);
    }
  }
  process.stdout.write(`  overall: ${score.right}/${score.total} = ${pct(accuracy(score))}; registry facts given where the fallback was due: ${score.factNotAsked} of ${score.fallbackExpected}\n`);
}

const bot = () => new Bot({ now: () => EVAL_NOW });
const summary: string[] = [];
for (const set of QUESTION_SETS) {
  if (values.set && values.set !== set.name) continue;
  const score = await evaluateSet(bot(), setDir(set.name));
  report(`${set.title} (intent and facts)`, score);
  summary.push(`${set.name} ${pct(accuracy(score))}`);
}
if (!values.set || values.set === 'held-out') {
  const held = await evaluateHeldOut(bot());
  report('Held-out intent tests (intent)', held);
  summary.push(`held-out ${pct(accuracy(held))}`);
}
if (values.cv) {
  const cv = await crossValidate(loadBotData());
  report('Cross-validation of the intent examples, five folds (intent)', cv);
  summary.push(`cross-validation ${pct(accuracy(cv))}`);
}
process.stdout.write(`\n${summary.join(', ')}\n`);
