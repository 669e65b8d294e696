/** `npm run eval`: accuracy per intent and overall on the development set and the held-out tests. */
import { accuracy, BLIND_SET, BLIND_SET_2, BLIND_SET_3, BLIND_SET_4, evaluateDevset, evaluateHeldOut, type Score } from './evaluate.js';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function report(title: string, score: Score, showFailures: boolean) {
  process.stdout.write(`\n${title}\n`);
  for (const [intent, s] of [...score.perIntent].sort(([a], [b]) => a.localeCompare(b))) {
    process.stdout.write(`  ${intent.padEnd(20)} ${String(s.right).padStart(3)}/${String(s.total).padEnd(3)} ${pct(accuracy(s))}\n`);
  }
  if (showFailures) {
    for (const f of score.failures) {
      const facts = f.missingFacts.length ? ` missing ${JSON.stringify(f.missingFacts)}` : '';
      process.stdout.write(`  ✗ ${f.file}: "${f.question}" expected ${f.expected}, got ${f.got}${facts}\n`);
    }
  }
  process.stdout.write(`  overall: ${score.right}/${score.total} = ${pct(accuracy(score))}\n`);
}

const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
const dev = await evaluateDevset();
report('Development set (intent and facts)', dev, verbose);
const held = await evaluateHeldOut();
report('Held-out intent tests (intent)', held, verbose);
const blind = await evaluateDevset(undefined, BLIND_SET);
report('Blind set, written apart from the training data (intent and facts)', blind, verbose);
const blind2 = await evaluateDevset(undefined, BLIND_SET_2);
report('Second blind set, long Slack-style messages (intent and facts)', blind2, verbose);
const blind3 = await evaluateDevset(undefined, BLIND_SET_3);
report('Third blind set, many kinds of writers (intent and facts)', blind3, verbose);
const blind4 = await evaluateDevset(undefined, BLIND_SET_4);
report('Fourth blind set, written after the fixes (intent and facts)', blind4, verbose);
process.stdout.write(
  `\ndevelopment set ${pct(accuracy(dev))}, held-out ${pct(accuracy(held))}, blind set ${pct(accuracy(blind))}, blind set 2 ${pct(accuracy(blind2))}, blind set 3 ${pct(accuracy(blind3))}, blind set 4 ${pct(accuracy(blind4))}\n`,
);
