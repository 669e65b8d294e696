import { redactIdentityNumbers } from '../core/privacy.js';

/** Every text the store keeps passes here first: no identity number is ever written. */
export const redact = (text: string | null | undefined): string | null => (text == null ? null : redactIdentityNumbers(text).text);

/** JSON for a column, with every string in it redacted. */
export function redactedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? redact(v) : v));
}
