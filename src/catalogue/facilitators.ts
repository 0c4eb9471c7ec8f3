import { EntityManager } from 'typeorm';
import { FieldErrors, withValues } from '../errors/domain-errors';
import { User } from '../identity/user.entity';

/**
 * The active accounts for the facilitator emails an admin typed (any case, blanks and repeats
 * ignored); an email without one is refused with a field message naming it.
 */
export async function facilitatorsByEmail(manager: EntityManager, emails: string[]): Promise<User[]> {
  const wanted = [...new Set(emails.map((email) => email.trim().toLowerCase()).filter(Boolean))];
  if (wanted.length === 0) return [];
  const found = await manager.createQueryBuilder(User, 'u').where('lower(u.email) IN (:...wanted)', { wanted }).andWhere(`u.status = 'active'`).getMany();
  const missing = wanted.filter((email) => !found.some((user) => user.email.toLowerCase() === email));
  if (missing.length) throw new FieldErrors({ facilitatorEmails: withValues('facilitators.unknown', { emails: missing.join(', ') }) });
  return found;
}
