// Secrets handed to people once (API tokens, password reset links): random, and stored only as a
// SHA-256, so the database alone never lets anyone use them.
import { createHash, randomBytes } from 'node:crypto';

export function newSecretToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
