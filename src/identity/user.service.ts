// Accounts: registration, sign-in checks, profile changes, roles, deactivation and erasure. Rules
// live here; controllers for the web and the API both call these.
import { Injectable } from '@nestjs/common';
import { FieldErrors, withValues } from '../errors/domain-errors';
import { addressFitsDomains, readableDomains } from './email-domains';
import { InjectDataSource } from '@nestjs/typeorm';
import argon2 from 'argon2';
import { DataSource, EntityManager } from 'typeorm';
import { Language } from '../i18n/i18n';
import { passwordProblem } from './password-policy';
import { SiteRole, User } from './user.entity';

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  agencyId?: string | null;
  language: Language;
  siteRole?: SiteRole | null;
  /**
   * Whoever creates the account vouches for the address (the demo data, the first admin from
   * ADMIN_EMAIL); people signing up prove theirs with the link mailed to it (EmailVerificationService).
   */
  emailVerified?: boolean;
}

/** The message for an address outside its agency's domains, naming them. */
export function outsideDomains(domains: readonly string[]): string {
  return withValues('accounts.email.outsideAgencyDomains', { domains: readableDomains(domains).join(', ') });
}

/** A stand-in hash: checking a password against it takes as long as against a real one. */
let DUMMY_HASH: Promise<string> | undefined;

export interface AuditEntry {
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details?: Record<string, unknown>;
}

@Injectable()
export class UserService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  static normaliseEmail(email: string): string {
    return email.trim().toLowerCase();
  }

  async hashPassword(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async count(): Promise<number> {
    const [{ count }]: { count: number }[] = await this.dataSource.query(`SELECT count(*)::int AS count FROM app_user`);
    return count;
  }

  async findById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOne({ where: { id } });
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = :email', { email: UserService.normaliseEmail(email) })
      .getOne();
  }

  /**
   * Creates an account; refuses a weak password, an unknown agency, an address outside the agency's
   * email domains (when it lists any) or a taken email, per field.
   */
  async register(input: NewUser, manager: EntityManager = this.dataSource.manager): Promise<User> {
    const email = UserService.normaliseEmail(input.email);
    const problem = passwordProblem(input.password, { email, displayName: input.displayName });
    const errors: Record<string, string> = {};
    if (problem) errors.password = `accounts.password.${problem}`;
    if (input.agencyId) {
      const [agency]: { email_domains: string[] }[] = await manager.query(`SELECT email_domains FROM agency WHERE id = $1`, [input.agencyId]);
      if (!agency) errors.agencyId = 'accounts.agency.unknown';
      else if (!addressFitsDomains(email, agency.email_domains)) errors.email = outsideDomains(agency.email_domains);
    }
    if (await this.findByEmail(email)) errors.email = 'accounts.email.taken';
    if (Object.keys(errors).length) throw new FieldErrors(errors);
    const passwordHash = await this.hashPassword(input.password);
    try {
      return await manager.getRepository(User).save(
        manager.getRepository(User).create({
          email,
          displayName: input.displayName.trim(),
          agencyId: input.agencyId ?? null,
          language: input.language,
          siteRole: input.siteRole ?? null,
          emailVerifiedAt: input.emailVerified ? new Date() : null,
          passwordHash,
        }),
      );
    } catch (error) {
      // Two registrations of one email at the same moment: the unique index decides.
      if ((error as { code?: string }).code === '23505') throw new FieldErrors({ email: 'accounts.email.taken' });
      throw error;
    }
  }

  /** The active user with this email and password, or null; takes as long either way. */
  async verifyCredentials(email: string, password: string): Promise<User | null> {
    const user = await this.findByEmail(email);
    if (!user || user.status !== 'active' || !user.passwordHash) {
      DUMMY_HASH ??= this.hashPassword('not-a-real-password-but-as-slow');
      await argon2.verify(await DUMMY_HASH, password).catch(() => false);
      return null;
    }
    const ok = await argon2.verify(user.passwordHash, password).catch(() => false);
    return ok ? user : null;
  }

  async recordSignIn(userId: string): Promise<void> {
    await this.dataSource.query(`UPDATE app_user SET last_signed_in_at = now() WHERE id = $1`, [userId]);
  }

  /** Sets a new password and ends every session and token of the person; returns the new session version. */
  async changePassword(userId: string, password: string): Promise<number> {
    const user = await this.findById(userId);
    if (!user || user.status !== 'active') throw new FieldErrors({ password: 'accounts.password.cannotChange' });
    const problem = passwordProblem(password, { email: user.email, displayName: user.displayName });
    if (problem) throw new FieldErrors({ password: `accounts.password.${problem}` });
    const hash = await this.hashPassword(password);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE app_user SET password_hash = $2, session_version = session_version + 1, updated_at = now() WHERE id = $1`, [userId, hash]);
      const [{ session_version }]: { session_version: number }[] = await manager.query(`SELECT session_version FROM app_user WHERE id = $1`, [userId]);
      await manager.query(`UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
      await manager.query(`UPDATE password_reset SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [userId]);
      return session_version;
    });
  }

  async audit(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.query(`INSERT INTO audit_log (actor_user_id, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5)`, [
      entry.actorUserId,
      entry.action,
      entry.targetType,
      entry.targetId,
      entry.details ?? {},
    ]);
  }
}
