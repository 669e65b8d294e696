/** `npm run purge`: deletes conversations and cases older than RETENTION_DAYS (default 90) and says what it removed. */
import { openDb } from '../store/db.js';
import { migrate } from '../store/migrations.js';
import { purgeOlderThan } from '../store/purge.js';
import { command } from './cli-util.js';
import { settingsOrExit } from './settings.js';

command(
  `npm run purge

Deletes conversations, support cases (with their events and deliveries), feedback, unanswered
questions and event ids last changed more than RETENTION_DAYS (default 90) days ago, and says
what it removed. The server does the same at start and daily.

  -h, --help  this text

Database: DATABASE_URL (postgres://…, or an SQLite file), else data/npr-bot.sqlite; .env is read.
`,
  {},
);

const config = settingsOrExit();
const db = openDb(config.DATABASE_URL);
try {
  await migrate(db);
  const r = await purgeOlderThan(db, config.RETENTION_DAYS);
  process.stdout.write(
    `Removed what was last changed before ${r.cutoff} (RETENTION_DAYS=${config.RETENTION_DAYS}): ` +
      `${r.conversations} conversations, ${r.cases} cases (with their events and deliveries), ` +
      `${r.feedback} feedback clicks, ${r.unanswered} unanswered questions, ${r.events} event ids.\n`,
  );
} finally {
  await db.close();
}
