/**
 * A conversation with the bot in the terminal, no credentials needed.
 * `npm run chat` is interactive; `npm run --silent chat -- --json` reads the turns of one
 * conversation from stdin and prints one JSON line per turn.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { Bot } from '../core/bot.js';
import { failOnError, formatForTerminal, forTerminal, hasFlag, printJson, stdinLines } from './io.js';

failOnError(async () => {
  const bot = new Bot();
  const conversationId = `cli-${randomUUID()}`;
  if (hasFlag('--json') || !process.stdin.isTTY) {
    const json = hasFlag('--json');
    for await (const line of stdinLines()) {
      const reply = forTerminal(bot, await bot.answer({ conversationId, text: line }));
      if (json) printJson(reply);
      else process.stdout.write(`${formatForTerminal(bot, reply)}\n\n`);
    }
    return;
  }
  const hello = await bot.answer({ conversationId: `${conversationId}-hello`, text: 'hei' });
  process.stdout.write(`${hello.text}\n(Ctrl+D eller «exit» avslutter / Ctrl+D or "exit" quits)\n\n`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  rl.on('close', () => process.stdout.write('\n'));
  for (;;) {
    let line: string;
    try {
      line = await rl.question('> ');
    } catch {
      break; // input closed
    }
    if (/^\s*(exit|quit|avslutt)\s*$/i.test(line)) break;
    const reply = forTerminal(bot, await bot.answer({ conversationId, text: line }));
    process.stdout.write(`\n${formatForTerminal(bot, reply)}\n\n`);
  }
  rl.close();
});
