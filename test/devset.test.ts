import { describe, expect, it } from 'vitest';
import { accuracy, evaluateDevset, evaluateHeldOut } from '../src/tools/evaluate.js';

// each answers several hundred questions: seconds on a busy machine, so no default 5 s limit
describe('question sets', { timeout: 60_000 }, () => {
  it('answers at least 95 % of the development set right (intent and facts)', async () => {
    const score = await evaluateDevset();
    expect(score.total).toBeGreaterThanOrEqual(200);
    expect(accuracy(score), JSON.stringify(score.failures, null, 1)).toBeGreaterThanOrEqual(0.95);
  });

  it('recognises at least 95 % of the held-out intent tests, which training never sees', async () => {
    const score = await evaluateHeldOut();
    expect(accuracy(score), JSON.stringify(score.failures, null, 1)).toBeGreaterThanOrEqual(0.95);
  });
});
