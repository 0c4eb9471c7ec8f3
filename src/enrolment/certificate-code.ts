// A certificate's verification code: 12 characters from an alphabet without look-alikes (no 0/O,
// 1/I/L, 5/S, 2/Z, 8/B, U/V), printed in groups of four (`K7QX-M3PA-9TRD`). Codes given before
// certificates existed are 12 hexadecimal characters; both kinds are stored in capitals without
// dashes, and a code typed in any case, with or without dashes and spaces, finds its completion.
import { randomInt } from 'node:crypto';

const ALPHABET = '34679ACDEFGHJKMNPQRTWXY';
export const CODE_LENGTH = 12;

/** A new code (23^12 ≈ 2^54 of them: not to be guessed, and the public page is rate limited). */
export function newCertificateCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** The code as stored, from what someone typed or followed; null when it cannot be a code at all. */
export function normaliseCertificateCode(typed: string): string | null {
  const code = typed.replace(/[\s-]/g, '').toUpperCase();
  return /^[0-9A-Z]{12}$/.test(code) ? code : null;
}

/** The code as printed: `K7QX-M3PA-9TRD`. */
export function formatCertificateCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}
