/**
 * Reading one fact back from a section of the page by how it reads there: the words around it,
 * `{}` where the figure or name stands ("Pris per time NOK {} eks. mva.").
 */

/** Number words up to twenty and the tens, in bokmål, nynorsk and English. */
const NUMBER_WORDS: Record<string, number> = {
  null: 0, zero: 0,
  en: 1, én: 1, ein: 1, ei: 1, ett: 1, eitt: 1, one: 1,
  to: 2, two: 2, tre: 3, three: 3, fire: 4, four: 4, fem: 5, five: 5, seks: 6, six: 6,
  sju: 7, syv: 7, seven: 7, åtte: 8, eight: 8, ni: 9, nine: 9, ti: 10, ten: 10,
  elleve: 11, eleven: 11, tolv: 12, twelve: 12, tretten: 13, thirteen: 13, fjorten: 14, fourteen: 14,
  femten: 15, fifteen: 15, seksten: 16, sixteen: 16, sytten: 17, seventeen: 17, atten: 18, eighteen: 18,
  nitten: 19, nineteen: 19, tjue: 20, tyve: 20, twenty: 20, tretti: 30, tredve: 30, thirty: 30,
  førti: 40, forti: 40, forty: 40, femti: 50, fifty: 50, seksti: 60, sixty: 60, sytti: 70, seventy: 70,
  åtti: 80, eighty: 80, nitti: 90, ninety: 90, hundre: 100, hundred: 100,
};

const WORDS = Object.keys(NUMBER_WORDS).sort((a, b) => b.length - a.length).join('|');
/**
 * A figure as the page may write it: "1100", "1 100" or "1.100" (groups of three), a decimal
 * comma ("1,5"), the price dash ("1100,-"), a currency after it ("1100 kr"), or a number word.
 */
const DIGITS = String.raw`\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+(?:,\d+)?`;
const FIGURE = String.raw`(?<![\p{L}\p{N}])(?:(?:${DIGITS})(?:,-)?(?: ?(?:kr\.?|kroner|NOK)(?![\p{L}]))?|(?:${WORDS})(?![\p{L}\p{N}]))`;

/** The value of a figure as FIGURE matched it; undefined for anything else. */
export function parseFigure(written: string): number | undefined {
  const text = written.trim().toLocaleLowerCase('nb');
  if (text in NUMBER_WORDS) return NUMBER_WORDS[text];
  const digits = /^(\d{1,3}(?:[ .]\d{3})+|\d+)(?:,(\d+))?/.exec(text);
  if (!digits) return undefined;
  return Number(`${digits[1]!.replace(/[ .]/g, '')}${digits[2] ? `.${digits[2]}` : ''}`);
}

/** Characters of a name: anything on the line but a sentence mark that ends the sentence. */
const NAME_CHAR = String.raw`(?:(?![.,;:!?](?:\s|$))[^\n])`;

const DASHES = /[-‐‑‒–—]/;

/** The words of a pattern as a regular expression: any spacing, any dash, any case. */
function wordsPattern(words: string): string {
  return words
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) =>
      [...w]
        .map((c) => (DASHES.test(c) ? '[-‐‑‒–—]' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
        .join(''),
    )
    .join(String.raw`\s+`);
}

/**
 * The regular expression for a pattern, capturing what stands at `{}`: a figure for a number
 * fact, words for a name. A name with no words after it runs to the end of its sentence; with no
 * words before it, it starts at the start of one.
 */
function factRegExp(pattern: string, capture: 'figure' | 'name'): RegExp {
  const [before = '', after = ''] = pattern.split('{}');
  const lead = before.trim() ? `${wordsPattern(before)}\\s*` : String.raw`(?<=^|[.!?]\s+)`;
  const tail = after.trim() ? `\\s*${wordsPattern(after)}` : '';
  const hole = capture === 'figure' ? `(${FIGURE})` : after.trim() ? `(${NAME_CHAR}+?)` : `(${NAME_CHAR}+)`;
  return new RegExp(`${lead}${hole}${tail}`, 'imu');
}

export type FactStatus = 'unchanged' | 'changed' | 'missing';

export interface FactReading {
  status: FactStatus;
  /** What stands at `{}` now: a number for a number fact; null when the words around it are gone. */
  found: number | string | null;
}

const sameName = (a: string, b: string) => a.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('nb') === b.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('nb');

/**
 * Reads a fact in a section's (normalised) text. A number fact whose words are there but hold no
 * figure any more ("minimum noen timer") is changed, found as the words that stand there now.
 */
export function readFact(text: string, pattern: string, known: number | string): FactReading {
  if (typeof known === 'number') {
    const figure = factRegExp(pattern, 'figure').exec(text);
    if (figure) {
      const found = parseFigure(figure[1]!)!;
      return { status: found === known ? 'unchanged' : 'changed', found };
    }
  }
  const name = factRegExp(pattern, 'name').exec(text);
  if (!name) return { status: 'missing', found: null };
  const found = name[1]!.trim();
  return { status: typeof known === 'string' && sameName(found, known) ? 'unchanged' : 'changed', found };
}
