/** `npm start`: the HTTP server for Slack and Teams. Runs with no settings at all, for trying it out. */
import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, productionProblems, readConfig, slackStatus, teamsStatus, type Config } from './config.js';
import { createLogger, errorFields, type Logger } from '../log.js';
import { sqliteFileOf } from '../store/db.js';
import { SHUTDOWN_GRACE_MS, startServer, type RunningServer } from './server.js';
import { helpIfAsked } from '../tools/cli-util.js';

const HELP = `npm start   (in production: node dist/server/main.js)

The HTTP server for Slack and Teams: POST /slack/events, POST /api/messages, GET /healthz,
GET /readyz and GET /metrics, on PORT (default 3978). Settings come from the environment or a
.env file in the working folder; .env.example explains each. With none it still runs, for trying
it out: Slack is off and /api/messages answers this machine without authentication.

SIGTERM or SIGINT stops it cleanly: no new connections, requests in progress finish (at most
${SHUTDOWN_GRACE_MS / 1000} s), the event and the deliveries in hand are finished, the database is closed, one
"stopped" log line, exit 0. A second signal a second or more later stops it at once.

  -h, --help  this text
`;

/** A bad setting: one line naming it and what is allowed (never a stack, never its value), then exit 1. */
function refuse(log: Logger, error: ConfigError): never {
  log.fatal(error.message, { settings: error.settings });
  log.flush();
  process.exit(1);
}

/** Where the data lives, for the start-up line: the SQLite file's full path, or PostgreSQL's host and database (never the password). */
function storage(config: Config): { msg: string; fields: Record<string, unknown> } {
  const file = sqliteFileOf(config.DATABASE_URL);
  if (file !== undefined) {
    const path = file === ':memory:' ? file : resolve(file);
    return { msg: `storage: SQLite ${path}`, fields: { storage: 'sqlite', file: path } };
  }
  const url = new URL(config.DATABASE_URL!);
  const where = `${url.host || 'localhost'}${url.pathname}`;
  return { msg: `storage: PostgreSQL ${where}`, fields: { storage: 'postgres', database: where } };
}

/**
 * What libraries print to the console (botbuilder's token checks print errors with their stacks)
 * goes through the logger: one JSON line, the first line of the text, so stderr stays JSON lines.
 */
function consoleToLog(log: Logger): void {
  const text = (args: unknown[]) =>
    args
      .map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : inspect(a, { breakLength: Infinity, depth: 2 })))
      .join(' ')
      .split('\n')[0]!
      .slice(0, 500);
  console.error = console.warn = (...args: unknown[]) => log.warn(text(args), { from: 'console' });
  console.log = console.info = (...args: unknown[]) => log.info(text(args), { from: 'console' });
  console.debug = console.trace = (...args: unknown[]) => log.debug(text(args), { from: 'console' });
}

async function main() {
  helpIfAsked(HELP);
  const config = readConfig();
  const log = createLogger(config.LOG_LEVEL);
  consoleToLog(log);
  // a fault nothing caught ends the process (a supervisor restarts it; nothing acknowledged is lost):
  // one fatal line with the error's message and code, not Node's stack
  process.on('uncaughtException', (error) => {
    log.fatal('uncaught exception: stopping', errorFields(error));
    log.flush();
    process.exit(1);
  });
  const problems = productionProblems(config);
  if (problems.length > 0) refuse(log, new ConfigError(`Refusing to start in production with a channel that cannot verify its requests: ${problems.join(' ')}`));

  // SIGTERM (docker stop, systemctl stop) or SIGINT (Ctrl+C): stop cleanly, exit 0; during the start, as soon as the server is up
  let running: RunningServer | undefined;
  let stopping: { signal: NodeJS.Signals; at: number } | undefined;
  const shutdown = (server: RunningServer, { signal, at }: { signal: NodeJS.Signals; at: number }) =>
    server.close().then(
      () => {
        log.info('stopped', { signal, ms: Date.now() - at });
        log.flush();
        process.exit(0);
      },
      (error: unknown) => {
        log.error('stopping failed', errorFields(error));
        log.flush();
        process.exit(1);
      },
    );
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // the one signal often arrives twice: from the terminal or the supervisor to the whole process group, and passed on by npm
      if (Date.now() - stopping.at < 1000) return;
      log.warn(`${signal} again: stopping at once, without finishing`);
      log.flush();
      process.exit(128 + osConstants.signals[signal]);
    }
    stopping = { signal, at: Date.now() };
    log.info(`${signal}: stopping`);
    if (running) void shutdown(running, stopping);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // a Slack token that auth.test refuses is a bad setting too, found once the server runs
  running = await startServer(config, log, { onFatal: (error) => refuse(log, error) });
  if (stopping) return void shutdown(running, stopping);
  for (const [name, status] of [['Slack', slackStatus(config)], ['Teams', teamsStatus(config)]] as const) {
    if (status.on) log.info(`${name} is on: ${status.mode}`, { channel: name.toLowerCase(), on: true });
    else log.info(`${name} is off: ${status.reason}`, { channel: name.toLowerCase(), on: false });
  }
  const where = storage(config);
  log.info(where.msg, where.fields);
  if (running.metricsUrl) log.info(`metrics on port ${new URL(running.metricsUrl).port}`, { metrics: `${running.metricsUrl.replace('127.0.0.1', 'localhost')}/metrics` });
  log.info(`listening on port ${new URL(running.url).port}`, { health: `${running.url.replace('127.0.0.1', 'localhost')}/healthz` });
  if (!config.SLACK_BOT_TOKEN && !config.MicrosoftAppId) {
    const emulator = `${running.url.replace('127.0.0.1', 'localhost')}/api/messages`;
    // a person at a terminal gets the hint as text; a pipe (a supervisor, a log collector) gets JSON lines only
    if (process.stderr.isTTY) {
      process.stderr.write(
        [
          '',
          'No Slack or Teams settings, so no account is needed to try the bot:',
          '  - in this terminal: npm run chat',
          `  - in the Bot Framework Emulator: open ${emulator} (leave app id and password empty)`,
          'README.md explains how to connect Slack and Teams.',
          '',
        ].join('\n'),
      );
    } else {
      log.info(`No Slack or Teams settings: try the bot with npm run chat, or in the Bot Framework Emulator at ${emulator} (app id and password empty). README.md explains how to connect Slack and Teams.`);
    }
  }
}

main().catch((error: unknown) => {
  const log = createLogger('info');
  if (error instanceof ConfigError) refuse(log, error);
  log.fatal('the server could not start', errorFields(error));
  log.flush();
  process.exit(1);
});
