// Password reset links: asking for one (limited per account and per IP address, with the same
// answer whether or not the account exists) and using one: once, within the hour, ending every
// other session of the person. Only a link's SHA-256 is stored, so a copy of the database resets
// nobody's password.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LimitKind, RateLimits, TooManyAttempts } from '../access/rate-limits';
import { CONFIG, Config } from '../config/config';
import { translate } from '../i18n/i18n';
import { passwordProblem } from '../identity/password-policy';
import { UserService } from '../identity/user.service';
import { FieldErrors } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { NotificationKinds } from '../notifications/notification-kinds';
import { NotificationsService } from '../notifications/notifications.service';
import { endLinks, issueLink, linkHolder, spendLink } from './one-time-link';

export const PASSWORD_RESET_KIND = 'password-reset';
export const RESET_LINK_MINUTES = 60;

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    /** The link, a secret, and how many minutes it works. */
    [PASSWORD_RESET_KIND]: { link: string; minutes: number };
  }
}

@Injectable()
export class PasswordResetService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly users: UserService,
    private readonly notifications: NotificationsService,
    private readonly kinds: NotificationKinds,
    private readonly limits: RateLimits,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: PASSWORD_RESET_KIND,
      security: true,
      secretLinks: ['link'],
      subject: (_payload, lang) => translate(lang, 'mail.password-reset.subject'),
    });
    // A person who leaves cannot come back through a link mailed before; an erased person's links go.
    this.events.on('user.leaving', async ({ userId, reason }, manager) => {
      if (reason === 'erased') await manager.query(`DELETE FROM password_reset WHERE user_id = $1`, [userId]);
      else await endLinks(manager, 'password_reset', userId);
    });
  }

  /**
   * Mails a reset link to the active account with this email, if there is one; says nothing either
   * way. Throws TooManyAttempts once the account or the IP address has asked too often.
   */
  async requestLink(email: string, ip: string): Promise<void> {
    const account = UserService.normaliseEmail(email);
    const checks: [LimitKind, string][] = [
      ['reset-account', account],
      ['reset-ip', ip],
    ];
    const wait = await this.limits.secondsToWait(checks);
    if (wait > 0) throw new TooManyAttempts(wait);
    // Addresses without an account count too: a limit that bit only real accounts would tell them apart.
    await this.limits.count(checks);

    const user = await this.users.findByEmail(account);
    if (!user || user.status !== 'active') return;
    await this.dataSource.transaction(async (manager) => {
      const token = await issueLink(manager, 'password_reset', user.id, RESET_LINK_MINUTES);
      await this.notifications.notify(
        PASSWORD_RESET_KIND,
        { userId: user.id, email: user.email, name: user.displayName, language: user.language },
        { link: `${this.config.baseUrl}/password/reset?token=${token}`, minutes: RESET_LINK_MINUTES },
        { manager },
      );
    });
  }

  /** Whether the link still works: known, unused, unexpired, and its person still active. */
  async linkWorks(token: string): Promise<boolean> {
    return (await linkHolder(this.dataSource.manager, 'password_reset', token)) !== null;
  }

  /**
   * Sets a new password through a link; returns the person and their new session version, or null
   * when the link does not work (any more). A weak password is refused (FieldErrors) before the link
   * is spent, so the person can choose another with the same link. `ip` is where the person is: their
   * failed sign-ins from there are forgotten.
   */
  async resetPassword(token: string, password: string, ip: string): Promise<{ id: string; sessionVersion: number } | null> {
    const holder = await linkHolder(this.dataSource.manager, 'password_reset', token);
    if (!holder) return null;
    const problem = passwordProblem(password, { email: holder.email, displayName: holder.display_name });
    if (problem) throw new FieldErrors({ password: `accounts.password.${problem}` });

    // Spending the link is one conditional UPDATE: of two simultaneous posts only one gets the row.
    // It commits before the password changes because changePassword runs its own transaction and
    // marks this person's reset rows used in it: holding this row's lock across that call would wait
    // on ourselves. If the change then fails, the link stays spent (fails closed).
    const userId = await spendLink(this.dataSource.manager, 'password_reset', token);
    if (!userId) return null;
    try {
      const sessionVersion = await this.changePassword(userId, password);
      // Whoever reads the mailbox owns the account: earlier failed sign-ins from here no longer hold it back.
      await this.limits.forgetSignInFailures(UserService.normaliseEmail(holder.email), ip);
      return { id: userId, sessionVersion };
    } catch (error) {
      // Deactivated between the check and the change.
      if (error instanceof FieldErrors && error.fields.password === 'accounts.password.cannotChange') return null;
      throw error;
    }
  }

  /**
   * Sets a new password (UserService.changePassword: every session and token ends) and, in the same
   * transaction, ends the person's unused reset links: a link mailed before the change is not a way
   * back in. Returns the new session version.
   */
  async changePassword(userId: string, password: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const sessionVersion = await this.users.changePassword(manager, userId, password);
      await endLinks(manager, 'password_reset', userId);
      return sessionVersion;
    });
  }
}
