import type { z } from 'zod';
import { lazySchema } from '../data-file.js';

/**
 * The schemas of the knowledge files, built on first use (see lazySchema): a start from the
 * start-up cache reads data that passed them when the cache was written, and builds none.
 */
export const knowledgeSchemas = lazySchema((z) => {
  const text = z.string().trim().min(1);

  const source = z.strictObject({
    title: text,
    url: z.url({ protocol: /^https$/ }),
  });

  /** A data category a question can name, and the fact holding its delivery time. */
  const category = z.strictObject({
    days: text,
    terms: z.array(text).min(1),
  });

  const factName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/);

  /** A fingerprint of a section of the documentation page, as `npm run knowledge:check` computes it. */
  const fingerprint = z.string().regex(/^[0-9a-f]{16}$/, 'a fingerprint is 16 hex digits, written by npm run knowledge:check -- PAGE --accept');

  /**
   * A section of the documentation page an entry is written from, read by `npm run knowledge:check`:
   * its heading, a fingerprint of its text when the entry was last checked, and how each declared
   * fact reads there (the words around it, `{}` where the figure or name stands). A section just
   * declared has no fingerprint until `--accept` records one.
   */
  const pageSection = z.strictObject({
    heading: text,
    fingerprint: fingerprint.optional(),
    facts: z.record(factName, text).optional(),
  });

  /** Front matter of a knowledge entry. */
  const frontMatter = z.strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'ids are lower-case words joined by -'),
    titles: z.strictObject({ nb: text, en: text, nn: text.optional() }),
    sources: z.array(source),
    checked: z.iso.date(),
    facts: z.record(factName, z.union([z.number(), text])),
    /** Where on the documentation page the facts come from; entries not written from it have none. */
    page: z.array(pageSection).min(1).optional(),
    categories: z.record(z.string(), category).optional(),
    /** Deadlines: whether delivery times count calendar days or working days (Monday to Friday, public holidays off). */
    dayCount: z.enum(['calendar', 'working']).optional(),
    /** Deadlines: delivery times that depend on one data source or several (linked), as fact names. */
    bySources: z.strictObject({ one: factName, several: factName }).optional(),
    /** Price: cases where processing is free, with the words that name them; each has a "free-<case>" section. */
    freeCases: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.array(text).min(1)).optional(),
    purposeTerms: z.array(text).min(1).optional(),
    /** Phrases that deny research ("ikke forskning"): they route a request away from the research forms. */
    notResearchTerms: z.array(text).min(1).optional(),
    /** Words that make a question one for a person: the bot offers a support case. */
    needsPersonTerms: z.array(text).min(1).optional(),
  });

  /** Typed facts that rules compute with; a rule reads them only through these schemas. */
  const priceFacts = z
    .object({
      hourlyRateNok: z.number().positive(),
      vatPercent: z.number().min(0).max(100),
      /** Hours invoiced at least. */
      minimumHours: z.number().positive().optional(),
      /** `exact`: the hours spent; `started-hour`: every started hour as a whole one (2,5 → 3). */
      billing: z.enum(['exact', 'started-hour']).default('exact'),
      /** A fee per application on top of the hours, by number of data sources applied for. */
      baseFeeOneSourceNok: z.number().positive().optional(),
      baseFeeSeveralSourcesNok: z.number().positive().optional(),
    })
    .refine((f) => (f.baseFeeOneSourceNok === undefined) === (f.baseFeeSeveralSourcesNok === undefined), {
      message: 'baseFeeOneSourceNok and baseFeeSeveralSourcesNok come together',
      path: ['baseFeeSeveralSourcesNok'],
    });

  /** Every fact of the deadlines entry that ends in "Days" is a delivery time in whole days. */
  const deadlineFacts = z.record(z.string(), z.unknown()).superRefine((facts, ctx) => {
    for (const [name, value] of Object.entries(facts)) {
      if (name.endsWith('Days') && !(Number.isInteger(value) && (value as number) > 0)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'a delivery time is a whole number of days above 0' });
      }
    }
  });

  /** The first year NPR holds data for: a question naming a year of care before it asks which years NPR covers. */
  const dataPeriodFacts = z.looseObject({ startYear: z.union([z.number().int(), z.string().regex(/^\d{4}$/, 'a year of four digits')]) });

  return { fingerprint, frontMatter, priceFacts, deadlineFacts, dataPeriodFacts };
});

type Schemas = ReturnType<typeof knowledgeSchemas>;
export type FrontMatter = z.infer<Schemas['frontMatter']>;
export type PriceFacts = z.infer<Schemas['priceFacts']>;
