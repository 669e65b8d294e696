import type { z } from 'zod';
import { lazySchema } from '../data-file.js';

/** The rules an intent can answer through (see src/core/answer/rules). */
export const RULES = ['pricing', 'deadlines', 'routing'] as const;

/** An intent file's schema, built on first use (see lazySchema): a start from the start-up cache builds none. */
export const intentFileSchema = lazySchema((z) => {
  const utterance = z.string().trim().min(1);
  const utterances = (min: number) => z.array(utterance).min(min, `needs at least ${min} utterances`);
  return z.strictObject({
    intent: z.string().regex(/^[a-z][a-z_]*$/),
    answer: z.strictObject({
      knowledge: z.string().min(1),
      rule: z.enum(RULES).optional(),
    }),
    /** Words that alone point at this intent; a term ending in * matches words starting with it. */
    keywords: z.array(utterance).optional(),
    examples: z.strictObject({ nb: utterances(15), nn: utterances(5), en: utterances(10) }),
    /** Held out: never indexed, only evaluated. */
    tests: z.strictObject({ nb: utterances(1), nn: utterances(1), en: utterances(1) }),
  });
});
export type IntentFile = z.infer<ReturnType<typeof intentFileSchema>>;

export interface IntentDef extends IntentFile {
  file: string;
  /** Line of each utterance, keyed `examples.nb.3`, for problems found later. */
  lines: Map<string, number>;
}
