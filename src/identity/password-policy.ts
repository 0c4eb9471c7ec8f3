// What a password must be: long enough, not absurdly long (argon2 hashes it all), and not one of
// the passwords attackers try first — the ~49,000 most common ones in zxcvbn's list, also with
// digits or punctuation tacked on ("salasana2024!"), or the person's own name or email.
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

const COMMON = new Set<string>([
  ...(dictionary['passwords-common'] as string[]),
  // Words Finnish and Swedish speakers reach for, that an English list misses.
  ...['salasana', 'salasanani', 'lösenord', 'losenord', 'verso', 'kesäkuu', 'talvi', 'kesä', 'suomi', 'finland', 'helsinki', 'valtio', 'virasto'],
]);

export type PasswordProblem = 'tooShort' | 'tooLong' | 'tooCommon' | 'personal';

/** Why a password will not do, or null when it will. */
export function passwordProblem(password: string, person: { email?: string; displayName?: string } = {}): PasswordProblem | null {
  if (password.length < PASSWORD_MIN_LENGTH) return 'tooShort';
  if (password.length > PASSWORD_MAX_LENGTH) return 'tooLong';
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (COMMON.has(lower) || COMMON.has(stem) || /^(.)\1+$/u.test(lower) || /^(0123456789|1234567890|abcdefghij)/.test(lower)) return 'tooCommon';
  const personal = [person.email?.split('@')[0], ...(person.displayName?.toLowerCase().split(/\s+/) ?? [])]
    .map((part) => part?.toLowerCase())
    .filter((part): part is string => Boolean(part) && part!.length >= 4);
  if (personal.some((part) => stem === part || lower === part)) return 'personal';
  return null;
}
