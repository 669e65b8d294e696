import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/bot.js';

/** What a fresh clone holds that building and running need (tests, docs and icons left out). */
const CLONE = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'src', 'knowledge', 'intents'];

/**
 * The project as a fresh clone after `npm ci` has it, in a temporary folder: tests that build,
 * prune or run `npm start` do it there, never in the work tree. node_modules is made of hard links
 * (a copy where links cannot be made): npm prune removes links and rewrites its own record of the
 * tree, which is a file of its own, so the work tree's node_modules never changes.
 */
export function freshClone(prefix = 'npr-clone-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const name of CLONE) cpSync(join(PROJECT_ROOT, name), join(dir, name), { recursive: true });
  const modules = join(dir, 'node_modules');
  if (spawnSync('cp', ['-al', join(PROJECT_ROOT, 'node_modules'), modules]).status !== 0) {
    rmSync(modules, { recursive: true, force: true });
    cpSync(join(PROJECT_ROOT, 'node_modules'), modules, { recursive: true, verbatimSymlinks: true });
  }
  rmSync(join(modules, '.cache'), { recursive: true, force: true });
  rmSync(join(modules, '.package-lock.json'), { force: true });
  copyFileSync(join(PROJECT_ROOT, 'node_modules', '.package-lock.json'), join(modules, '.package-lock.json'));
  return dir;
}

/** An environment with nothing from this one but PATH; HOME in `dir` (npm keeps its logs under HOME). */
export const cleanEnv = (dir: string, env: Record<string, string> = {}): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: dir, ...env });

/** `npm ARGS` in `dir`, waited for. */
export function npmIn(dir: string, args: string[], env: Record<string, string> = {}, timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd: dir, env: cleanEnv(dir, env), encoding: 'utf8', timeout });
}

/**
 * A process whose stderr (the JSON log lines) is read line by line, with what tests wait for:
 * a line, or the exit. Started in a process group of its own, so that what it leaves behind can
 * be looked for.
 */
export class Proc {
  readonly lines: string[] = [];
  readonly child: ChildProcess;
  /** Once it has exited and its output is read: the exit code or signal, and when. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private partial = '';
  private ended = false;
  private readonly watchers = new Set<() => void>();

  constructor(command: string, args: string[], cwd: string, env: Record<string, string>) {
    this.child = spawn(command, args, { cwd, env: cleanEnv(cwd, env), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => resolve({ code, signal, at: Date.now() })));
    void this.exited.then(() => {
      this.ended = true;
      this.notify();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      const lines = (this.partial + chunk.toString('utf8')).split('\n');
      this.partial = lines.pop()!;
      this.lines.push(...lines);
      this.notify();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  private notify() {
    for (const w of this.watchers) w();
  }

  /** The first line matching `pattern`, once it is written; fails if the process exits first or `ms` pass. */
  waitFor(pattern: RegExp, ms = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no line matching ${pattern} within ${ms} ms:\n${this.lines.join('\n')}`)), ms);
      const finish = (result: string | Error) => {
        clearTimeout(timer);
        this.watchers.delete(check);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const check = () => {
        const line = this.lines.find((l) => pattern.test(l));
        if (line !== undefined) finish(line);
        else if (this.ended) finish(new Error(`exited before a line matching ${pattern}:\n${this.lines.join('\n')}`));
      };
      this.watchers.add(check);
      check();
    });
  }

  /** The port of the "listening on port N" line. */
  async port(ms?: number): Promise<number> {
    return Number(/listening on port (\d+)/.exec(await this.waitFor(/"msg":"listening on port \d+"/, ms))![1]);
  }

  /** Whether any process is left in its process group (itself, or what it started). */
  groupAlive(): boolean {
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Ends whatever is left of it (a failed test must not leave a server running). */
  killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      /* nothing left */
    }
  }
}
