import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest installed PostgreSQL's programs (Debian keeps them under /usr/lib/postgresql/N/bin). */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')) && existsSync(join(root, v, 'bin', 'initdb')));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? join(root, newest, 'bin') : undefined;
}

/** PostgreSQL refuses to run as root: then its programs run as the postgres user. */
function runner(): ((cmd: string, args: string[]) => string[]) | undefined {
  if (process.getuid?.() !== 0) return (cmd, args) => [cmd, ...args];
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return (cmd, args) => ['runuser', '-u', 'postgres', '--', cmd, ...args];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Why a private cluster cannot run here, or undefined when it can. */
export function pgClusterUnavailable(): string | undefined {
  if (!binDir()) return 'no PostgreSQL programs under /usr/lib/postgresql (.ci/run installs them)';
  if (!runner()) return 'running as root with no postgres user to run PostgreSQL as';
  return undefined;
}

/**
 * A PostgreSQL server of the test's own, in a temporary folder, that the test can stop and start
 * again: the database going away under a running bot, and coming back.
 */
export class PgCluster {
  private constructor(
    private readonly dir: string,
    private readonly port: number,
    private readonly run: (cmd: string, args: string[]) => Promise<unknown>,
  ) {}

  get url(): string {
    return `postgres://nprbot@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PgCluster> {
    const bin = binDir()!;
    const wrap = runner()!;
    const dir = mkdtempSync(join(tmpdir(), 'npr-pg-'));
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    // asynchronously: the bot under test runs in this process and must go on serving meanwhile
    const run = (cmd: string, args: string[]) => {
      const [file, ...rest] = wrap(join(bin, cmd), args);
      return promisify(execFile)(file!, rest, { timeout: 60_000 });
    };
    await run('initdb', ['-D', join(dir, 'data'), '-U', 'nprbot', '-A', 'trust', '--no-sync']);
    const cluster = new PgCluster(dir, await freePort(), run);
    await cluster.start();
    return cluster;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-o', options, '-l', join(this.dir, 'log'), '-w', 'start']);
  }

  /** Stops the server at once (fast shutdown: open connections are cut). */
  async stop(): Promise<void> {
    await this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined); // already stopped
    rmSync(this.dir, { recursive: true, force: true });
  }
}
