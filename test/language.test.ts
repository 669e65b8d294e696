import { describe, expect, it } from 'vitest';
import { testBot } from './helpers/bot.js';
import { Reader } from '../src/core/understand/understand.js';

const bot = testBot();
const reader = new Reader(bot.data.intents, bot.data.kb, bot.data.lexicon);
const lang = (text: string) => reader.read(text, new Date()).lang;

describe('language detection', () => {
  it.each([
    ['Hva koster det å få data fra NPR?', 'nb'],
    ['Hvor lang tid tar det?', 'nb'],
    ['prisen?', 'nb'],
    ['Kva kostar det å få data frå NPR?', 'nn'],
    ['Korleis søkjer eg om data til eit forskingsprosjekt?', 'nn'],
    ['Kor lang tid tek det før vi får dataa?', 'nn'],
    // words both forms share: bokmål, as most Norwegian is written
    ['søknaden var komplett 1. april 2026, når er fristen?', 'nb'],
    ['How much does it cost to get data from NPR?', 'en'],
    ['turnaround?', 'en'],
    ['Who is the data controller?', 'en'],
  ] as const)('%s → %s', (text, expected) => {
    expect(lang(text)).toBe(expected);
  });

  it('answers in the language of the question', async () => {
    expect((await bot.answer({ conversationId: 'l1', text: 'What does it cost?' })).text).toContain('NOK 1,100');
    expect((await bot.answer({ conversationId: 'l2', text: 'Hva koster det?' })).text).toContain('1 100 kr');
    expect((await bot.answer({ conversationId: 'l3', text: 'Kva kostar det?' })).text).toContain('timar');
  });

  it('keeps the conversation language when a message has no words to tell it by', async () => {
    await bot.answer({ conversationId: 'l4', text: 'How long does it take?' });
    expect((await bot.answer({ conversationId: 'l4', text: '👍' })).lang).toBe('en');
  });
});

describe('questions typed without æ, ø and å', () => {
  it('are read with the letters put back', async () => {
    const bot = testBot();
    expect((await bot.answer({ conversationId: 'ascii1', text: 'aapne data fra npr?' })).intent).toBe('open_data');
    expect((await bot.answer({ conversationId: 'ascii2', text: 'hvordan soker jeg paa helsedata?' })).intent).toBe('apply_research');
  });

  it('a greeting in front of a question does not hide the question', async () => {
    const bot = testBot();
    const r = await bot.answer({ conversationId: 'greet-q', text: 'Hei! Har dere en e-postadresse til NPR som jeg kan sende spørsmål til?' });
    expect(r.intent).toBe('contact');
    expect(r.text).toContain('helseregistre@helsedir.no');
  });
});
