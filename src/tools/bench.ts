/**
 * `npm run bench`: index build time, answer latency over the development set after warm-up
 * (p50, p99) and memory. Figures to read, not a pass/fail test.
 */
import { performance } from 'node:perf_hooks';
import { Bot, loadBotData } from '../core/bot.js';
import { loadDevset } from './evaluate.js';

const ROUNDS = 20;
const WARM_UP_ROUNDS = 3;

const ms = (x: number) => `${x.toFixed(3)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

let t = performance.now();
const data = loadBotData();
const loadMs = performance.now() - t;
t = performance.now();
const bot = new Bot({ data });
const buildMs = performance.now() - t;

const conversations = loadDevset();
const turns = conversations.reduce((n, c) => n + c.turns.length, 0);
const latencies: number[] = [];
for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
  let c = 0;
  for (const { turns: conversation } of conversations) {
    const conversationId = `bench-${round}-${c++}`;
    for (const turn of conversation) {
      const start = performance.now();
      await bot.answer({ conversationId, text: turn.q });
      if (round >= WARM_UP_ROUNDS) latencies.push(performance.now() - start);
    }
  }
}
latencies.sort((a, b) => a - b);
const memory = process.memoryUsage();

process.stdout.write(
  [
    `data load and validation   ${ms(loadMs)}`,
    `index build                ${ms(buildMs)} (${data.intents.length} intents, ${data.intents.reduce((n, i) => n + i.examples.nb.length + i.examples.nn.length + i.examples.en.length, 0)} examples)`,
    `answers measured           ${latencies.length} (${turns} development-set turns × ${ROUNDS} rounds, after ${WARM_UP_ROUNDS} warm-up rounds)`,
    `answer latency p50         ${ms(percentile(latencies, 50))}`,
    `answer latency p99         ${ms(percentile(latencies, 99))}`,
    `answer latency max         ${ms(latencies.at(-1)!)}`,
    `memory RSS                 ${mib(memory.rss)} (heap used ${mib(memory.heapUsed)})`,
    '',
  ].join('\n'),
);
