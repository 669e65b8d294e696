/**
 * The deployment, as the Dockerfile does it, without docker (no image can be built where CI runs):
 * a fresh clone's `npm start` (its prestart builds dist/), `npm prune --omit=dev`, then the pruned
 * package (package.json, node_modules, dist, scripts, knowledge, intents: what the image holds)
 * run as the image runs it, and stopped as `docker stop` and systemd stop it. Everything happens in
 * a temporary folder. The tests run in order, each going on from the one before.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/core/bot.js';
import { freshDatabase, POSTGRES_URL } from './helpers/databases.js';
import { FakeSlackApi } from './helpers/fake-slack-api.js';
import { freshClone, npmIn, Proc } from './helpers/package-dir.js';
import { postEvent, SIGNING_SECRET } from './helpers/slack-requests.js';
import { waitUntil } from './helpers/wait.js';

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
/** npm start's command without its `exec`: node, its flags, dist/server/main.js. */
const START = scripts.start!.replace(/^exec\s+/, '').split(/\s+/);

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const stoppedLine = (p: Proc) => p.lines.find((l) => /"msg":"stopped"/.test(l));

/**
 * Sends SIGTERM to `p` alone, as a supervisor that knows only its child does (or `signal` to its
 * whole process group, as a terminal sends Ctrl+C); resolves with the exit and how long it took.
 */
async function terminate(p: Proc, send: NodeJS.Signals = 'SIGTERM', group = false): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const sent = Date.now();
  process.kill(group ? -p.pid : p.pid, send);
  const { code, signal, at } = await p.exited;
  return { code, signal, ms: at - sent };
}

/** The commands and where npm's scripts find them; each prints its usage for --help and exits 0. */
const COMMANDS = ['server/main', 'cli/ask', 'cli/chat', 'tools/validate', 'tools/report', 'tools/purge', 'tools/eval', 'tools/explain', 'tools/bench', 'tools/knowledge-check', 'tools/package-teams', 'tools/build-cache'];

describe('deployment: the Dockerfile steps, without docker', { timeout: 120_000 }, () => {
  let dir: string;
  const procs: Proc[] = [];
  const start = (command: string, args: string[], env: Record<string, string>) => {
    const p = new Proc(command, args, dir, env);
    procs.push(p);
    return p;
  };
  let api: FakeSlackApi | undefined;

  beforeAll(() => {
    dir = freshClone('npr-deploy-');
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) p.killGroup();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('npm start on a fresh clone builds dist/ first; SIGTERM to npm alone stops the server cleanly and leaves nothing running', async () => {
    const npm = start('npm', ['start', '--silent'], { PORT: '0' });
    const port = await npm.port(110_000);
    expect(existsSync(join(dir, 'dist', 'server', 'main.js'))).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const { code, ms } = await terminate(npm);
    console.log(`npm start on a fresh clone, SIGTERM to npm: exit ${code} after ${ms} ms`);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(stoppedLine(npm)).toBeDefined();
    expect(npm.groupAlive()).toBe(false);
  });

  it('every command prints its usage for --help and exits 0', () => {
    for (const command of COMMANDS) {
      const r = spawnSync(process.execPath, [join(dir, 'dist', `${command}.js`), '--help'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, `${command}: ${r.stderr}`).toBe(0);
      expect(r.stdout, command).toMatch(/^(npm|node) /);
    }
    // the npm scripts point at these commands
    for (const [name, script] of Object.entries(scripts)) {
      const target = /^node scripts\/run\.mjs (\w[\w/-]*)$/.exec(script)?.[1];
      if (target) expect(COMMANDS, `npm run ${name}`).toContain(target);
    }
  });

  it('npm prune --omit=dev (offline) leaves the production dependencies', () => {
    const prune = npmIn(dir, ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund']);
    expect(prune.status, prune.stderr).toBe(0);
    // the image holds package.json, node_modules, dist, scripts, knowledge and intents
    for (const name of ['src', 'tsconfig.json', 'tsconfig.build.json', 'data']) rmSync(join(dir, name), { recursive: true, force: true });
    for (const dev of ['typescript', 'tsx', 'vitest']) expect(existsSync(join(dir, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(dir, 'node_modules', 'better-sqlite3'))).toBe(true);
  });

  it('node dist/server/main.js serves /healthz, /readyz and /metrics; on SIGTERM it finishes the request and the delivery in hand, and exits 0', async () => {
    api = await new FakeSlackApi().start();
    const database = join(dir, 'data', 'npr-bot.sqlite');
    const began = Date.now();
    const server = start(process.execPath, START.slice(1), {
      PORT: '0',
      DATABASE_URL: database,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: api.url,
    });
    const port = await server.port();
    const listening = Date.now() - began;
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ status: 'ok', slack: true });
    // ready once Slack has accepted the token (auth.test, against the fake)
    expect(await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 200, 20_000)).toBe(true);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^npr_bot_\w+/m);
    console.log(`pruned package, node ${START.slice(1).join(' ')}: listening after ${listening} ms; RSS when idle ${rssMiB(server.pid).toFixed(1)} MiB`);

    // a delivery in hand when the signal comes: the fake has the reply and answers 2 s later
    api.slow('chat.postMessage', 2000);
    const event = JSON.parse(read('test/fixtures/slack/message_im.json')) as Record<string, unknown>;
    event.event_id = `EvDeploy${Date.now()}`;
    expect((await postEvent(base, event)).status).toBe(200);
    await api.waitForReplies(1, 20_000, 'chat.postMessage');

    // and a request in progress: its headers read (100 Continue), half its body sent
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d: Buffer) => void (response += d.toString()));
    await once(socket, 'connect');
    socket.write('POST /api/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 8\r\nExpect: 100-continue\r\n\r\n');
    expect(await waitUntil(() => response.includes('100 Continue'), 10_000)).toBe(true);
    socket.write('not ');

    const sent = Date.now();
    process.kill(server.pid, 'SIGTERM');
    await server.waitFor(/"msg":"SIGTERM: stopping"/, 10_000);
    // no new connections
    expect(await waitUntil(() => refused(port), 5_000)).toBe(true);
    // the request in progress is answered (its body is not JSON: 400), and its connection closed
    socket.end('json');
    await once(socket, 'close');
    expect(response).toMatch(/HTTP\/1\.1 400/);

    const { code, at } = await server.exited;
    console.log(`SIGTERM with a request and a 2 s delivery in progress: exit ${code} after ${at - sent} ms; ${stoppedLine(server)}`);
    expect(code).toBe(0);
    expect(at - sent).toBeLessThan(10_000);
    expect(stoppedLine(server)).toBeDefined();
    // the delivery that was in progress was finished and recorded before the database closed
    const db = new Database(database, { readonly: true });
    try {
      const rows = db.prepare('SELECT kind, delivered_at, attempts, last_error FROM outbox ORDER BY id').all() as { delivered_at: string | null }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((r) => r.delivered_at === null), JSON.stringify(rows)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('npm start in the pruned package builds nothing; Ctrl+C (SIGINT to npm and the server, and npm passing it on) stops it once: exit 0, nothing left', async () => {
    const npm = start('npm', ['start', '--silent'], { PORT: '0' });
    await npm.port();
    const { code, ms } = await terminate(npm, 'SIGINT', true);
    console.log(`npm start in the pruned package, idle, SIGINT to the process group: exit ${code} after ${ms} ms`);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(stoppedLine(npm)).toBeDefined();
    expect(npm.groupAlive()).toBe(false);
  });

  it.skipIf(!POSTGRES_URL)(`two replicas on one PostgreSQL, as compose.yaml runs them: both ready, an event sent to both answered once, both stop with exit 0${POSTGRES_URL ? '' : ' (skipped: no TEST_DATABASE_URL)'}`, async () => {
    api ??= await new FakeSlackApi().start();
    api.clear();
    const { url } = await freshDatabase('postgres');
    const env = { PORT: '0', DATABASE_URL: url, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: api.url };
    const replicas = [start(process.execPath, START.slice(1), env), start(process.execPath, START.slice(1), env)];
    const bases = (await Promise.all(replicas.map((r) => r.port()))).map((port) => `http://127.0.0.1:${port}`);
    for (const base of bases) expect(await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 200, 20_000), base).toBe(true);
    // Slack sending the event again, to the other replica behind the load balancer
    const event = JSON.parse(read('test/fixtures/slack/message_im.json')) as Record<string, unknown>;
    event.event_id = `EvReplicas${Date.now()}`;
    for (const base of bases) expect((await postEvent(base, event)).status).toBe(200);
    await api.waitForReplies(1, 20_000, 'chat.postMessage');
    const exits = await Promise.all(replicas.map((r) => terminate(r)));
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    expect(replicas.map((r) => stoppedLine(r) !== undefined)).toEqual([true, true]);
    expect(api.replies('chat.postMessage')).toHaveLength(1);
  });

  it('the commands run from dist/ in the pruned package through their npm scripts, and end quietly when the pipe closes', () => {
    const ask = npmIn(dir, ['run', '--silent', 'ask', '--', '--json', 'hva koster 5 timer?'], {}, 60_000);
    expect(ask.status, ask.stderr).toBe(0);
    expect(JSON.parse(ask.stdout)).toMatchObject({ intent: 'pricing', lang: 'nb' });
    const validate = npmIn(dir, ['run', '--silent', 'validate'], {}, 60_000);
    expect(validate.status, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/^ok: /);
    // fifty answers wanted, one read: the rest meet a closed pipe
    const piped = spawnSync('bash', ['-o', 'pipefail', '-c', 'for i in $(seq 50); do echo "hva koster det?"; done | node dist/cli/ask.js --json | head -1'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout.trim().split('\n')).toHaveLength(1);
    expect(piped.stderr).toBe('');
  });
});

describe('the Dockerfile, compose.yaml and the systemd unit', () => {
  const dockerfile = read('Dockerfile');

  it('run the server as npm start does, as a user other than root, with signals handled', () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(cmd).toEqual(START);
    expect(/^ENTRYPOINT \["tini", "--"\]$/m.test(dockerfile)).toBe(true);
    expect(/^USER (?!root)\w+/m.test(dockerfile)).toBe(true);
    const unit = read('deploy/npr-bot.service');
    expect(/^ExecStart=(.*)$/m.exec(unit)![1]).toBe(`/usr/bin/${START.join(' ')}`);
    for (const line of ['User=npr-bot', 'KillSignal=SIGTERM', 'TimeoutStopSec=15', 'Restart=on-failure', 'NoNewPrivileges=yes']) expect(unit).toContain(line);
    expect(unit).toMatch(/^EnvironmentFile=/m);
  });

  it('build as this test does: npm ci, npm run build, npm prune --omit=dev; health on /healthz; a volume for the SQLite file', () => {
    const steps = [...dockerfile.matchAll(/^RUN ((?:.*\\\n)*.*)$/gm)].map((m) => m[1]!.replace(/\\\n\s*/g, ' '));
    expect(steps.some((s) => /npm ci\b/.test(s))).toBe(true);
    expect(steps.some((s) => /npm run build\b.*npm prune --omit=dev/.test(s))).toBe(true);
    expect(dockerfile).toMatch(/^HEALTHCHECK (?:.*\\\n)*.*\/healthz/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/DATABASE_URL=\/data\/npr-bot\.sqlite/);
  });

  it('compose.yaml runs two replicas on one PostgreSQL with a health check and a volume', () => {
    const compose = parseYaml(read('compose.yaml')) as {
      services: Record<string, { deploy?: { replicas?: number }; environment?: Record<string, string>; healthcheck?: unknown; volumes?: string[]; depends_on?: Record<string, { condition: string }> }>;
    };
    const { bot, postgres } = compose.services;
    expect(bot?.deploy?.replicas).toBe(2);
    expect(bot?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(bot?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(postgres?.healthcheck).toBeDefined();
    expect(postgres?.volumes?.[0]).toMatch(/:\/var\/lib\/postgresql\/data$/);
  });
});

/** Whether a new connection to `port` is refused (the server stopped listening). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}
