import type { PriceFacts } from '../../knowledge/schema.js';

export interface PriceEstimate {
  hours: number;
  billedHours: number;
  excl: number;
  incl: number;
}

const toOre = (nok: number) => Math.round(nok * 100) / 100;

/** The invoice for `hours` of case processing: at least the minimum, VAT on top. */
export function estimatePrice(facts: PriceFacts, hours: number): PriceEstimate {
  const billedHours = Math.max(hours, facts.minimumHours);
  const excl = toOre(billedHours * facts.hourlyRateNok);
  return { hours, billedHours, excl, incl: toOre(excl * (1 + facts.vatPercent / 100)) };
}
