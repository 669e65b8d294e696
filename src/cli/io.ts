import { createInterface } from 'node:readline';
import type { Bot } from '../core/bot.js';
import { toAnswerJson, type Reply } from '../core/types.js';

/** The lines of standard input, in order; invalid UTF-8 arrives as replacement characters. */
export function stdinLines(): AsyncIterable<string> {
  return createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
}

export function printJson(reply: Reply): void {
  process.stdout.write(`${JSON.stringify(toAnswerJson(reply))}\n`);
}

/** The reply as a person reads it in a terminal: the answer, then its sources and when they were checked. */
export function formatForTerminal(bot: Bot, reply: Reply): string {
  const sources = reply.sources.map((s) => `  - ${s.title}, ${bot.sourceChecked(s, reply.lang)}\n    ${s.url}`).join('\n');
  const label = bot.label('sources', reply.lang);
  const text = reply.mailto ? `${reply.text}\n\n✉ ${reply.mailto}` : reply.text;
  return sources ? `${text}\n\n${label}:\n${sources}` : text;
}

export function hasFlag(flag: string): boolean {
  return process.argv.slice(2).includes(flag);
}

/** Data problems and other failures go to stderr with a non-zero exit, never to stdout. */
export function failOnError(run: () => Promise<void>): void {
  run().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

/**
 * The terminal has no support channel to open a case in: a "yes" to the bot's offer says so
 * instead of promising a case.
 */
export function forTerminal(bot: Bot, reply: Reply): Reply {
  return reply.caseRequest ? { ...reply, text: bot.handoffText('unavailable', reply.lang), handoff: false } : reply;
}
