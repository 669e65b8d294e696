import type { KnowledgeEntry } from '../../knowledge/entry.js';
import type { TermList, WordParts } from '../../understand/terms.js';
import type { Day } from '../../understand/slots.js';
import { dueDate, type DayCount } from './calendar.js';

/** How many data sources an application is for: terms may differ for linked data. */
export type SourceCount = 'one' | 'several';

/** The data categories of knowledge/deadlines.md, with the words that name them. */
export class DataCategories {
  private readonly groups: { name: string; daysFact: string; terms: TermList }[];

  constructor(
    deadlines: KnowledgeEntry,
    list: (terms: readonly string[]) => TermList,
    /** Words that deny what follows ("ikke statistikk"): a category named after one is not the one asked about. */
    private readonly negations: ReadonlySet<string> = new Set(),
    /** Words after a category that leave it open ("anonyme eller ikke"). */
    private readonly undecided?: TermList,
  ) {
    this.groups = Object.entries(deadlines.categories ?? {}).map(([name, c]) => ({ name, daysFact: c.days, terms: list(c.terms) }));
  }

  /**
   * The category a question names, but for one it denies ("personidentifiserbare, ikke
   * statistikk"). When it names categories with different delivery times ("anonyme eller
   * personidentifiserbare?") it names none, and both times are given.
   */
  find(read: WordParts): { name: string; daysFact: string } | undefined {
    const found = this.groups.filter((g) => g.terms.has(read) && !this.denied(g.terms, read));
    if (found.length === 0 || new Set(found.map((g) => g.daysFact)).size > 1) return undefined;
    return found[0];
  }

  /** Whether words within [from, to) name a category (denied or not). */
  namedIn(read: WordParts, from: number, to: number): boolean {
    return this.groups.some((g) => g.terms.has(read, from, to));
  }

  /**
   * "The other kind" after this category: the last one with another delivery time (knowledge
   * lists the plain category of each time last: anonymous data, person-identifiable data).
   */
  readonly otherThan = (name: string): string | undefined => {
    const days = this.groups.find((g) => g.name === name)?.daysFact;
    return days === undefined ? undefined : this.groups.findLast((g) => g.daysFact !== days)?.name;
  };

  /** Every place a category is named follows a word that denies it, or is followed by words that leave it open. */
  private denied(terms: TermList, read: WordParts): boolean {
    const covered = terms.covered(read);
    for (const at of covered) {
      if (covered.has(at - 1) || this.negations.has(read.words[at - 1] ?? '')) continue;
      let end = at + 1;
      while (covered.has(end)) end++;
      if (!this.undecided?.matches(read, end, end + 2).some((m) => m.at === end)) return false;
    }
    return true;
  }
}

/** "identifiableDays" → "dueIdentifiable": the name a due date computed from a delivery-time fact goes by. */
export const dueName = (daysFact: string) => `due${daysFact[0]!.toUpperCase()}${daysFact.slice(1).replace(/Days$/, '')}`;

/** The delivery-time facts of the deadlines entry: every fact whose name ends in "Days". */
export const daysFacts = (e: KnowledgeEntry) => Object.keys(e.facts).filter((name) => name.endsWith('Days'));

/**
 * The delivery times of knowledge/deadlines.md as data: in calendar or working days, chosen by the
 * data category a question names, or by one data source versus several.
 */
export class DeliveryTimes {
  readonly count: DayCount;
  /** The delivery-time facts, by name: each gives a due date when the question leaves the choice open. */
  readonly all: ReadonlyMap<string, number>;
  private readonly byCategory: Map<string, string>;
  readonly bySources?: Record<SourceCount, string>;

  constructor(deadlines: KnowledgeEntry) {
    this.count = deadlines.dayCount ?? 'calendar';
    this.all = new Map(daysFacts(deadlines).map((name) => [name, deadlines.facts[name] as number]));
    this.byCategory = new Map(Object.entries(deadlines.categories ?? {}).map(([name, c]) => [name, c.days]));
    if (deadlines.bySources) this.bySources = deadlines.bySources;
  }

  /** The delivery-time fact that applies, or undefined when the question leaves it open (then all apply). */
  factFor(category: string | undefined, sourceCount: SourceCount | undefined): string | undefined {
    if (this.bySources) return sourceCount ? this.bySources[sourceCount] : undefined;
    return category ? this.byCategory.get(category) : undefined;
  }

  due(complete: Day, days: number): Day {
    return dueDate(complete, days, this.count);
  }

  /** Whether the delivery time has passed: every one that may apply, when the question leaves it open. */
  passed(complete: Day, category: string | undefined, sourceCount: SourceCount | undefined, today: Day): boolean {
    const fact = this.factFor(category, sourceCount);
    const all = fact ? [this.all.get(fact)!] : [...this.all.values()];
    return all.every((n) => this.due(complete, n).getTime() < today.getTime());
  }
}
