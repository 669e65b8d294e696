/** `npm run explain -- "question"`: what the bot read in a question and why it answers as it does. */
import { Bot } from '../core/bot.js';
import { decide } from '../core/decide.js';
import { command, usageError } from './cli-util.js';

const HELP = `npm run explain -- [--json] "question"

Shows what the bot read in one question: its words as read (typos mended, æ/ø/å put back), the
language, the figures (hours, the date a complete application arrived, the data category), the
purpose, the questions it found in it, the intents the model ranks highest and the features that
pull towards them, and the decision that follows. Nothing is stored.

  --json      one JSON object instead of the text
  -h, --help  this text
`;

const { values, positionals } = command(HELP, { json: { type: 'boolean' } }, true);
if (positionals.length === 0) usageError(HELP, 'no question given');
const question = positionals.join(' ');
const bot = new Bot();
const { understanding: u, features, parts } = bot.reader.explain(question, new Date());
const decision = decide(u, undefined);
if (values.json) {
  process.stdout.write(`${JSON.stringify({ ...u, classification: u.classification.ranking.top(5), parts, features, decision })}\n`);
  process.exit(0);
}
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const out: string[] = [
  `question   ${u.text}`,
  `words      ${u.tokens.join(' ')}`,
  `language   ${u.lang}${u.langKnown ? ` (lead ${u.langMargin.toFixed(1)})` : ' (no word told it; bokmål)'}`,
  `figures    hours ${u.hours ?? '-'}, received ${u.received?.toISOString().slice(0, 10) ?? '-'}, category ${u.category ?? '-'}, purpose ${u.purpose ?? '-'}`,
  `ties       ${u.anchored ? 'names registry data, NPR or research' : 'nothing ties it to registry data'}`,
  'questions found:',
  ...parts.map((p) => `  "${p.words}" → ${p.ranking.map((r) => `${r.intent} ${pct(r.score)}`).join(', ')}; in scope ${pct(p.scope.inScope)}${p.foreign.length ? `; foreign: ${p.foreign.join(', ')}` : ''}${p.unknown.length ? `; never seen: ${p.unknown.join(', ')}` : ''}`),
  'the whole message:',
  ...u.classification.ranking.top(3).map((r) => `  ${r.intent.padEnd(20)} ${pct(r.score)}  ${(features[r.intent] ?? []).map((f) => `${f.feature} ${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(2)}`).join(', ')}`),
  `decision   ${JSON.stringify(decision.answers)}`,
];
process.stdout.write(`${out.join('\n')}\n`);
