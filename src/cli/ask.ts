/**
 * One question, one answer. `npm run ask -- "hva koster det?"` answers its arguments;
 * `npm run --silent ask -- --json` answers each stdin line as a separate question, one JSON line each.
 */
import { randomUUID } from 'node:crypto';
import { Bot } from '../core/bot.js';
import { startCommand } from '../tools/cli-util.js';
import { failOnError, formatForTerminal, forTerminal, hasFlag, printJson, stdinLines } from './io.js';

startCommand(`npm run ask -- [--json] [QUESTION…]

Answers one question, its words given as arguments; without them, each line of stdin as a
separate question (a fresh conversation each). Nothing is stored.

  --json      one JSON line per question, in order: {"question", "lang", "intent", "confidence",
              "text", "sources", "handoff", "route", "rule"} (use npm run --silent)
  -h, --help  this text

Knowledge folder: KNOWLEDGE_DIR, or knowledge/.
`);

failOnError(async () => {
  const json = hasFlag('--json');
  const bot = new Bot();
  const words = process.argv.slice(2).filter((a) => a !== '--json');
  const questions: AsyncIterable<string> | string[] = words.length > 0 ? [words.join(' ')] : stdinLines();
  for await (const question of questions) {
    const reply = forTerminal(bot, await bot.answer({ conversationId: randomUUID(), text: question }));
    if (json) printJson(reply);
    else process.stdout.write(`${formatForTerminal(bot, reply)}\n\n`);
  }
});
