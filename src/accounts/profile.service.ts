// A person's own account: their details, how they get each kind of notification, their password,
// and their request to be erased (an admin confirms it). The copy of everything Verso keeps about
// them is PersonalDataService's.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Language } from '../i18n/i18n';
import { UserService } from '../identity/user.service';
import { DigestRhythm } from '../identity/user.entity';
import { FieldErrors, withValues } from '../errors/domain-errors';
import { addressFitsDomains, readableDomains } from '../identity/email-domains';
import { DIGEST_KIND } from '../notifications/digest.service';
import { Channel, CHANNELS } from '../notifications/notification.entity';
import { NotificationKinds } from '../notifications/notification-kinds';
import { NotificationsService } from '../notifications/notifications.service';
import { TEST_MESSAGE_KIND } from '../notifications/outbox.service';
import { PasswordResetService } from './password-reset.service';
import { SignInService } from './sign-in.service';

/**
 * Kinds whose preference would never be read: the digest is itself how "daily digest" arrives, and
 * test messages go to whatever address an admin types, not to a person's account.
 */
const NOT_A_CHOICE = new Set([DIGEST_KIND, TEST_MESSAGE_KIND]);

export interface Profile {
  id: string;
  email: string;
  displayName: string;
  agencyId: string | null;
  language: Language;
  erasureRequestedAt: Date | null;
  /** null: the site's DIGEST_HOUR. */
  digestHour: number | null;
  digestRhythm: DigestRhythm;
  hideNameFromParticipants: boolean;
  /** Others see the person by name in the register of trained developers (/developers). */
  listedInRegister: boolean;
}

export interface ProfileChange {
  displayName: string;
  agencyId?: string | null;
  language: Language;
  hideNameFromParticipants: boolean;
}

@Injectable()
export class ProfileService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly notifications: NotificationsService,
    private readonly kinds: NotificationKinds,
    private readonly signIns: SignInService,
    private readonly passwordResets: PasswordResetService,
  ) {}

  async profile(userId: string): Promise<Profile> {
    const [row]: Profile[] = await this.dataSource.query(
      `SELECT id, email, display_name AS "displayName", agency_id AS "agencyId", language, erasure_requested_at AS "erasureRequestedAt",
              digest_hour AS "digestHour", digest_rhythm AS "digestRhythm", hide_name_from_participants AS "hideNameFromParticipants",
              coalesce((SELECT r.listed_in_register FROM register_person r WHERE r.id = person.id), false) AS "listedInRegister"
         FROM person WHERE id = $1`,
      [userId],
    );
    return row;
  }

  /** The register setting: whether others see the person by name among the trained developers. */
  async setListedInRegister(userId: string, listed: boolean): Promise<void> {
    await this.users.setListedInRegister(userId, listed);
  }

  /**
   * Saves name, agency and language; an agency that does not exist (any more) is refused, and so is
   * moving to an agency whose email domains leave the person's address out (staying in one is fine,
   * whatever it listed since).
   */
  async update(userId: string, change: ProfileChange): Promise<void> {
    const agencyId = change.agencyId || null;
    if (agencyId) {
      const [moving]: { email: string; email_domains: string[] }[] = await this.dataSource.query(
        `SELECT u.email, a.email_domains FROM person u JOIN agency_name a ON a.id = $2::uuid WHERE u.id = $1 AND u.agency_id IS DISTINCT FROM a.id`,
        [userId, agencyId],
      );
      if (moving && !addressFitsDomains(moving.email, moving.email_domains)) throw new FieldErrors({ agencyId: withValues('profile.agency.outsideDomains', { domains: readableDomains(moving.email_domains).join(', ') }) });
    }
    await this.users.updateProfile(userId, { ...change, agencyId });
  }

  /** When the person's digest is due: an hour in Helsinki (null for the site's default) and a rhythm. */
  async setDigestTime(userId: string, hour: number | null, rhythm: DigestRhythm): Promise<void> {
    await this.users.setDigestTime(userId, hour, rhythm);
  }

  /** The kinds a person may choose a channel for: all but security mail, which always comes by email, and kinds with one channel (the newsletter). */
  choosableKinds(): string[] {
    return this.kinds.names().filter((name) => !this.kinds.get(name).security && !NOT_A_CHOICE.has(name) && (this.kinds.get(name).channels?.length ?? 2) > 1);
  }

  /** The channels a person may choose for a kind. */
  channelsOf(kind: string): readonly Channel[] {
    return this.kinds.get(kind).channels ?? CHANNELS;
  }

  /** The channel of every choosable kind; "email" until the person chooses otherwise. */
  async preferences(userId: string): Promise<{ kind: string; channel: Channel; channels: readonly Channel[] }[]> {
    const rows: { kind: string; channel: Channel }[] = await this.dataSource.query(`SELECT kind, channel FROM notification_choice WHERE user_id = $1`, [userId]);
    const chosen = new Map(rows.map((row) => [row.kind, row.channel]));
    return this.choosableKinds().map((kind) => ({ kind, channel: chosen.get(kind) ?? 'email', channels: this.channelsOf(kind) }));
  }

  /** Sets a channel per kind (kinds left out stay as they were); anything unknown refuses the lot. */
  async setPreferences(userId: string, choices: Record<string, unknown>): Promise<void> {
    const choosable = new Set(this.choosableKinds());
    const errors: Record<string, string> = {};
    for (const [kind, channel] of Object.entries(choices)) {
      if (!choosable.has(kind)) errors[kind] = 'form.unknownField';
      else if (!this.channelsOf(kind).includes(channel as Channel)) errors[kind] = 'profile.notifications.unknownChannel';
    }
    if (Object.keys(errors).length) throw new FieldErrors(errors);
    for (const [kind, channel] of Object.entries(choices)) await this.notifications.setPreference(userId, kind, channel as Channel);
  }

  /**
   * Changes the password after checking the current one; returns the new session version (every
   * session and API token of the person has ended). Wrong current passwords count as failed
   * sign-ins from the caller's address, so a stolen session cannot be used to guess the password
   * without limit; throws TooManyAttempts while they are held back.
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string, ip: string): Promise<number> {
    const user = await this.users.findById(userId);
    if (!user) throw new FieldErrors({ currentPassword: 'accounts.password.cannotChange' });
    if (!(await this.signIns.checkPassword(user.email, currentPassword, ip))) throw new FieldErrors({ currentPassword: 'profile.password.wrongCurrent' });
    try {
      return await this.passwordResets.changePassword(userId, newPassword);
    } catch (error) {
      // UserService names the field "password"; on this form it is the new one.
      if (error instanceof FieldErrors && error.fields.password) throw new FieldErrors({ newPassword: error.fields.password });
      throw error;
    }
  }

  /**
   * Records the person's wish to be erased (the first time only) for an admin to confirm. A second
   * request changes nothing; `recorded` says which it was, so the page can say so.
   */
  async requestErasure(userId: string): Promise<{ requestedAt: Date; recorded: boolean }> {
    return this.users.requestErasure(userId);
  }
}
