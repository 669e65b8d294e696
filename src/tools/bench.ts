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

// Server round trips over loopback: request in, reply recorded by the fake platform. The server
// and the platform SDKs load only now, so the core's figures above are the core's alone.
const { configSchema } = await import('../server/config.js');
const { createLogger } = await import('../server/log.js');
const { startServer } = await import('../server/server.js');
const { openDb } = await import('../store/db.js');
const { FakeConnector } = await import('../../test/helpers/fake-connector.js');
const { FakeSlackApi } = await import('../../test/helpers/fake-slack-api.js');
const { postEvent, SIGNING_SECRET } = await import('../../test/helpers/slack-requests.js');
const SERVER_ROUNDS = 300;
const SERVER_WARM_UP = 30;
const api = await new FakeSlackApi().start();
const connector = await new FakeConnector().start();
const config = configSchema.parse({ NODE_ENV: 'test', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: api.url });
const server = await startServer(config, createLogger('error'), { port: 0, bot, db: openDb(':memory:') });
const questions = conversations.flatMap((c) => c.turns.map((t) => t.q)).filter((q) => q.trim());

async function until(done: () => boolean) {
  while (!done()) await new Promise((r) => setImmediate(r));
}
const slackTimes: number[] = [];
const teamsTimes: number[] = [];
for (let i = 0; i < SERVER_WARM_UP + SERVER_ROUNDS; i++) {
  const q = questions[i % questions.length]!;
  let start = performance.now();
  const before = api.replies().length;
  await postEvent(server.url, {
    type: 'event_callback',
    team_id: 'T0001',
    event_id: `EvBench${i}`,
    event: { type: 'app_mention', user: 'U1', text: `<@UBOT> ${q}`, ts: `${1764000000 + i}.0001`, channel: 'C1', event_ts: `${1764000000 + i}.0001` },
  });
  await until(() => api.replies().length > before);
  if (i >= SERVER_WARM_UP) slackTimes.push(performance.now() - start);

  start = performance.now();
  const calls = connector.calls.length;
  await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message', id: `m${i}`, channelId: 'msteams', serviceUrl: connector.url, text: q,
      from: { id: 'u1' }, recipient: { id: 'bot' }, conversation: { id: `bench-${i}`, conversationType: 'personal' },
    }),
  });
  await until(() => connector.calls.length > calls);
  if (i >= SERVER_WARM_UP) teamsTimes.push(performance.now() - start);
}
await server.close();
await api.stop();
await connector.stop();
slackTimes.sort((a, b) => a - b);
teamsTimes.sort((a, b) => a - b);
const memory = process.memoryUsage();

process.stdout.write(
  [
    `data load and validation   ${ms(loadMs)}`,
    `index build                ${ms(buildMs)} (${data.intents.length} intents, ${data.intents.reduce((n, i) => n + i.examples.nb.length + i.examples.nn.length + i.examples.en.length, 0)} examples)`,
    `answers measured           ${latencies.length} (${turns} development-set turns × ${ROUNDS} rounds, after ${WARM_UP_ROUNDS} warm-up rounds)`,
    `answer latency p50         ${ms(percentile(latencies, 50))}`,
    `answer latency p99         ${ms(percentile(latencies, 99))}`,
    `answer latency max         ${ms(latencies.at(-1)!)}`,
    `Slack reply over loopback  p50 ${ms(percentile(slackTimes, 50))}, p99 ${ms(percentile(slackTimes, 99))} (${slackTimes.length} signed app_mention events → chat.postMessage at a fake Web API)`,
    `Teams reply over loopback  p50 ${ms(percentile(teamsTimes, 50))}, p99 ${ms(percentile(teamsTimes, 99))} (${teamsTimes.length} activities → reply at a fake connector)`,
    `memory RSS                 ${mib(memory.rss)} (heap used ${mib(memory.heapUsed)})`,
    '',
  ].join('\n'),
);
