/**
 * `npm run report [-- --days 30] [-- --json]`: the questions the bot could not answer, grouped by
 * likeness; answers marked not helpful, by intent; support cases and time to first reply.
 */
import { openDb } from '../store/db.js';
import { migrate } from '../store/migrations.js';
import { buildReport } from '../store/report.js';
import { loadBotData } from '../core/bot.js';
import { staleEntries } from '../core/knowledge/staleness.js';
import { command, usageError } from './cli-util.js';
import { settingsOrExit } from './settings.js';

const HELP = `npm run report -- [--days N] [--json]

What needs a person's attention: the questions the bot could not answer, grouped by likeness;
answers marked not helpful, by intent; support cases and the time to first reply; deliveries
still waiting and those given up; knowledge not checked against its source for
KNOWLEDGE_MAX_AGE_DAYS (180).

  --days N    the last N days (default 30)
  --json      one JSON object instead of the text
  -h, --help  this text

Database: DATABASE_URL (postgres://…, or an SQLite file), else data/npr-bot.sqlite; .env is read.
`;

const { values } = command(HELP, { days: { type: 'string', default: '30' }, json: { type: 'boolean', default: false } });
const days = Number(values.days);
if (!Number.isFinite(days) || days <= 0) usageError(HELP, '--days takes a positive number');
const config = settingsOrExit();
const db = openDb(config.DATABASE_URL);
try {
  await migrate(db);
  const r = await buildReport(db, days);
  const stale = staleEntries(loadBotData().kb, new Date(), config.KNOWLEDGE_MAX_AGE_DAYS);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...r, staleKnowledge: stale })}\n`);
  } else {
    const out: string[] = [`Last ${days} days (since ${r.since})`, '', 'Questions the bot could not answer, grouped by likeness:'];
    if (r.unanswered.length === 0) out.push('  none');
    for (const g of r.unanswered.slice(0, 30)) out.push(`  ${String(g.count).padStart(4)} × ${g.example}`);
    out.push('', 'Answers marked not helpful, by intent:');
    if (r.notHelpful.length === 0) out.push('  none');
    for (const f of r.notHelpful) out.push(`  ${f.intent.padEnd(22)} ${f.notHelpful} not helpful, ${f.helpful} helpful`);
    const t = r.cases.firstReplyMinutes;
    out.push('', `Support cases: ${r.cases.total} (${Object.entries(r.cases.byStatus).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'})`);
    out.push(`Time to first reply: ${t.replied ? `median ${t.median} min, average ${t.average} min over ${t.replied} cases` : 'no replies yet'}`);
    const w = r.waiting;
    out.push(`Deliveries waiting: ${w.count}${w.oldest ? ` (oldest from ${w.oldest})` : ''}`);
    for (const e of w.lastErrors) out.push(`  last error: ${e}`);
    out.push(`Deliveries given up: ${r.dead.count}${r.dead.events ? `; events that could not be handled: ${r.dead.events}` : ''}`);
    for (const d of r.dead.items.slice(0, 20)) out.push(`  ${d.kind.padEnd(12)} queued ${d.queued}, ${d.attempts} attempts: ${d.error ?? ''}`);
    out.push('', `Knowledge not checked against its sources for more than ${config.KNOWLEDGE_MAX_AGE_DAYS} days:`);
    if (stale.length === 0) out.push('  none');
    for (const s of stale) out.push(`  ${s.file}: checked ${s.checked}, ${s.ageDays} days ago`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
} finally {
  await db.close();
}
