import type { DeadlineFacts } from '../../knowledge/schema.js';
import type { KnowledgeEntry } from '../../knowledge/entry.js';
import { addDays, type Day } from '../../understand/slots.js';
import type { TermList, WordParts } from '../../understand/terms.js';

/** The data categories of knowledge/deadlines.md, with the words that name them. */
export class DataCategories {
  private readonly groups: { name: string; daysFact: keyof DeadlineFacts; terms: TermList }[];

  constructor(deadlines: KnowledgeEntry, list: (terms: readonly string[]) => TermList) {
    this.groups = Object.entries(deadlines.categories ?? {}).map(([name, c]) => ({
      name,
      daysFact: c.days as keyof DeadlineFacts,
      terms: list(c.terms),
    }));
  }

  /**
   * The category a question names. When it names categories with different delivery times
   * ("anonyme eller personidentifiserbare?") it names none, and both times are given.
   */
  find(read: WordParts): { name: string; daysFact: keyof DeadlineFacts } | undefined {
    const found = this.groups.filter((g) => g.terms.has(read));
    if (found.length === 0 || new Set(found.map((g) => g.daysFact)).size > 1) return undefined;
    return found[0];
  }

  daysFactOf(name: string): keyof DeadlineFacts | undefined {
    return this.groups.find((g) => g.name === name)?.daysFact;
  }
}

/** The day a delivery time of `days` calendar days, counted from `received`, ends. */
export function dueDate(received: Day, days: number): Day {
  return addDays(received, days);
}
