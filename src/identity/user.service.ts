// Accounts: registration, sign-in checks, profile changes, roles, deactivation and erasure. Rules
// live here; controllers for the web and the API both call these.
import { Injectable } from '@nestjs/common';
import { FieldErrors, withValues } from '../errors/domain-errors';
import { addressFitsDomains, readableDomains } from './email-domains';
import { InjectDataSource } from '@nestjs/typeorm';
import argon2 from 'argon2';
import { DataSource, EntityManager } from 'typeorm';
import { Language } from '../i18n/i18n';
import { DomainEvents } from '../events/domain-events';
import { passwordProblem } from './password-policy';
import { DigestRhythm, SiteRole, User, UserStatus } from './user.entity';

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

/** What a person may change of their own account on their profile. */
export interface ProfileFields {
  displayName: string;
  agencyId: string | null;
  language: Language;
  hideNameFromParticipants: boolean;
}

export interface AuditEntry {
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details?: Record<string, unknown>;
}

@Injectable()
export class UserService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

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
      const user = await manager.getRepository(User).save(
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
      if (input.emailVerified) await this.events.publish(manager, { name: 'user.email-verified', userId: user.id, email: user.email });
      return user;
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

  /**
   * Sets a new password and ends every session and token of the person; returns the new session
   * version. Runs in `manager`'s transaction, so the caller ends what else the password guarded
   * (accounts' reset links) with it.
   */
  async changePassword(manager: EntityManager, userId: string, password: string): Promise<number> {
    const user = await this.findById(userId);
    if (!user || user.status !== 'active') throw new FieldErrors({ password: 'accounts.password.cannotChange' });
    const problem = passwordProblem(password, { email: user.email, displayName: user.displayName });
    if (problem) throw new FieldErrors({ password: `accounts.password.${problem}` });
    const hash = await this.hashPassword(password);
    await manager.query(`UPDATE app_user SET password_hash = $2, session_version = session_version + 1, updated_at = now() WHERE id = $1`, [userId, hash]);
    const [{ session_version }]: { session_version: number }[] = await manager.query(`SELECT session_version FROM app_user WHERE id = $1`, [userId]);
    await manager.query(`UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
    return session_version;
  }

  /**
   * Saves what the person may change on their profile; an agency that does not exist (any more) is
   * refused. Whether their address fits a new agency's domains is the caller's check.
   */
  async updateProfile(userId: string, change: ProfileFields): Promise<void> {
    try {
      const [, updated]: [unknown, number] = await this.dataSource.query(
        `UPDATE app_user SET display_name = $2, agency_id = $3, language = $4, hide_name_from_participants = $5, updated_at = now()
          WHERE id = $1 AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM agency WHERE id = $3::uuid))`,
        [userId, change.displayName.trim(), change.agencyId, change.language, change.hideNameFromParticipants],
      );
      if (updated === 0) throw new FieldErrors({ agencyId: 'accounts.agency.unknown' });
    } catch (error) {
      // The agency was deleted between the check and the write.
      if ((error as { code?: string }).code === '23503') throw new FieldErrors({ agencyId: 'accounts.agency.unknown' });
      throw error;
    }
  }

  /** When the person's digest is due: an hour in Helsinki (null for the site's default) and a rhythm. */
  async setDigestTime(userId: string, hour: number | null, rhythm: DigestRhythm): Promise<void> {
    await this.dataSource.query(`UPDATE app_user SET digest_hour = $2, digest_rhythm = $3, updated_at = now() WHERE id = $1`, [userId, hour, rhythm]);
  }

  /** The address is the person's: they used the link mailed to it (the first time counts). */
  async markEmailVerified(manager: EntityManager, userId: string): Promise<void> {
    const [rows]: [{ email: string }[], number] = await manager.query(
      `UPDATE app_user SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1 RETURNING email`,
      [userId],
    );
    if (rows[0]) await this.events.publish(manager, { name: 'user.email-verified', userId, email: rows[0].email });
  }

  /** Whether others see the person by name in the register of trained developers (the profile's setting). */
  async setListedInRegister(userId: string, listed: boolean): Promise<void> {
    await this.dataSource.query(`UPDATE app_user SET listed_in_register = $2, updated_at = now() WHERE id = $1`, [userId, listed]);
  }

  /**
   * Records the person's wish to be erased (the first time only) for an admin to confirm. A second
   * request changes nothing; `recorded` says which it was.
   */
  async requestErasure(userId: string): Promise<{ requestedAt: Date; recorded: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const [[requested]]: [{ erasure_requested_at: Date }[], number] = await manager.query(
        `UPDATE app_user SET erasure_requested_at = now(), updated_at = now()
          WHERE id = $1 AND erasure_requested_at IS NULL RETURNING erasure_requested_at`,
        [userId],
      );
      if (!requested) {
        const [{ erasure_requested_at }]: { erasure_requested_at: Date }[] = await manager.query(`SELECT erasure_requested_at FROM app_user WHERE id = $1`, [userId]);
        return { requestedAt: erasure_requested_at, recorded: false };
      }
      await this.audit(manager, { actorUserId: userId, action: 'erasure.requested', targetType: 'user', targetId: userId });
      return { requestedAt: requested.erasure_requested_at, recorded: true };
    });
  }

  /**
   * The person's status and role, their row locked until `manager`'s transaction ends so a
   * concurrent change waits; null for nobody.
   */
  async lockForChange(manager: EntityManager, userId: string): Promise<{ status: UserStatus; siteRole: SiteRole | null } | null> {
    const [user]: { status: UserStatus; siteRole: SiteRole | null }[] = await manager.query(`SELECT status, site_role AS "siteRole" FROM app_user WHERE id = $1 FOR UPDATE`, [userId]);
    return user ?? null;
  }

  async setSiteRole(manager: EntityManager, userId: string, siteRole: SiteRole | null): Promise<void> {
    await manager.query(`UPDATE app_user SET site_role = $2, updated_at = now() WHERE id = $1`, [userId, siteRole]);
  }

  /** Shuts the person out: they cannot sign in, and every session they have ends. */
  async deactivate(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE app_user SET status = 'deactivated', session_version = session_version + 1, updated_at = now() WHERE id = $1`, [userId]);
  }

  /** Lets a deactivated person sign in again; their old sessions stay ended. */
  async reactivate(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE app_user SET status = 'active', updated_at = now() WHERE id = $1`, [userId]);
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
