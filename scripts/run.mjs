#!/usr/bin/env node
/**
 * What the npm scripts call, so that one package.json serves a development checkout and a pruned
 * production install (`npm prune --omit=dev`: no TypeScript, no tsx, maybe no src/):
 *
 *   node scripts/run.mjs tools/validate [ARGS…]
 *       runs dist/tools/validate.js when it is at least as new as everything in src/ (or when there
 *       is no src/ or no tsx: a production install); otherwise src/tools/validate.ts through tsx,
 *       in this process, so a change to the source counts at once without a build.
 *   node scripts/run.mjs --build
 *       npm run build (tsc, and what follows it) when dist/ is missing or older than src/; does
 *       nothing when dist/ is up to date, or where there is no src/ (a production install).
 *
 * Plain JavaScript on purpose: it must run before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const src = join(root, 'src');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** The newest change under src/ (files, and folders, whose time changes when a file is removed) and to the tsconfig files. */
function newestSource() {
  let newest = 0;
  const note = (path) => (newest = Math.max(newest, statSync(path).mtimeMs));
  note(src);
  for (const entry of readdirSync(src, { recursive: true })) note(join(src, entry));
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) if (existsSync(join(root, file))) note(join(root, file));
  return newest;
}

const fresh = (compiled) => existsSync(compiled) && (!existsSync(src) || statSync(compiled).mtimeMs >= newestSource());

const [what, ...args] = process.argv.slice(2);
if (!what || what === '-h' || what === '--help') {
  process.stdout.write('node scripts/run.mjs --build | DIR/NAME [ARGS…]   (see the comment at the top of this file)\n');
  process.exit(what ? 0 : 2);
}

if (what === '--build') {
  // dist/server/main.js stands for the build: tsc writes every output on each run
  if (fresh(join(root, 'dist', 'server', 'main.js'))) process.exit(0);
  if (!existsSync(bin('tsc')) || !existsSync(src)) {
    process.stderr.write('dist/ is missing or older than src/, and TypeScript is not installed here: run npm ci && npm run build\n');
    process.exit(1);
  }
  // npm run build, whatever it does (tsc, then what follows it); through the npm that runs this script when there is one
  const npm = process.env.npm_execpath;
  const build = npm
    ? spawnSync(process.execPath, [npm, 'run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(build.status ?? 1);
}

const compiled = join(root, 'dist', `${what}.js`);
const source = join(src, `${what}.ts`);
const tsx = existsSync(source) && existsSync(join(root, 'node_modules', 'tsx'));
// the command sees its own name and arguments, as if started directly
process.argv.splice(1, 2, tsx && !fresh(compiled) ? source : compiled);
if (process.argv[1] === source) {
  const { register } = await import('tsx/esm/api');
  register();
} else if (!existsSync(compiled)) {
  process.stderr.write(`${compiled} is missing: run npm run build\n`);
  process.exit(1);
}
await import(pathToFileURL(process.argv[1]).href);
