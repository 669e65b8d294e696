/** `npm run purge`: deletes conversations and cases older than RETENTION_DAYS (default 90) and says what it removed. */
import { readConfig } from '../server/config.js';
import { openDb } from '../store/db.js';
import { migrate } from '../store/migrations.js';
import { purgeOlderThan } from '../store/purge.js';

const config = readConfig();
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
