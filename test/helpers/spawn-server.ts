import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../src/core/bot.js';

/** tsx's loader by its path: the server runs from a temporary folder, where `--import tsx` would not resolve. */
const TSX = pathToFileURL(join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const MAIN = join(PROJECT_ROOT, 'src', 'server', 'main.ts');

export interface ServerRun {
  /** stderr, line by line (the JSON log lines). */
  lines: string[];
  stdout: string;
  /** The exit code, or null if the run was stopped (by `until` or the time limit). */
  code: number | null;
}

/** A free loopback port, for a run whose port must be known before it logs anything. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs src/server/main.ts as operators do, from a fresh temporary folder (no .env, the SQLite file
 * under it) with only `env` set (and PATH), until it exits, or until `until` is satisfied (then it
 * is stopped with SIGTERM), or `ms` pass.
 */
export function runServer(env: Record<string, string>, options: { until?: (lines: string[]) => boolean | Promise<boolean>; ms?: number } = {}): Promise<ServerRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'npr-run-'));
  // the start-up cache too goes under the temporary folder, not into the work tree's node_modules/.cache
  const child = spawn(process.execPath, ['--import', TSX, MAIN], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, NPR_CACHE_DIR: join(cwd, 'cache'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: ServerRun = { lines: [], stdout: '', code: null };
  return new Promise((resolve) => {
    let partial = '';
    let done = false;
    const stop = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
      child.kill('SIGTERM');
    };
    const timer = setTimeout(stop, options.ms ?? 30_000);
    let checking = false;
    // `until` may ask the server something (a server at LOG_LEVEL=warn may print nothing): asked on a timer too
    const check = () => {
      if (!options.until || done || checking) return;
      checking = true;
      void Promise.resolve(options.until(run.lines))
        .catch(() => false)
        .then((yes) => {
          checking = false;
          if (yes) stop();
        });
    };
    const poll = setInterval(check, 100);
    child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => {
      partial += d.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop()!;
      run.lines.push(...lines);
      check();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (partial) run.lines.push(partial);
      if (!done) run.code = code;
      resolve(run);
    });
  });
}

/** The log lines as objects (a line that is not JSON fails the test that reads it). */
export const parsed = (lines: string[]) => lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown> & { level: string; msg: string });
