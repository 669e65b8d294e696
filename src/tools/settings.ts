/**
 * The settings for a command that needs them, apart from cli-util.ts: reading them loads the
 * settings' schema (zod) and the logger's levels, which commands such as `ask` never use.
 */
import { ConfigError, readConfig, type Config } from '../server/config.js';

/** The settings, or for a bad one its one line (naming it, never its value) and exit 1, as the server does. */
export function settingsOrExit(): Config {
  try {
    return readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
