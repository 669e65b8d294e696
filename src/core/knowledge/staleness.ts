import { z } from 'zod';
import type { KnowledgeBase } from './entry.js';

/** `KNOWLEDGE_MAX_AGE_DAYS`: an entry not checked against its sources for longer is stale (default 180). */
export const maxAgeDaysSchema = z.coerce.number().int().positive().default(180);

export interface StaleEntry {
  file: string;
  checked: string;
  ageDays: number;
}

/** Entries whose facts were last checked more than `maxAgeDays` before `now`, oldest first. */
export function staleEntries(kb: KnowledgeBase, now: Date, maxAgeDays: number): StaleEntry[] {
  const stale: StaleEntry[] = [];
  for (const e of kb.entries.values()) {
    if (e.sources.length === 0) continue; // the bot's own words cite nothing and go stale with nothing
    const ageDays = Math.floor((now.getTime() - Date.parse(`${e.checked}T00:00:00Z`)) / 86_400_000);
    if (ageDays > maxAgeDays) stale.push({ file: e.file, checked: e.checked, ageDays });
  }
  return stale.sort((a, b) => b.ageDays - a.ageDays);
}

export const describeStale = (s: StaleEntry, maxAgeDays: number) =>
  `${s.file}: facts last checked ${s.checked}, ${s.ageDays} days ago (more than ${maxAgeDays}); check them against the page: npm run knowledge:check`;
