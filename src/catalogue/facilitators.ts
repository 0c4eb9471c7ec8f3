import { EntityManager } from 'typeorm';
import { FieldErrors, withValues } from '../errors/domain-errors';
import { User } from '../identity/user.entity';

/**
 * The active people for the facilitator emails an admin typed (any case, blanks and repeats
 * ignored), as references for a facilitator list (read through identity's `person` view); an email
 * without one is refused with a field message naming it.
 */
export async function facilitatorsByEmail(manager: EntityManager, emails: string[]): Promise<User[]> {
  const wanted = [...new Set(emails.map((email) => email.trim().toLowerCase()).filter(Boolean))];
  if (wanted.length === 0) return [];
  const found: { id: string; email: string }[] = await manager.query(`SELECT id, email FROM person WHERE lower(email) = ANY($1::text[]) AND status = 'active'`, [wanted]);
  const missing = wanted.filter((email) => !found.some((person) => person.email.toLowerCase() === email));
  if (missing.length) throw new FieldErrors({ facilitatorEmails: withValues('facilitators.unknown', { emails: missing.join(', ') }) });
  return found.map(({ id }) => manager.create(User, { id }));
}
