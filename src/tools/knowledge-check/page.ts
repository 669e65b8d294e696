/**
 * The documentation page the knowledge is written from, read as sections by heading: from a file
 * (the page saved as HTML, or its text as in the seed) or from its URL. The text of a section is
 * normalised so that the saved text and an HTML rendering of the same page fingerprint alike.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Parser } from 'htmlparser2';

export interface PageSection {
  heading: string;
  /** Normalised: one block a line, bullets dropped, whitespace collapsed. */
  text: string;
  fingerprint: string;
}

export interface Page {
  /** The file or URL as given. */
  source: string;
  sections: PageSection[];
}

/** The page could not be read: the file is missing, the network is down, the server said no. */
export class PageUnreadable extends Error {
  readonly code = 'npr_bot_page_unreadable';
}

export const FETCH_TIMEOUT_MS = 10_000;

const BULLET = /^(?:•|[-*](?=\s|$))\s*/;

/** One block of text as it counts for the fingerprint: NFC, bullet dropped, whitespace collapsed. */
export function normaliseBlock(block: string): string {
  return block.normalize('NFC').replace(/\s+/g, ' ').trim().replace(BULLET, '').trim();
}

/** A section's text from its blocks (lines in the text, block elements in HTML); empty blocks dropped. */
export function sectionText(blocks: readonly string[]): string {
  return blocks.map(normaliseBlock).filter((b) => b !== '').join('\n');
}

export function fingerprint(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/** The key two spellings of a heading share: case and spacing do not tell sections apart. */
export function headingKey(heading: string): string {
  return normaliseBlock(heading).toLocaleLowerCase('nb');
}

/**
 * Words a heading does not end on: a line ending on one leads into what follows ("NPR har som
 * formål å", followed by a list), which a heading never does.
 */
const LEADING_WORDS = new Set(['å', 'om', 'og', 'eller', 'til', 'for', 'med', 'av', 'i', 'på', 'at', 'som', 'enn', 'fra', 'frå', 'the', 'of', 'to', 'and', 'or', 'with', 'about']);

/**
 * Whether a line of the page's text is a heading. Worked out against the seed: a heading is short
 * (link texts run longer, and 60 keeps "…kan du finne aktuell statistikk om", 70 characters, out),
 * starts with a capital, is no bullet, does not end like a sentence (. , : ; !; a question may be
 * a heading), holds no e-mail address, and holds no parenthesis except a closing abbreviation:
 * "Norsk pasientregister (NPR)" is the page's title, while "(helsedirektoratet.no)" marks a link.
 */
export function isTextHeading(line: string): boolean {
  const text = line.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (text === '' || text.length > 60 || BULLET.test(text)) return false;
  if (!/^\p{Lu}/u.test(text) || /[.,:;!]$/.test(text) || text.includes('@')) return false;
  if (text.includes('(') && !/^[^()]+\([^().@]+\)$/.test(text)) return false;
  const last = text.split(' ').pop()!.toLocaleLowerCase('nb');
  return !LEADING_WORDS.has(last);
}

interface RawSection {
  heading: string;
  blocks: string[];
}

function toSections(raw: readonly RawSection[]): PageSection[] {
  const seen = new Map<string, number>();
  return raw.map(({ heading, blocks }) => {
    // A heading used twice names two sections; the second is told apart as "Heading (2)".
    const key = headingKey(heading);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const text = sectionText(blocks);
    return { heading: n === 1 ? heading : `${heading} (${n})`, text, fingerprint: fingerprint(text) };
  });
}

/** Sections of the page's text (the seed's format): text before the first heading belongs to none. */
export function splitText(content: string): PageSection[] {
  const raw: RawSection[] = [];
  for (const line of content.replace(/\r\n?/g, '\n').split('\n')) {
    if (isTextHeading(line)) raw.push({ heading: normaliseBlock(line), blocks: [] });
    else raw.at(-1)?.blocks.push(line);
  }
  return toSections(raw);
}

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements whose text is not the page's content. */
const SKIPPED = new Set(['head', 'script', 'style', 'noscript', 'template', 'nav', 'header', 'footer', 'svg']);
/** Elements that end one block of text and start another. */
const BLOCKS = new Set([
  'p', 'li', 'div', 'td', 'th', 'tr', 'br', 'ul', 'ol', 'dl', 'dt', 'dd', 'table', 'section', 'article', 'main', 'aside',
  'body', 'blockquote', 'figure', 'figcaption', 'pre', 'address', 'hr', 'form', 'fieldset', 'details', 'summary',
]);

/** Sections of the page as HTML: h1–h6 head them; text before the first heading belongs to none. */
export function splitHtml(html: string): PageSection[] {
  const raw: RawSection[] = [];
  let skipping = 0;
  let inHeading: string[] | undefined;
  let block = '';
  const endBlock = () => {
    if (block.trim()) raw.at(-1)?.blocks.push(block);
    block = '';
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) skipping++;
        if (skipping) return;
        if (HEADINGS.has(name)) {
          endBlock();
          inHeading = [];
        } else if (BLOCKS.has(name)) {
          if (inHeading) inHeading.push(' ');
          else endBlock();
        }
      },
      ontext(text) {
        if (skipping) return;
        if (inHeading) inHeading.push(text);
        else block += text;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) {
          // htmlparser2 closes every element it opened, implied closes too, so the count balances
          if (skipping) skipping--;
          return;
        }
        if (skipping) return;
        if (HEADINGS.has(name) && inHeading) {
          const heading = normaliseBlock(inHeading.join(''));
          inHeading = undefined;
          if (heading) raw.push({ heading, blocks: [] });
        } else if (BLOCKS.has(name) && !inHeading) {
          endBlock();
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  endBlock();
  return toSections(raw);
}

/** HTML by its name, its content type, or its first tag; anything else is the page's text. */
function looksLikeHtml(content: string, nameOrType = ''): boolean {
  if (/\.html?$|text\/html|application\/xhtml/i.test(nameOrType)) return true;
  return /^\s*(?:<!doctype html|<html|<head|<body|<main|<h[1-6])/i.test(content.replace(/^\uFEFF/, ''));
}

export function parsePage(source: string, content: string, nameOrType?: string): Page {
  return { source, sections: looksLikeHtml(content, nameOrType) ? splitHtml(content) : splitText(content) };
}

/** Why a fetch failed, in words a maintainer can act on. */
function fetchFailure(url: string, error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `cannot read ${url}: no answer within ${timeoutMs / 1000} s`;
  const code = err.cause?.code;
  const offline = ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET'];
  const why = code && offline.includes(code) ? `${code}; is there a network, and is the address right?` : (err.cause?.message ?? err.message ?? String(error));
  return `cannot read ${url}: ${why}`;
}

/** Reads the page from a file or an http(s) URL; a page that cannot be read throws PageUnreadable. */
export async function readPage(source: string, { timeoutMs = FETCH_TIMEOUT_MS } = {}): Promise<Page> {
  if (/^https?:\/\//i.test(source)) {
    let response: Response;
    let body: string;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/html, text/plain;q=0.9' } });
      body = await response.text();
    } catch (error) {
      throw new PageUnreadable(fetchFailure(source, error, timeoutMs));
    }
    if (!response.ok) throw new PageUnreadable(`cannot read ${source}: HTTP ${response.status} ${response.statusText}`.trim());
    return parsePage(source, body, response.headers.get('content-type') ?? '');
  }
  let content: string;
  try {
    content = await readFile(source, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PageUnreadable(`cannot read ${source}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`);
  }
  return parsePage(source, content, source);
}
