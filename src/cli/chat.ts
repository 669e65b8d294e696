/**
 * A conversation with the bot in the terminal, no credentials needed.
 * `npm run chat` is interactive; `npm run --silent chat -- --json` reads the turns of one
 * conversation from stdin and prints one JSON line per turn.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { Bot } from '../core/bot.js';
import { command } from '../tools/cli-util.js';
import { failOnError, formatForTerminal, forTerminal, hasFlag, printJson, stdinLines } from './io.js';

command(
  `npm run chat -- [--json]

A conversation with the bot in the terminal, no credentials needed (Ctrl+D or "exit" quits).
When stdin is not a terminal, its lines are the turns of one conversation.

  --json      one JSON line per turn, as npm run ask -- --json prints them (use npm run --silent)
  -h, --help  this text

Knowledge folder: KNOWLEDGE_DIR, or knowledge/.
`,
  { json: { type: 'boolean' } },
);

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
