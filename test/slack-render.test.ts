import { describe, expect, it } from 'vitest';
import { BLOCK_LIMIT, escapeMrkdwn, renderSlack, SECTION_LIMIT, splitText } from '../src/channels/slack/render.js';
import { viewOf } from '../src/channels/reply-view.js';
import { ask, testBot } from './helpers/bot.js';

describe('Slack rendering', () => {
  it('escapes the three characters Slack reads as markup', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });

  it('splits long text at word boundaries within the section limit', () => {
    const pieces = splitText('ord '.repeat(2000).trim());
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(SECTION_LIMIT);
    expect(pieces.join(' ').split(' ').length).toBe(2000);
  });

  it('says in the sources line when each source was checked, in the reply\'s language', async () => {
    const bot = testBot();
    for (const [question, words] of [
      ['hva koster det?', 'sjekket 25.11.2026'],
      ['kva kostar det?', 'sjekka 25.11.2026'],
      ['what does it cost?', 'checked 25 Nov 2026'],
    ] as const) {
      const context = renderSlack(viewOf(bot, await ask(bot, question)), { action: { conversationId: 'c', lang: 'nb' } })[0]!.blocks.find((b) => b.type === 'context');
      expect(JSON.stringify(context)).toContain(words);
    }
  });

  it('splits a reply longer than one message into several, never over the limits, buttons last', async () => {
    const bot = testBot();
    const reply = await ask(bot, 'hva koster det?');
    const long = { ...reply, text: Array.from({ length: 60 }, (_, i) => `Avsnitt ${i}: ${'tekst '.repeat(600)}`).join('\n\n') };
    const messages = renderSlack(viewOf(bot, long), { action: { conversationId: 'c', lang: 'nb' } });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(BLOCK_LIMIT);
      for (const b of m.blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(SECTION_LIMIT);
    }
    expect(messages.at(-1)!.blocks.at(-1)!.type).toBe('actions');
    expect(messages.slice(0, -1).every((m) => m.blocks.every((b) => b.type !== 'actions'))).toBe(true);
  });
});
