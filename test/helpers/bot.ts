import { Bot, loadBotData, type BotData } from '../../src/core/bot.js';
import type { Reply } from '../../src/core/types.js';

let data: BotData | undefined;

/** One load of knowledge/ and intents/ shared by every test in a file. */
export function testBot(now = new Date('2026-11-25T12:00:00Z')): Bot {
  data ??= loadBotData();
  return new Bot({ data, now: () => now });
}

let n = 0;
/** Asks each question in a fresh conversation. */
export async function ask(bot: Bot, text: string): Promise<Reply> {
  return bot.answer({ conversationId: `test-${n++}`, text });
}
