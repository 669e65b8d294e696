import { describe, expect, it } from 'vitest';
import { hasValidCheckDigits, isIdentityNumber, redactIdentityNumbers, REDACTED } from '../src/core/privacy.js';
import { toAnswerJson } from '../src/core/types.js';
import { identityNumbers, makeIdentityNumber } from './helpers/identity-numbers.js';
import { ask, testBot } from './helpers/bot.js';

const fnr = identityNumbers('010190', 3);
const dnr = identityNumbers('410190', 2); // day + 40
const hnr = identityNumbers('015190', 2); // month + 40
const from2032 = identityNumbers('020132', 3, 2); // check remainder 2: valid only under the 2032 rule

describe('identity numbers', () => {
  it('accepts valid fødselsnummer, D-nummer and H-nummer', () => {
    for (const n of [...fnr, ...dnr, ...hnr]) expect(isIdentityNumber(n), n).toBe(true);
  });

  it('accepts numbers valid only under the check-digit rule from 2032', () => {
    expect(from2032.length).toBeGreaterThan(0);
    for (const n of from2032) expect(hasValidCheckDigits(n), n).toBe(true);
    expect(makeIdentityNumber('020132', '999')).toBe('02013299997'); // Skatteetaten's own example
  });

  it('rejects a wrong check digit and an impossible date', () => {
    const n = fnr[0]!;
    const wrong = n.slice(0, 10) + ((Number(n[10]) + 1) % 10);
    expect(isIdentityNumber(wrong)).toBe(false);
    expect(isIdentityNumber('32139012345')).toBe(false);
  });

  it('redacts numbers written plain, with a space, with a dot or hyphen', () => {
    const n = fnr[0]!;
    for (const written of [n, `${n.slice(0, 6)} ${n.slice(6)}`, `${n.slice(0, 6)}.${n.slice(6)}`, `${n.slice(0, 6)}-${n.slice(6)}`]) {
      const r = redactIdentityNumbers(`fnr ${written}, hva nå?`);
      expect(r.text).toBe(`fnr ${REDACTED}, hva nå?`);
      expect(r.identityNumbers).toBe(1);
    }
  });

  it('leaves dates, prices, phone numbers and years alone', () => {
    for (const text of ['mottatt 1.12.2026', 'søknad 2027-02-10', '5 500 kr', 'ring 22 33 44 55', 'fra 1997 til 2024', 'konto 1234 5678']) {
      expect(redactIdentityNumbers(text).text).toBe(text);
    }
  });

  it('also redacts eleven digits that fail the check, since a mistyped number is still personal', () => {
    expect(redactIdentityNumbers('nummer 12345678901').redactions).toBe(1);
  });
});

describe('identity numbers in questions', () => {
  const bot = testBot();
  const all = [...fnr, ...dnr, ...hnr, ...from2032];

  it('never appear in the answer or its JSON, which asks not to share them and still answers', async () => {
    for (const n of all) {
      const reply = await ask(bot, `Hei, mitt fødselsnummer er ${n.slice(0, 6)} ${n.slice(6)}. Hva koster 5 timer?`);
      const json = JSON.stringify(toAnswerJson(reply));
      expect(json).not.toContain(n);
      expect(json).not.toContain(n.slice(6));
      expect(reply.question).toContain(REDACTED);
      expect(reply.text).toMatch(/Ikke del personopplysninger/);
      expect(reply.intent).toBe('pricing');
      expect(reply.text).toContain('6 875');
    }
  });

  it('are not kept in conversation state', async () => {
    const n = fnr[1]!;
    await bot.answer({ conversationId: 'privacy-state', text: `pasient ${n} hvor lang tid tar det?` });
    const state = await bot.store.get('privacy-state');
    expect(JSON.stringify(state)).not.toContain(n);
  });
});
