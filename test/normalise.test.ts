import { describe, expect, it } from 'vitest';
import { MAX_QUESTION_CHARS, normalise, stripMarkup, tokenize } from '../src/core/understand/normalise.js';

describe('normalise', () => {
  it('removes Slack mentions and broadcasts and keeps link labels', () => {
    expect(normalise('<@U024BE7LH> hva koster det?').text).toBe('hva koster det?');
    expect(normalise('<!channel> <!here|here> how long does it take').text).toBe('how long does it take');
    expect(normalise('se <https://helsedata.no|helsedata> og <#C123|general>').text).toBe('se helsedata og');
    expect(normalise('<mailto:a@b.no|a@b.no> <https://x.no>').text).toBe('a@b.no https://x.no');
    expect(normalise('<!subteam^S123|@support> hjelp').text).toBe('hjelp');
  });

  it('removes Teams mentions, HTML tags and decodes entities', () => {
    expect(normalise('<at>NPR-bot</at> hva koster det?').text).toBe('hva koster det?');
    expect(normalise('<p>Hva&nbsp;koster <b>det</b>?</p>').text).toBe('Hva koster det ?');
    expect(stripMarkup('A &amp; B &lt;3 &#229;')).toBe('A & B <3 å');
  });

  it('folds Unicode forms, white space and control characters', () => {
    expect(normalise('Ｈｖａ\u00a0koster\tdet?\u0000\u200b').text).toBe('Hva koster det?');
    expect(normalise('e\u0301').text).toBe('é');
    expect(normalise('  \n ').text).toBe('');
    expect(normalise('\ufffd\ufffd ok').text).toBe('ok');
  });

  it('leaves text of printable ASCII and the letters À–ÿ as it is, which it does not normalise', () => {
    const stable = [...Array(0x7f - 0x20).keys()].map((i) => String.fromCharCode(0x20 + i)).concat([...Array(0x40).keys()].map((i) => String.fromCharCode(0xc0 + i)));
    for (const a of stable) for (const b of stable) expect((a + b).normalize('NFKC')).toBe(a + b);
    expect(normalise(' Søknad på ærend, très bien? ').text).toBe('Søknad på ærend, très bien?');
  });

  it('reads a long question only up to the limit and says so', () => {
    const long = normalise('pris '.repeat(4000));
    expect(long.truncated).toBe(true);
    expect(long.text.length).toBe(MAX_QUESTION_CHARS);
  });

  it('tokenizes into lower-case words and numbers', () => {
    expect(tokenize('Hva koster 3,5 timer i NPR?')).toEqual(['hva', 'koster', '3', '5', 'timer', 'i', 'npr']);
  });
});
