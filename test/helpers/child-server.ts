import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/core/bot.js';
import { SIGNING_SECRET } from './slack-requests.js';

/**
 * The server as operators run it (src/server/main.ts), in a child process a test can kill: for
 * faults that only a real process shows (kill -9 between the ack and the reply).
 */
export class ChildServer {
  readonly logs: string[] = [];
  url = '';
  private exited: Promise<number | null>;
  /** How the process ended, once it has: its exit code, or the signal that ended it. */
  ended?: { code: number | null; signal: NodeJS.Signals | null };

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.ended = { code, signal };
        resolve(code);
      }),
    );
  }

  /** Starts the server with `env` on a free port; resolves when it listens. */
  static async start(env: Record<string, string>): Promise<ChildServer> {
    const child = spawn(process.execPath, ['--import', 'tsx', join('src', 'server', 'main.ts')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const server = new ChildServer(child);
    let partial = '';
    const listening = new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        partial += chunk.toString('utf8');
        const lines = partial.split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          server.logs.push(line);
          const port = /"msg":"listening on port (\d+)"/.exec(line)?.[1];
          if (port) {
            server.url = `http://127.0.0.1:${port}`;
            resolve();
          }
        }
      });
      void server.exited.then((code) => reject(new Error(`the server exited (${code}) before it listened:\n${server.logs.join('\n')}`)));
    });
    await listening;
    return server;
  }

  /** kill -9: no shutdown, nothing flushed. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop (SIGTERM); resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}
