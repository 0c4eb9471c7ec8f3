// The newsletter's list of addresses: subscribing (double opt-in for visitors and for accounts whose
// address is not yet proven, one click for those whose is), confirming through the mailed link,
// one-click unsubscribing (RFC 8058), and addresses the mail server keeps refusing marked bounced.
// The editions side (NewsletterEditions, the kind newsletter.edition) asks here whether an address
// is still subscribed and tells here what the mail server answered.
//
// The confirmation link's hash stays on the row once used, so a second click can say "already
// confirmed" instead of "unknown link"; unsubscribing or bouncing clears it, so an old link then
// names nobody.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LimitKind, RateLimits, TooManyAttempts } from '../access/rate-limits';
import { Actor } from '../access/capabilities';
import { CONFIG, Config } from '../config/config';
import { FieldErrors } from '../errors/domain-errors';
import { DomainEvents } from '../events/domain-events';
import { isLanguage, Language, translate } from '../i18n/i18n';
import { newSecretToken, tokenHash } from '../identity/secret-token';
import { NotificationKinds } from '../notifications/notification-kinds';
import { isEmailAddress, NotificationsService } from '../notifications/notifications.service';
import { SubscriberStatus } from './newsletter-subscriber.entity';
import { subscriberOfToken, unsubscribeToken } from './unsubscribe-token';

export const NEWSLETTER_CONFIRM_KIND = 'newsletter.confirm';
/** Refusals in a row (no delivery between) after which an address is bounced. */
export const NEWSLETTER_BOUNCE_LIMIT = 3;
/** How long a confirmation link works, from when it was mailed. */
export const CONFIRM_LINK_DAYS = 7;
export const EMAIL_MAX_LENGTH = 254;

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    /** The confirmation link (a secret) and how many days it works. */
    [NEWSLETTER_CONFIRM_KIND]: { subscriberId: string; confirmUrl: string; days: number };
  }
}

/** What subscribing did: mailed a confirmation link, or (a proven address) confirmed at once. */
export type SubscribeOutcome = 'mailed' | 'confirmed';

/** What a confirmation link is: usable, used already, too old, or nobody's. */
export type ConfirmLink = 'valid' | 'used' | 'expired' | 'unknown';

export interface SubscriberCounts {
  confirmed: number;
  pending: number;
  unsubscribed: number;
  bounced: number;
}

/** Thrown inside a transaction to undo it: the person's earlier link is being mailed right now and stays the one that works. */
class EarlierLinkBeingSent extends Error {}

@Injectable()
export class NewsletterSubscribers implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly notifications: NotificationsService,
    private readonly kinds: NotificationKinds,
    private readonly events: DomainEvents,
    private readonly limits: RateLimits,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: NEWSLETTER_CONFIRM_KIND,
      template: 'newsletter-confirm',
      // An answer to what the person just asked for: by email, whatever their preferences say.
      security: true,
      channels: ['email'],
      secretLinks: ['confirmUrl'],
      subject: (_payload, lang) => translate(lang, 'mail.newsletter.confirm.subject'),
      stillValid: async (payload) => (await this.statusOf(payload.subscriberId)) === 'pending',
      aboutPath: () => '/newsletter',
    });
    // Someone who leaves (erased or deactivated) gets no more newsletters: their account's row goes.
    this.events.on('user.leaving', async ({ userId }, manager) => {
      await manager.query(`DELETE FROM newsletter_subscriber WHERE user_id = $1`, [userId]);
    });
  }

  /**
   * A visitor subscribes an address: it becomes pending with a new confirmation link, mailed. An
   * address already confirmed gets the same answer and no mail, so the form tells nobody who is on
   * the list. FieldErrors for an address that is not one or too long, a language we do not write.
   */
  async subscribe(email: unknown, language: unknown, ip: string): Promise<void> {
    const address = checkedEmail(email);
    if (!isLanguage(language)) throw new FieldErrors({ language: 'newsletter.language.unknown' });
    // Each asking mails a link: limited per address and per IP address (TooManyAttempts, 429).
    const checks: [LimitKind, string][] = [
      ['newsletter-address', address.toLowerCase()],
      ['newsletter-ip', ip],
    ];
    const wait = await this.limits.secondsToWait(checks);
    if (wait > 0) throw new TooManyAttempts(wait);
    await this.limits.count(checks);
    await this.startDoubleOptIn(address, language, null);
  }

  /**
   * A signed-in person subscribes with one click: their proven address is confirmed at once, in
   * their language; an address not yet proven gets the confirmation mail like a visitor's.
   */
  async subscribeAccount(actor: Actor): Promise<SubscribeOutcome> {
    if (!actor.emailVerified) {
      await this.startDoubleOptIn(actor.email, actor.language, actor.id);
      return 'mailed';
    }
    await this.dataSource.transaction(async (manager) => {
      // A row of theirs under an address they no longer have goes: the list follows the account.
      await manager.query(`DELETE FROM newsletter_subscriber WHERE user_id = $1 AND lower(email) <> lower($2)`, [actor.id, actor.email]);
      const [row]: { id: string }[] = await manager.query(
        `INSERT INTO newsletter_subscriber (email, user_id, language, status, confirmed_at)
         VALUES ($1, $2, $3, 'confirmed', now())
         ON CONFLICT (lower(email)) DO UPDATE
            SET user_id = excluded.user_id, language = excluded.language, status = 'confirmed',
                confirmed_at = CASE WHEN newsletter_subscriber.status = 'confirmed' THEN newsletter_subscriber.confirmed_at ELSE now() END,
                unsubscribed_at = NULL, failure_count = 0, last_failure = NULL, updated_at = now()
         RETURNING id`,
        [actor.email, actor.id, actor.language],
      );
      await this.notifications.cancel({ key: confirmKey(row.id) }, manager);
    });
    return 'confirmed';
  }

  /** The status of the signed-in person's subscription (by their account or their address), or null when they have none. */
  async statusOfAccount(actor: Actor): Promise<SubscriberStatus | null> {
    const [row]: { status: SubscriberStatus }[] = await this.dataSource.query(
      `SELECT status FROM newsletter_subscriber WHERE user_id = $1 OR lower(email) = lower($2) ORDER BY (user_id = $1) DESC NULLS LAST LIMIT 1`,
      [actor.id, actor.email],
    );
    return row?.status ?? null;
  }

  /** What a confirmation link is, changing nothing (the page with the button). */
  async confirmLink(token: string): Promise<ConfirmLink> {
    const [row]: { status: SubscriberStatus; expired: boolean }[] = await this.dataSource.query(
      `SELECT status, confirm_sent_at < now() - make_interval(days => $2) AS expired FROM newsletter_subscriber WHERE confirm_token_hash = $1`,
      [tokenHash(String(token)), CONFIRM_LINK_DAYS],
    );
    if (!row) return 'unknown';
    if (row.status === 'confirmed') return 'used';
    if (row.status !== 'pending') return 'unknown';
    return row.expired ? 'expired' : 'valid';
  }

  /** Confirms the address the link names; what the link was otherwise ('used', 'expired', 'unknown'), changing nothing. */
  async confirm(token: string): Promise<ConfirmLink> {
    const [confirmed]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE newsletter_subscriber
          SET status = 'confirmed', confirmed_at = now(), unsubscribed_at = NULL, failure_count = 0, last_failure = NULL, updated_at = now()
        WHERE confirm_token_hash = $1 AND status = 'pending' AND confirm_sent_at >= now() - make_interval(days => $2)
        RETURNING id`,
      [tokenHash(String(token)), CONFIRM_LINK_DAYS],
    );
    if (confirmed.length) return 'valid';
    const link = await this.confirmLink(token);
    return link === 'valid' ? 'used' : link;
  }

  /** The one-click unsubscribe address of a subscriber, for an edition's List-Unsubscribe header and footer. */
  unsubscribeAddress(subscriberId: string): string {
    return `${this.config.baseUrl}/newsletter/unsubscribe/${unsubscribeToken(this.config.sessionSecret, subscriberId)}`;
  }

  /** The address an unsubscribe token names, or null when it is forged or its subscriber is gone (changing nothing). */
  async unsubscribeTarget(token: string): Promise<{ email: string } | null> {
    const id = subscriberOfToken(this.config.sessionSecret, token);
    if (!id) return null;
    const [row]: { email: string }[] = await this.dataSource.query(`SELECT email FROM newsletter_subscriber WHERE id = $1`, [id]);
    return row ?? null;
  }

  /**
   * Takes the address the token names off the list (no session needed: the token is the key) and
   * returns it; null, changing nothing, for a forged token or a subscriber that is gone. A bounced
   * address stays bounced; unsubscribing twice is fine.
   */
  async unsubscribe(token: string): Promise<{ email: string } | null> {
    const id = subscriberOfToken(this.config.sessionSecret, token);
    if (!id) return null;
    return this.dataSource.transaction(async (manager) => {
      const [[row]]: [{ email: string }[], number] = await manager.query(
        `UPDATE newsletter_subscriber
            SET status = CASE WHEN status = 'bounced' THEN status ELSE 'unsubscribed' END,
                unsubscribed_at = CASE WHEN status IN ('pending', 'confirmed') THEN now() ELSE unsubscribed_at END,
                confirm_token_hash = NULL, updated_at = now()
          WHERE id = $1
          RETURNING email`,
        [id],
      );
      if (row) await this.notifications.cancel({ key: confirmKey(id) }, manager);
      return row ?? null;
    });
  }

  /** The signed-in person leaves the list with one click (their account's row and their address's). */
  async unsubscribeAccount(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // An UPDATE answers [rows, count].
      const [rows]: [{ id: string }[], number] = await manager.query(
        `UPDATE newsletter_subscriber
            SET status = 'unsubscribed', unsubscribed_at = now(), confirm_token_hash = NULL, updated_at = now()
          WHERE (user_id = $1 OR lower(email) = lower($2)) AND status IN ('pending', 'confirmed')
          RETURNING id`,
        [actor.id, actor.email],
      );
      for (const row of rows) await this.notifications.cancel({ key: confirmKey(row.id) }, manager);
    });
  }

  /** The address and language of a subscriber who is still confirmed, or null (unsubscribed, bounced, pending, gone). */
  async stillSubscribed(subscriberId: string): Promise<{ email: string; language: Language; refusals: number } | null> {
    const [row]: { email: string; language: Language; refusals: number }[] = await this.dataSource.query(
      `SELECT email, language, failure_count AS refusals FROM newsletter_subscriber WHERE id = $1 AND status = 'confirmed'`,
      [subscriberId],
    );
    return row ?? null;
  }

  /**
   * The mail server refused a newsletter to this subscriber for good: counted, and after
   * NEWSLETTER_BOUNCE_LIMIT in a row a confirmed address is bounced and gets nothing more.
   */
  async recordRefusal(subscriberId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE newsletter_subscriber
          SET failure_count = failure_count + 1, last_failure = left($2, 500),
              status = CASE WHEN status = 'confirmed' AND failure_count + 1 >= $3 THEN 'bounced' ELSE status END,
              confirm_token_hash = CASE WHEN status = 'confirmed' AND failure_count + 1 >= $3 THEN NULL ELSE confirm_token_hash END,
              updated_at = now()
        WHERE id = $1`,
      [subscriberId, reason, NEWSLETTER_BOUNCE_LIMIT],
    );
  }

  /** A newsletter reached this subscriber: the refusals no longer count as "in a row". */
  async recordDelivery(subscriberId: string): Promise<void> {
    await this.dataSource.query(`UPDATE newsletter_subscriber SET failure_count = 0, updated_at = now() WHERE id = $1 AND failure_count > 0`, [subscriberId]);
  }

  /** How many addresses are in each state, for the admins' page. */
  async counts(): Promise<SubscriberCounts> {
    const rows: { status: SubscriberStatus; n: number }[] = await this.dataSource.query(`SELECT status, count(*)::int AS n FROM newsletter_subscriber GROUP BY status`);
    const counts: SubscriberCounts = { confirmed: 0, pending: 0, unsubscribed: 0, bounced: 0 };
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  private async statusOf(subscriberId: string): Promise<SubscriberStatus | null> {
    const [row]: { status: SubscriberStatus }[] = await this.dataSource.query(`SELECT status FROM newsletter_subscriber WHERE id = $1`, [subscriberId]);
    return row?.status ?? null;
  }

  /**
   * Makes the address pending with a new link and mails it, replacing a confirmation mail not yet
   * sent (one live mail per subscriber, key newsletter-confirm-<id>). A confirmed address: nothing.
   */
  private async startDoubleOptIn(email: string, language: Language, userId: string | null): Promise<void> {
    const token = newSecretToken();
    try {
      await this.dataSource.transaction(async (manager) => {
        if (userId) await manager.query(`DELETE FROM newsletter_subscriber WHERE user_id = $1 AND lower(email) <> lower($2)`, [userId, email]);
        const [row]: { id: string }[] = await manager.query(
          `INSERT INTO newsletter_subscriber (email, user_id, language, status, confirm_token_hash, confirm_sent_at)
           VALUES ($1, $2, $3, 'pending', $4, now())
           ON CONFLICT (lower(email)) DO UPDATE
              SET email = excluded.email, user_id = coalesce(excluded.user_id, newsletter_subscriber.user_id), language = excluded.language,
                  status = 'pending', confirm_token_hash = excluded.confirm_token_hash, confirm_sent_at = now(),
                  unsubscribed_at = NULL, updated_at = now()
            WHERE newsletter_subscriber.status <> 'confirmed'
           RETURNING id`,
          [email, userId, language, tokenHash(token)],
        );
        if (!row) return;
        await this.mailLink(manager, row.id, email, language, token, userId);
      });
    } catch (error) {
      if (!(error instanceof EarlierLinkBeingSent)) throw error;
    }
  }

  private async mailLink(manager: EntityManager, subscriberId: string, email: string, language: Language, token: string, userId: string | null): Promise<void> {
    const key = confirmKey(subscriberId);
    await this.notifications.cancel({ key }, manager);
    const id = await this.notifications.notify(
      NEWSLETTER_CONFIRM_KIND,
      { userId: userId ?? undefined, email, language },
      { subscriberId, confirmUrl: `${this.config.baseUrl}/newsletter/confirm/${token}`, days: CONFIRM_LINK_DAYS },
      { key, manager },
    );
    if (!id) throw new EarlierLinkBeingSent();
  }
}

const confirmKey = (subscriberId: string) => `newsletter-confirm-${subscriberId}`;

/** The address as typed, trimmed; FieldErrors when it is not one or longer than SMTP allows. */
function checkedEmail(value: unknown): string {
  const email = typeof value === 'string' ? value.trim() : '';
  if (email.length > EMAIL_MAX_LENGTH) throw new FieldErrors({ email: 'newsletter.email.tooLong' });
  if (email.length < 3 || !isEmailAddress(email)) throw new FieldErrors({ email: 'newsletter.email.invalid' });
  return email;
}
