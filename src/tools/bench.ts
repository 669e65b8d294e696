/**
 * `npm run bench`: the core's start-up, answer latency over every development question after
 * warm-up (p50, p99), memory, and what one answer allocates. Figures to read, not a pass/fail
 * test. The server's figures come from `npm run bench:load`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { Bot, loadBotData } from '../core/bot.js';
import { loadQuestionSet, QUESTION_SETS, setDir } from './evaluate.js';
import { command } from './cli-util.js';

const HELP = `npm run bench -- [--rounds N]

Prints the core's figures: loading and checking knowledge/ and intents/, training the models,
answer latency p50/p99/max over every development question (each set's conversations, after
warm-up rounds), memory, and the bytes one answer allocates (measured in a child process with a
young generation large enough that no collection runs while it counts).

  --rounds N  measured rounds (default 20)
  -h, --help  this text
`;

const { values } = command(HELP, { rounds: { type: 'string' }, 'allocation-probe': { type: 'boolean' } });

const WARM_UP_ROUNDS = 3;
const ms = (x: number) => `${x.toFixed(3)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const conversations = QUESTION_SETS.filter((s) => s.kind === 'development').flatMap((s) => loadQuestionSet(setDir(s.name)));

/** Answers every development question `rounds` times, each conversation in a fresh id; `record[k]` gets question k's times. */
async function run(bot: Bot, rounds: number, record?: number[][]) {
  for (let round = 0; round < rounds; round++) {
    let c = 0;
    let k = 0;
    for (const { turns } of conversations) {
      const conversationId = `bench-${round}-${c++}`;
      for (const turn of turns) {
        const start = performance.now();
        await bot.answer({ conversationId, text: turn.q });
        if (record) (record[k++] ??= []).push(performance.now() - start);
      }
    }
  }
}

if (values['allocation-probe']) {
  // child (--expose-gc, a young generation large enough for one round): what one round of answers
  // allocates, as the heap's growth with no collection in between
  const bot = new Bot();
  await run(bot, WARM_UP_ROUNDS);
  const gc = (globalThis as { gc?: () => void }).gc!;
  let collections = 0;
  new PerformanceObserver((list) => void (collections += list.getEntries().length)).observe({ entryTypes: ['gc'] });
  const answers = conversations.reduce((n, c) => n + c.turns.length, 0);
  gc();
  await new Promise((r) => setTimeout(r, 10));
  collections = 0;
  const before = process.memoryUsage().heapUsed;
  await run(bot, 1);
  const after = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 10));
  process.stdout.write(JSON.stringify({ perAnswer: (after - before) / answers, collections }));
  process.exit(0);
}

let t = performance.now();
const data = loadBotData();
const loadMs = performance.now() - t;
t = performance.now();
const bot = new Bot({ data });
const buildMs = performance.now() - t;
const rounds = Number(values.rounds ?? 20);
await run(bot, WARM_UP_ROUNDS);
const perQuestion: number[][] = [];
await run(bot, rounds, perQuestion);
const latencies = perQuestion.flat().sort((a, b) => a - b);
// each question's median over the rounds: what it costs, without the machine's passing noise
const medians = perQuestion.map((times) => percentile([...times].sort((a, b) => a - b), 50)).sort((a, b) => a - b);
const memory = process.memoryUsage();

const probe = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=512', '--min-semi-space-size=512', fileURLToPath(import.meta.url), '--allocation-probe'], { encoding: 'utf8' });
let allocation = 'not measured';
try {
  const { perAnswer, collections } = JSON.parse(probe.stdout) as { perAnswer: number; collections: number };
  allocation = collections ? `not measured: ${collections} collections ran while counting` : `${(perAnswer / 1024).toFixed(1)} KiB per answer`;
} catch {
  allocation = `not measured: ${probe.stderr.split('\n')[0] ?? ''}`;
}

process.stdout.write(
  [
    `data load and validation   ${ms(loadMs)}`,
    `model training             ${ms(buildMs)} (${data.intents.length} intent files, ${data.intents.reduce((n, i) => n + i.examples.nb.length + i.examples.nn.length + i.examples.en.length, 0)} examples)`,
    `answers measured           ${latencies.length} (${perQuestion.length} development questions × ${rounds} rounds, after ${WARM_UP_ROUNDS} warm-up rounds)`,
    `answer latency p50 / p99   ${ms(percentile(medians, 50))} / ${ms(percentile(medians, 99))} (each question's median over the rounds)`,
    `every single answer        p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1)!)} (with the machine's noise)`,
    `allocation                 ${allocation}`,
    `memory RSS                 ${mib(memory.rss)} (heap used ${mib(memory.heapUsed)})`,
    '',
  ].join('\n'),
);
