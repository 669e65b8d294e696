import type { KnowledgeEntry } from '../../knowledge/entry.js';

/** A year as written in a question, or a decade ("1980s"). */
const YEAR = /^(1[89]\d\d|20\d\d)s?$/;

/**
 * The first year NPR holds data for (the `startYear` fact of knowledge/data-period.md, checked by
 * `npm run validate`), and whether a question names a year before it: "Eg var innlagd på sjukehus i
 * 1995. Er det med i NPR?" asks which years NPR covers.
 */
export class DataPeriod {
  private readonly startYear: number | undefined;

  constructor(
    period: KnowledgeEntry | undefined,
    /** Words after which a year is a year of birth ("født i 1950"), not a year of care. */
    private readonly birthWords: ReadonlySet<string>,
  ) {
    const year = Number(period?.facts.startYear);
    this.startYear = Number.isInteger(year) ? year : undefined;
  }

  /** Whether `words` name a year before the first one NPR holds data for, other than a year of birth. */
  namesYearBefore(words: readonly string[]): boolean {
    if (this.startYear === undefined) return false;
    for (let i = 0; i < words.length; i++) {
      const m = YEAR.exec(words[i]!);
      if (!m || Number(m[1]) >= this.startYear) continue;
      const before = i >= 2 && (words[i - 1] === 'i' || words[i - 1] === 'in') ? words[i - 2]! : (words[i - 1] ?? '');
      if (!this.birthWords.has(before)) return true;
    }
    return false;
  }
}
