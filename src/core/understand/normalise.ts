import { decodeHTML } from 'entities/decode';

/** Questions longer than this are read only this far. */
export const MAX_QUESTION_CHARS = 2000;

/**
 * Removes Slack and Teams markup: user and channel mentions and broadcasts disappear, links keep
 * their label, HTML tags go and entities are decoded.
 */
export function stripMarkup(raw: string): string {
  return decodeHTML(
    raw
      .replace(/<at>[^<]*<\/at>/gi, ' ') // Teams mention
      .replace(/<[@#!][^<>]*>/g, ' ') // Slack <@U123>, <#C123|name>, <!channel>, <!subteam^S1|@team>
      .replace(/<((?:https?|mailto):[^<>|]*)\|([^<>]*)>/g, '$2') // Slack <https://x|label>
      .replace(/<((?:https?|mailto):[^<>|]*)>/g, '$1')
      .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, '\n')
      .replace(/<\/?[a-zA-Z][^<>]*>/g, ' '),
  );
}

export interface Normalised {
  /** Clean text for display and matching: markup gone, white space folded. */
  text: string;
  truncated: boolean;
}

/** Anything markup, entities, emphasis or control characters could start: without one, the cleaning is skipped. */
const NEEDS_CLEANING = /[<>&*_~`\p{Cc}\p{Cs}\p{Co}\ufffd\u200b-\u200f\u2028\u2029\ufeff]|\s{2}/u;

/**
 * Printable ASCII and the letters À–ÿ (æ, ø, å, é, ü, …), which NFKC and NFC leave as they are:
 * text of these alone skips the two normalisations.
 */
const STABLE_UNDER_NFKC = /^[\x20-\x7e\u00c0-\u00ff]*$/;

export function normalise(raw: string): Normalised {
  const stable = STABLE_UNDER_NFKC.test(raw);
  const composed = stable ? raw : raw.normalize('NFKC');
  if (!NEEDS_CLEANING.test(composed)) {
    const plain = (stable ? composed : composed.normalize('NFC')).trim();
    const truncated = plain.length > MAX_QUESTION_CHARS;
    return { text: truncated ? plain.slice(0, MAX_QUESTION_CHARS) : plain, truncated };
  }
  const clean = stripMarkup(composed)
    .normalize('NFC')
    // control characters, the replacement character and unpaired surrogates: junk, not text
    .replace(/[\p{Cc}\p{Cs}\p{Co}\ufffd\u200b-\u200f\u2028\u2029\ufeff]/gu, ' ')
    .replace(/[*_~`]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const truncated = clean.length > MAX_QUESTION_CHARS;
  return { text: truncated ? clean.slice(0, MAX_QUESTION_CHARS) : clean, truncated };
}

/** Lower-cased words and numbers, the unit everything else matches on. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** True when the text holds at least one letter or digit worth reading. */
export function hasReadableText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
