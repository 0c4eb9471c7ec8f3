import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Language } from '../i18n/i18n';
import { Agency } from './agency.entity';

export const SITE_ROLES = ['admin'] as const;
export type SiteRole = (typeof SITE_ROLES)[number];
/** How often the digest comes: every day, Monday to Friday, or on Mondays. */
export const DIGEST_RHYTHMS = ['daily', 'weekdays', 'weekly'] as const;
export type DigestRhythm = (typeof DIGEST_RHYTHMS)[number];
export const USER_STATUSES = ['active', 'deactivated', 'erased'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * A person with an account. `sessionVersion` is written into every session and checked on every
 * request: bumping it (password change, deactivation, erasure) ends all of the person's sessions.
 */
@Entity('app_user')
// Emails are unique whatever their case: Aino.Virtanen@… and aino.virtanen@… are one person.
@Index('app_user_email_unique', { synchronize: false })
@Check('app_user_email_length', `length(email) BETWEEN 3 AND 254`)
@Check('app_user_display_name_length', `length(btrim(display_name)) BETWEEN 1 AND 200 OR status = 'erased'`)
@Check('app_user_language_known', `language IN ('fi', 'sv', 'en')`)
@Check('app_user_site_role_known', `site_role IS NULL OR site_role IN ('admin')`)
@Check('app_user_status_known', `status IN ('active', 'deactivated', 'erased')`)
@Check('app_user_digest_hour_range', `digest_hour IS NULL OR digest_hour BETWEEN 0 AND 23`)
@Check('app_user_digest_rhythm_known', `digest_rhythm IN ('daily', 'weekdays', 'weekly')`)
@Check('app_user_erased_has_no_password', `status <> 'erased' OR password_hash IS NULL`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  displayName: string;

  @Index('app_user_agency')
  @Column({ type: 'uuid', nullable: true })
  agencyId: string | null;

  @ManyToOne(() => Agency, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'app_user_agency_fk' })
  agency?: Agency | null;

  @Column({ type: 'text', default: 'fi' })
  language: Language;

  @Column({ type: 'text', nullable: true })
  siteRole: SiteRole | null;

  @Column({ type: 'text', default: 'active' })
  status: UserStatus;

  /** argon2id; null once erased. */
  @Column({ type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'integer', default: 0 })
  sessionVersion: number;

  /** When the person showed the address is theirs (the link mailed at sign-up); null: not yet, and they may only read. */
  @Column({ type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  /** The hour (Helsinki) the person's digest is due; null: the site's DIGEST_HOUR. */
  @Column({ type: 'smallint', nullable: true })
  digestHour: number | null;

  @Column({ type: 'text', default: 'daily' })
  digestRhythm: DigestRhythm;

  /** Other participants of a round see "a participant from <agency>" instead of the name. */
  @Column({ type: 'boolean', default: false })
  hideNameFromParticipants: boolean;

  /** Others may see the person in the register of trained developers (/developers); asked in the completion mail. */
  @Column({ type: 'boolean', default: false })
  listedInRegister: boolean;

  /** Set when the person asks to be erased; an admin confirms. */
  @Column({ type: 'timestamptz', nullable: true })
  erasureRequestedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastSignedInAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
