/**
 * `npm run build`, after tsc (as `node dist/tools/build-cache.js`): writes the start-up cache,
 * knowledge/ and intents/ checked and the models trained, into dist/cache/, so that a container
 * or a pruned install starts from it without writing anything.
 */
import { readdirSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT, preparedBotData } from '../core/bot.js';
import { BUILT_CACHE_DIR } from '../core/cache.js';
import { DataError } from '../core/data-file.js';
import { startCommand } from './cli-util.js';

startCommand(`node dist/tools/build-cache.js   (npm run build runs it after tsc)

Writes the start-up cache for the code it is run from: knowledge/ (or KNOWLEDGE_DIR) and intents/
checked, and the models trained on them, in ${relative(PROJECT_ROOT, BUILT_CACHE_DIR)}/. The server and the commands
take it when nothing changed since; otherwise they read the files again (and keep a cache of their
own in NPR_CACHE_DIR, or node_modules/.cache/npr-bot/). Exit 1 when the data has errors or the
folder cannot be written.

  -h, --help  this text
`);

// the cache belongs to the code it is made by: built next to dist/core, never next to src/core
if (!import.meta.url.endsWith('.js')) {
  process.stderr.write('run the compiled tool (npm run build, or node dist/tools/build-cache.js)\n');
  process.exit(1);
}

try {
  const { how } = preparedBotData(PROJECT_ROOT, { ...process.env, NPR_CACHE_DIR: BUILT_CACHE_DIR });
  if (how.from === 'files' && !how.wrote) {
    process.stderr.write(`the start-up cache could not be written to ${BUILT_CACHE_DIR}: ${how.notWritten ?? 'unknown reason'}\n`);
    process.exit(1);
  }
  const file = how.from === 'cache' ? how.file : how.wrote!;
  // only this data's cache ships in dist/
  for (const name of readdirSync(BUILT_CACHE_DIR)) if (join(BUILT_CACHE_DIR, name) !== file) unlinkSync(join(BUILT_CACHE_DIR, name));
  process.stdout.write(`${relative(PROJECT_ROOT, file)} (${how.from === 'cache' ? 'up to date' : 'written'})\n`);
} catch (error) {
  if (!(error instanceof DataError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
