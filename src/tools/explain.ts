/** `npm run explain -- "question"`: what the bot read in a question and why it answers as it does. */
import { Bot } from '../core/bot.js';
import { decide } from '../core/decide.js';

const question = process.argv.slice(2).join(' ');
const bot = new Bot();
const u = bot.reader.read(question, new Date());
const { classification, ...rest } = u;
process.stdout.write(`${JSON.stringify({ ...rest, tokens: rest.tokens.join(' ') }, null, 1)}\n`);
process.stdout.write(`confidence ${classification.confidence.toFixed(2)}, coverage ${classification.coverage.toFixed(2)}\n`);
for (const r of classification.ranking.slice(0, 5)) process.stdout.write(`  ${r.intent.padEnd(20)} ${r.score.toFixed(3)}\n`);
process.stdout.write(`decision ${JSON.stringify(decide(u, undefined))}\n`);
