/** `npm start`: the HTTP server for Slack and Teams. Runs with no settings at all, for trying it out. */
import { ConfigError, productionProblems, readConfig, slackStatus, teamsStatus } from './config.js';
import { createLogger, errorFields } from '../log.js';
import { startServer } from './server.js';

async function main() {
  const config = readConfig();
  const log = createLogger(config.LOG_LEVEL);
  const problems = productionProblems(config);
  if (problems.length > 0) {
    for (const p of problems) log.error(p);
    throw new ConfigError('Refusing to start in production with a channel that cannot verify its requests.');
  }
  const running = await startServer(config, log);
  for (const [name, status] of [['Slack', slackStatus(config)], ['Teams', teamsStatus(config)]] as const) {
    if (status.on) log.info(`${name} is on: ${status.mode}`);
    else log.info(`${name} is off: ${status.reason}`);
  }
  log.info(`storage: ${running.db.dialect}`);
  log.info(`listening on port ${new URL(running.url).port}`, { health: `${running.url.replace('127.0.0.1', 'localhost')}/healthz` });
  if (!config.SLACK_BOT_TOKEN && !config.MicrosoftAppId) {
    process.stderr.write(
      [
        '',
        'No Slack or Teams settings, so no account is needed to try the bot:',
        '  - in this terminal: npm run chat',
        `  - in the Bot Framework Emulator: open ${running.url.replace('127.0.0.1', 'localhost')}/api/messages (leave app id and password empty)`,
        'README.md explains how to connect Slack and Teams.',
        '',
      ].join('\n'),
    );
  }
  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else createLogger('error').error('the server could not start', errorFields(error));
  process.exit(1);
});
