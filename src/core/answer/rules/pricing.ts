import type { KnowledgeEntry } from '../../knowledge/entry.js';
import type { PriceFacts } from '../../knowledge/schema.js';
import type { TermList, WordParts } from '../../understand/terms.js';
import type { SourceCount } from './deadlines.js';

export interface PriceEstimate {
  hours: number;
  /** The hours invoiced: started hours counted whole where the terms say so, at least the minimum. */
  billedHours: number;
  /** Why more hours are invoiced than asked about: the minimum, or started hours counted whole. */
  raisedBy?: 'minimum' | 'started-hour';
  /** The application's fee on top of the hours, when the terms have one. */
  baseFee?: number;
  excl: number;
  incl: number;
}

const toOre = (nok: number) => Math.round(nok * 100) / 100;

/** The hourly rate with VAT: what an hour costs, computed, for a question that asks the rate including VAT. */
export const rateWithVat = (facts: PriceFacts) => toOre(facts.hourlyRateNok * (1 + facts.vatPercent / 100));

/** Whether the terms charge a base fee, so that the price depends on how many data sources are applied for. */
export const hasBaseFee = (facts: PriceFacts) => facts.baseFeeOneSourceNok !== undefined;

/**
 * The invoice for `hours` of case processing under the price entry's terms: each started hour as a
 * whole one where the terms say so, at least the minimum, the base fee for one or several data
 * sources, VAT on top.
 */
export function estimatePrice(facts: PriceFacts, hours: number, sourceCount: SourceCount = 'one'): PriceEstimate {
  const started = facts.billing === 'started-hour' ? Math.ceil(hours - 1e-9) : hours;
  const billedHours = Math.max(started, facts.minimumHours ?? 0);
  const raisedBy = billedHours > started ? 'minimum' : started > hours ? 'started-hour' : undefined;
  const baseFee = sourceCount === 'several' ? facts.baseFeeSeveralSourcesNok : facts.baseFeeOneSourceNok;
  const excl = toOre((baseFee ?? 0) + billedHours * facts.hourlyRateNok);
  const estimate: PriceEstimate = { hours, billedHours, excl, incl: toOre(excl * (1 + facts.vatPercent / 100)) };
  if (raisedBy) estimate.raisedBy = raisedBy;
  if (baseFee !== undefined) estimate.baseFee = baseFee;
  return estimate;
}

/** The invoices of several requests together, each of its hours under the terms (at least the minimum each). */
export function estimateTotal(facts: PriceFacts, hoursEach: readonly number[]): { each: PriceEstimate[]; billedHours: number; excl: number; incl: number } {
  const each = hoursEach.map((h) => estimatePrice(facts, h));
  const billedHours = each.reduce((sum, e) => sum + e.billedHours, 0);
  const excl = toOre(each.reduce((sum, e) => sum + e.excl, 0));
  return { each, billedHours, excl, incl: toOre(excl * (1 + facts.vatPercent / 100)) };
}

/** The cases knowledge/price.md names as free of charge, with the words that name them. */
export class FreeCases {
  private readonly cases: { name: string; terms: TermList }[];

  constructor(price: KnowledgeEntry, list: (terms: readonly string[]) => TermList) {
    this.cases = Object.entries(price.freeCases ?? {}).map(([name, terms]) => ({ name, terms: list(terms) }));
  }

  find(read: WordParts): string | undefined {
    return this.cases.find((c) => c.terms.has(read))?.name;
  }
}
