import { z } from 'zod';

const text = z.string().trim().min(1);

export const sourceSchema = z.strictObject({
  title: text,
  url: z.url({ protocol: /^https$/ }),
});

/** A data category a question can name, and the fact holding its delivery time. */
const categorySchema = z.strictObject({
  days: text,
  terms: z.array(text).min(1),
});

/** Front matter of a knowledge entry. */
export const frontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'ids are lower-case words joined by -'),
  titles: z.strictObject({ nb: text, en: text, nn: text.optional() }),
  sources: z.array(sourceSchema),
  checked: z.iso.date(),
  facts: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/), z.union([z.number(), text])),
  categories: z.record(z.string(), categorySchema).optional(),
  purposeTerms: z.array(text).min(1).optional(),
  /** Phrases that deny research ("ikke forskning"): they route a request away from the research forms. */
  notResearchTerms: z.array(text).min(1).optional(),
  /** Words that make a question one for a person: the bot offers a support case. */
  needsPersonTerms: z.array(text).min(1).optional(),
});
export type FrontMatter = z.infer<typeof frontMatterSchema>;

/** Typed facts that rules compute with; a rule reads them only through these schemas. */
export const priceFactsSchema = z.object({
  hourlyRateNok: z.number().positive(),
  minimumHours: z.number().positive(),
  vatPercent: z.number().min(0).max(100),
});
export type PriceFacts = z.infer<typeof priceFactsSchema>;

export const deadlineFactsSchema = z.object({
  anonymousDays: z.number().int().positive(),
  identifiableDays: z.number().int().positive(),
});
export type DeadlineFacts = z.infer<typeof deadlineFactsSchema>;
