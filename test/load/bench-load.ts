/**
 * `npm run bench:load -- --rate N --secs S`: the built server (dist/, as production runs it) in a
 * child process, under Slack events (and Teams activities) sent at a fixed rate against loopback
 * fakes of the Slack Web API and the Bot Framework connector. Prints ack latency (p50, p99, max),
 * refusals, questions answered late, lost or twice, and the server's CPU and peak RSS.
 *
 * The rate is kept whatever the server does (open loop), so a slow server shows as latency rather
 * than as fewer requests. The requests leave from a worker thread, so that the fakes answering
 * the server do not delay them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { FakeConnector } from '../helpers/fake-connector.js';
import { FakeSlackApi } from '../helpers/fake-slack-api.js';
import { SIGNING_SECRET } from '../helpers/slack-requests.js';
import { waitUntil } from '../helpers/wait.js';
import { kindOf, SLACK_WAITS_MS, slackThread, teamsConversation, type LoadPlan, type Outcome } from './traffic.js';

const HELP = `npm run bench:load -- [options]

  --rate N        requests per second (default 200)
  --secs S        seconds of load (default 10)
  --warmup W      seconds of load at the same rate before the measured run, reported
                  apart: a server just started compiles its code first; the measured run
                  starts when the warm-up's questions are answered (default 0)
  --teams F       share of requests that are Teams activities, 0–1 (default 0)
  --fresh         a new connection per request (default: connections kept alive)
  --db URL        postgres://… to run on PostgreSQL (default: a fresh SQLite file)
  --profile DIR   write the server's CPU profile (.cpuprofile) into DIR
  --per-second    also print ack p50/p99/max for each second of the run
  --help          this text

Prints ack latency (p50, p99, max), how many requests were refused (503) or got no
response within 1 s, questions acknowledged but never answered or answered twice, and
the server process's CPU time and peak RSS. npm run bench:load builds dist/ first.
Exits 1 when an acknowledged question was lost or answered twice.`;

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    secs: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '0' },
    teams: { type: 'string', default: '0' },
    fresh: { type: 'boolean', default: false },
    db: { type: 'string' },
    profile: { type: 'string' },
    'per-second': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const rate = Number(args.rate);
const secs = Number(args.secs);
const warmupSecs = Number(args.warmup);
const teamsShare = Number(args.teams);
if (!(rate > 0) || !(secs > 0) || !(warmupSecs >= 0) || !(teamsShare >= 0 && teamsShare <= 1)) {
  process.stderr.write(`--rate and --secs must be positive, --warmup not negative, --teams between 0 and 1\n\n${HELP}\n`);
  process.exit(2);
}

const ROOT = join(import.meta.dirname, '..', '..');
const api = await new FakeSlackApi().start();
const connector = await new FakeConnector().start();
const dir = mkdtempSync(join(tmpdir(), 'npr-load-'));

// ---- the server, as production runs it: npm start's command, with its Node flags ----
// `exec node …`: the shell npm runs the script in gives way to node (so npm's SIGTERM reaches it)
const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!.replace(/^exec\s+/, '').split(/\s+/);
if (start[0] !== 'node') throw new Error(`npm start is expected to run node, not: ${start.join(' ')}`);
const child = spawn(process.execPath, [...start.slice(1, -1), ...(args.profile ? ['--cpu-prof', '--cpu-prof-dir', args.profile] : []), join(ROOT, start.at(-1)!)], {
  cwd: ROOT,
  env: {
    PATH: process.env.PATH ?? '',
    // Teams without an app id (no Microsoft to sign tokens here) runs only outside production
    NODE_ENV: teamsShare > 0 ? 'development' : 'production',
    PORT: '0',
    LOG_LEVEL: 'info',
    SLACK_BOT_TOKEN: 'xoxb-load',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: api.url,
    DATABASE_URL: args.db ?? join(dir, 'load.sqlite'),
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let serverLog = '';
const port = await new Promise<number>((resolve, reject) => {
  child.stderr.on('data', (chunk: Buffer) => {
    serverLog += chunk.toString('utf8');
    const found = /listening on port (\d+)/.exec(serverLog);
    if (found) resolve(Number(found[1]));
  });
  child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${serverLog}`)));
});

/** The server's CPU time (user + system) in seconds, and its resident memory in MiB, from /proc. */
function usage(): { cpu: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
  return { cpu: (Number(stat[11]) + Number(stat[12])) / 100, rssMiB: Number(rss) / 1024 };
}

/** Runs `count` requests from a worker thread, numbered from `first`. */
function load(first: number, count: number): Promise<{ outcomes: Outcome[]; seconds: number }> {
  const plan: LoadPlan = { port, rate, first, count, fresh: args.fresh, teamsShare, signingSecret: SIGNING_SECRET, serviceUrl: connector.url };
  // a worker does not inherit tsx's loader: it registers it, then loads the TypeScript generator
  const entry = new URL('./generator.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: plan });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Answers so far per question: Slack posts by thread, Teams activities by conversation. */
function answerCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const m of api.posted) if (m.thread_ts) add(m.thread_ts);
  for (const c of connector.calls) add(decodeURIComponent(c.path.split('/')[3] ?? ''));
  return counts;
}
const keyOf = (i: number) => (kindOf(i, teamsShare) === 'teams' ? teamsConversation(i) : slackThread(i));

function percentile(list: Outcome[], p: number): number {
  const sorted = list.map((o) => o.ms).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** Waits until every acknowledged question among `indexes` has its answer (at most `ms`). */
async function answered(indexes: number[], ms = 30_000): Promise<void> {
  await waitUntil(() => {
    const counts = answerCounts();
    return indexes.every((i) => counts.get(keyOf(i)));
  }, ms);
}

/** Waits until the server has nothing left to handle or deliver (its /metrics backlogs at 0): no reply can come after. */
async function drained(ms = 30_000): Promise<void> {
  await waitUntil(async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return /^npr_bot_outbox_backlog 0$/m.test(text) && /^npr_bot_inbox_backlog 0$/m.test(text);
  }, ms);
}

const WARM = 1_000_000;
const warm = warmupSecs > 0 ? await load(WARM, Math.round(rate * warmupSecs)) : undefined;
// the measured run starts once what the warm-up set off is done
if (warm) await answered(warm.outcomes.map((o, n) => (o.status === 200 ? WARM + n : -1)).filter((i) => i >= 0));

const total = Math.round(rate * secs);
const before = usage();
let peakRss = before.rssMiB;
const sampler = setInterval(() => {
  try {
    peakRss = Math.max(peakRss, usage().rssMiB);
  } catch {
    // the server is gone: the run fails below
  }
}, 100);
const { outcomes, seconds: sentFor } = await load(0, total);

// ---- every acknowledged question answered once ----
const acked = outcomes.map((o, i) => (o.status === 200 ? i : -1)).filter((i) => i >= 0);
await answered(acked);
await drained(); // a duplicate would come from what is still pending
const counts = answerCounts();
const after = usage();
clearInterval(sampler);
peakRss = Math.max(peakRss, after.rssMiB);

const lost = acked.filter((i) => !counts.get(keyOf(i))).length;
const duplicated = acked.filter((i) => (counts.get(keyOf(i)) ?? 0) > 1).length;
const count = (f: (o: Outcome) => boolean) => outcomes.filter(f).length;
const teams = Array.from({ length: total }, (_, i) => kindOf(i, teamsShare)).filter((k) => k === 'teams').length;

process.stdout.write(
  [
    `load: ${total} requests at ${rate}/s for ${secs} s (${teams} Teams), ${args.fresh ? 'a fresh connection each' : 'kept-alive connections'}, ${args.db ? 'PostgreSQL' : 'SQLite'}; sent in ${sentFor.toFixed(1)} s`,
    ...(warm ? [`warm-up: ${warm.outcomes.length} requests first, not counted below: ack p50 ${fmt(percentile(warm.outcomes, 50))}, p99 ${fmt(percentile(warm.outcomes, 99))}, max ${fmt(percentile(warm.outcomes, 100))}`] : []),
    `ack latency: p50 ${fmt(percentile(outcomes, 50))}, p99 ${fmt(percentile(outcomes, 99))}, max ${fmt(percentile(outcomes, 100))}`,
    `responses: ${count((o) => o.status === 200)} × 200, ${count((o) => o.status === 503)} × 503, ${count((o) => o.status !== 200 && o.status !== 503 && o.status !== 0)} other, ${count((o) => o.status === 0)} none`,
    `responded (any status) within 1 s: ${count((o) => o.status !== 0 && o.ms <= 1000)} of ${total}; within Slack's 3 s: ${count((o) => o.status !== 0 && o.ms <= SLACK_WAITS_MS)}`,
    `replies: ${lost} acknowledged but never answered, ${duplicated} answered twice or more`,
    `server: CPU ${(after.cpu - before.cpu).toFixed(1)} s over the run (${((100 * (after.cpu - before.cpu)) / sentFor).toFixed(0)} % of one core while sending), RSS peak ${peakRss.toFixed(0)} MiB (${before.rssMiB.toFixed(0)} MiB before)`,
    ...(args['per-second']
      ? Array.from({ length: Math.ceil(secs) }, (_, sec) => {
          const part = outcomes.slice(sec * rate, (sec + 1) * rate);
          return `  second ${sec + 1}: p50 ${fmt(percentile(part, 50))}, p99 ${fmt(percentile(part, 99))}, max ${fmt(percentile(part, 100))}`;
        })
      : []),
    '',
  ].join('\n'),
);

child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await api.stop();
await connector.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(lost > 0 || duplicated > 0 ? 1 : 0);
