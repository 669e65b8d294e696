import { describe, expect, it } from 'vitest';
import { testBot } from './helpers/bot.js';
import { MemoryConversationStore } from '../src/core/state/store.js';

describe('follow-ups complete the previous question', () => {
  const bot = testBot();
  const say = (conversationId: string, text: string) => bot.answer({ conversationId, text });

  it('price, then hours', async () => {
    expect((await say('c1', 'Hva koster det?')).rule).toBe('pricing.rate');
    const r = await say('c1', 'og for 8 timer?');
    expect(r).toMatchObject({ intent: 'pricing', rule: 'pricing.estimate' });
    expect(r.text).toContain('8 800 kr');
    expect(r.text).toContain('11 000 kr');
    const again = await say('c1', 'hva med 10?');
    expect(again.text).toContain('13 750 kr');
  });

  it('delivery time, then a data category', async () => {
    await say('c2', 'Hvor lang tid tar det?');
    const r = await say('c2', 'personidentifiserbare');
    expect(r).toMatchObject({ intent: 'deadlines', rule: 'deadlines.category' });
    expect(r.text).toContain('60 dager');
  });

  it('deadline, then the date, then the category', async () => {
    await say('c3', 'when is our deadline?');
    const dated = await say('c3', 'the complete application arrived on 3 March 2027');
    expect(dated).toMatchObject({ intent: 'deadlines', rule: 'deadlines.date' });
    expect(dated.text).toContain('2 April 2027');
    expect(dated.text).toContain('2 May 2027');
    const narrowed = await say('c3', 'and it is person-identifiable data');
    expect(narrowed.text).toContain('2 May 2027');
    expect(narrowed.text).not.toContain('2 April 2027');
  });

  it('a new topic is not taken for a follow-up', async () => {
    await say('c4', 'Hva koster det?');
    expect((await say('c4', 'Hvem er behandlingsansvarlig for NPR?')).intent).toBe('data_controller');
  });

  it('conversations do not share state', async () => {
    await say('c5', 'Hva koster det?');
    expect((await say('c6', 'og for 8 timer?')).text).toContain('8 800');
    expect((await say('c7', 'personidentifiserbare')).intent).not.toBe('pricing');
  });
});

describe('memory store', () => {
  it('forgets the least recently used conversation beyond its capacity', async () => {
    const store = new MemoryConversationStore(2);
    const state = { lang: 'nb' as const, unanswered: 0, updatedAt: '' };
    await store.set('a', state);
    await store.set('b', state);
    await store.get('a');
    await store.set('a', state);
    await store.set('c', state);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
  });

  it('keeps forgetting in order of use however conversations are set, used again and deleted', async () => {
    const store = new MemoryConversationStore(3);
    const kept: string[] = []; // the order a store of this capacity forgets in
    for (let i = 0; i < 2000; i++) {
      const id = `c${(i * 7919) % 11}`;
      const n = kept.indexOf(id);
      if (n >= 0) kept.splice(n, 1);
      if (i % 5 === 4) {
        await store.delete(id);
        continue;
      }
      await store.set(id, { lang: 'nb', unanswered: i, updatedAt: '' });
      kept.push(id);
      if (kept.length > 3) kept.shift();
    }
    for (let k = 0; k < 11; k++) expect((await store.get(`c${k}`))?.unanswered !== undefined).toBe(kept.includes(`c${k}`));
  });
});

describe('a question that could be either of two intents', () => {
  it('gets a question back offering both, and the short answer to it is understood in the same language', async () => {
    const bot = testBot();
    const asked = await bot.answer({ conversationId: 'clarify', text: 'pris eller frist?' });
    expect(asked.alternatives).toEqual(['pricing', 'deadlines']);
    expect(asked.text).toBe('Jeg er ikke sikker på hva du spør om. Gjelder det pris for data fra NPR eller leveringsfrister for data fra NPR?');
    const answered = await bot.answer({ conversationId: 'clarify', text: 'frist' });
    expect(answered).toMatchObject({ intent: 'deadlines', lang: 'nb', rule: 'deadlines.both' });
  });
});

describe('a message that asks two things', () => {
  it('answers both, in the order asked, with both sets of figures and sources', async () => {
    const bot = testBot();
    const r = await bot.answer({ conversationId: 'both', text: 'Hva koster 5 timer, og når får vi data hvis søknaden var komplett 1.12.2026?' });
    expect(r.intent).toBe('pricing');
    expect(r.text.indexOf('6 875 kr')).toBeGreaterThanOrEqual(0);
    expect(r.text.indexOf('31. desember 2026')).toBeGreaterThan(r.text.indexOf('6 875 kr'));
    expect(r.figures.map((f) => f.name)).toEqual(['billedHours', 'excl', 'incl', 'dueAnonymous', 'dueIdentifiable']);
    const en = await bot.answer({ conversationId: 'both-en', text: 'How long does it take and what does it cost?' });
    expect(en.intent).toBe('deadlines');
    expect(en.text).toContain('60 days');
    expect(en.text).toContain('NOK 1,100');
  });

  it('says the page is silent on a last question it does not answer, after the one it does', async () => {
    const bot = testBot();
    const r = await bot.answer({ conversationId: 'silent', text: 'Hva koster data fra NPR? Er det studentrabatt?' });
    expect(r.intent).toBe('pricing');
    expect(r.text).toContain('1 100 kr');
    expect(r.text).toContain('Det står ikke i dokumentasjonen');
    const en = await bot.answer({ conversationId: 'silent-en', text: 'How much does NPR charge for data? Is there a discount for students?' });
    expect(en.intent).toBe('pricing');
    expect(en.text).toContain('NOK 1,100');
    expect(en.text).toContain('does not say');
    // (not an alternative the first answer settles)
    const settled = await bot.answer({ conversationId: 'settled', text: 'Hvem er ansvarlig for registeret – FHI eller Helsedirektoratet?' });
    expect(settled.text).not.toContain('Det står ikke i dokumentasjonen');
  });
});
