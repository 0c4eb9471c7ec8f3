// Proving a new account's address: signing up mails a link (24 hours, once) whose use marks the
// account verified; until then the person may read but not enrol, post or subscribe
// (access/email-verified.ts). Only a link's SHA-256 is stored, and a new link ends the older ones, so
// only the newest mail works. The mail is security mail: nobody can turn it off.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/capabilities';
import { RateLimits, TooManyAttempts } from '../access/rate-limits';
import { CONFIG, Config } from '../config/config';
import { translate } from '../i18n/i18n';
import { User } from '../identity/user.entity';
import { NewUser, UserService } from '../identity/user.service';
import { NotificationKinds } from '../notifications/notification-kinds';
import { NotificationsService } from '../notifications/notifications.service';
import { endLinks, issueLink, spendLink } from './one-time-link';

export const EMAIL_VERIFICATION_KIND = 'email-verification';
export const VERIFICATION_LINK_HOURS = 24;

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    /** The link, a secret, and how many hours it works. */
    [EMAIL_VERIFICATION_KIND]: { link: string; hours: number };
  }
}

/** What using a link came to: verified now, or a link that does not work (unknown, used, expired, replaced). */
export type VerificationOutcome = { verified: true; userId: string } | { verified: false };

/** A link token as we make them (32 random bytes, base64url), give or take: anything else is not worth a query. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,200}$/;

@Injectable()
export class EmailVerificationService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly users: UserService,
    private readonly notifications: NotificationsService,
    private readonly kinds: NotificationKinds,
    private readonly limits: RateLimits,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: EMAIL_VERIFICATION_KIND,
      security: true,
      secretLinks: ['link'],
      subject: (_payload, lang) => translate(lang, 'mail.email-verification.subject'),
    });
  }

  /**
   * A person signs up (web or API): the account, unverified, and the mail with its link, in one
   * transaction, so there is no account whose link was never written. Refusals as UserService.register.
   */
  async signUp(input: Omit<NewUser, 'siteRole' | 'emailVerified'>): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.register({ ...input, siteRole: null, emailVerified: false }, manager);
      await this.mailLink(manager, user);
      return user;
    });
  }

  /**
   * Mails the person a new link, ending the older ones; false when their address is already
   * verified (nothing sent). Throws TooManyAttempts past 3 an hour.
   */
  async sendLinkAgain(actor: Actor): Promise<boolean> {
    const person = await this.users.findById(actor.id);
    if (!person || person.status !== 'active' || person.emailVerifiedAt) return false;
    const wait = await this.limits.secondsToWait([['verify-account', person.id]]);
    if (wait > 0) throw new TooManyAttempts(wait);
    await this.limits.count([['verify-account', person.id]]);
    await this.dataSource.transaction((manager) => this.mailLink(manager, person));
    return true;
  }

  /**
   * Uses a link: once, within its 24 hours, while it is the person's newest and they are active.
   * Spending it is one conditional UPDATE, so of two clicks at once only one gets the row; a link
   * that does not work changes nothing.
   */
  async verify(token: unknown): Promise<VerificationOutcome> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return { verified: false };
    return this.dataSource.transaction(async (manager) => {
      const userId = await spendLink(manager, 'email_verification', token);
      if (!userId) return { verified: false };
      await this.users.markEmailVerified(manager, userId);
      await this.users.audit(manager, { actorUserId: userId, action: 'user.email-verified', targetType: 'user', targetId: userId });
      return { verified: true, userId };
    });
  }

  private async mailLink(manager: EntityManager, person: Pick<User, 'id' | 'email' | 'displayName' | 'language'>): Promise<void> {
    // Only the newest link works: an older mail may sit in a mailbox that is no longer the person's alone.
    await endLinks(manager, 'email_verification', person.id);
    const token = await issueLink(manager, 'email_verification', person.id, VERIFICATION_LINK_HOURS * 60);
    await this.notifications.notify(
      EMAIL_VERIFICATION_KIND,
      { userId: person.id, email: person.email, name: person.displayName, language: person.language },
      { link: `${this.config.baseUrl}/verify-email?token=${token}`, hours: VERIFICATION_LINK_HOURS },
      { manager },
    );
  }
}
