// The registry of notification kinds. Areas register their kinds at start (onModuleInit), so the
// notification core never imports an area: it only knows what a kind declares here.
import { Injectable } from '@nestjs/common';
import { Language, translate } from '../i18n/i18n';
import { Channel } from './notification.entity';

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string | Buffer;
}

/**
 * The payload of each notification kind, by the kind's stable name. Each area adds its own kinds
 * where it defines them (`declare module '../notifications/notification-kinds'`), so the core names
 * no area, and the compiler checks a payload where notify() is given it and where the kind's
 * functions below read it. A payload is a type alias (not an interface), so that it is a
 * Record<string, unknown> too, as the outbox's JSON is.
 */
export interface NotificationPayloads {}

/** A kind's payload as declared; any object for a kind no area declared (tests register their own). */
export type PayloadOf<K extends string> = K extends keyof NotificationPayloads ? NotificationPayloads[K] : Record<string, unknown>;

/** A kind as its area registers it; `NotificationKind` alone is any kind, as the core reads rows of every kind. */
export interface NotificationKind<K extends string = string> {
  /** Stable name, stored in rows. */
  name: K;
  /** Templates views/mail/<template>.html.hbs and .text.hbs; the name when omitted. */
  template?: string;
  /** Security mail (password reset…) always goes by email, whatever the recipient prefers. */
  security?: boolean;
  /**
   * The payload fields holding a link that is itself a key (a password reset, a manager's approval,
   * an unsubscribe address), whether written by the caller or added by refresh; [] for none. Such a
   * link goes out in the mail and nowhere else: the outbox row holds it encrypted, the copy kept for
   * the outbox page shows "[link hidden]" instead, and errors and logs of its sending never quote it
   * (see secret-links.ts). Required, so that a new kind has to answer the question.
   */
  secretLinks: readonly (keyof PayloadOf<K> & string)[];
  /** The channels a person may choose for it; all when omitted (reminders: no digest, which cannot remind on time). */
  channels?: readonly Channel[];
  /** Subject line in the recipient's language. */
  subject(payload: PayloadOf<K>, lang: Language): string;
  /** "Is this still true?", asked just before sending; false drops the message as stale. */
  stillValid?(payload: PayloadOf<K>): Promise<boolean>;
  /**
   * Re-reads what the message is about just before sending and returns what to render (the
   * session's time, place and agenda as they are now), or null when it is no longer true, which
   * drops the message as stale. For messages written long before they go, like reminders. What it
   * adds is declared in the payload's type as optional fields.
   */
  refresh?(payload: PayloadOf<K>, lang: Language): Promise<PayloadOf<K> | null>;
  attachments?(payload: PayloadOf<K>, lang: Language, recipient: MailRecipient): Promise<MailAttachment[]>;
  /**
   * Extra mail headers, from the payload as it is sent (after refresh): a forum post's
   * List-Unsubscribe, for instance.
   */
  headers?(payload: PayloadOf<K>, recipient: MailRecipient): Record<string, string>;
  /**
   * The page on this site the message is about (`/threads/<id>#post-<id>`, `/cohorts/<id>`), from
   * its stored payload: where the person's notifications page takes them. None when omitted.
   */
  aboutPath?(payload: PayloadOf<K>): string | null;
  /**
   * Told when the mail server refused a message of this kind for good (a 5xx answer: no such
   * mailbox), with the server's answer; the message is then failed at once, not retried. For lists
   * that stop mailing an address that keeps refusing (the newsletter's bounces). An error here is
   * logged, not retried.
   */
  refused?(payload: PayloadOf<K>, reason: string): Promise<void>;
  /** Told when a message of this kind was accepted by the mail server, with the payload as sent (after refresh). An error here is logged: the message is sent. */
  delivered?(payload: PayloadOf<K>): Promise<void>;
  /**
   * What the outbox keeps of a sent message of this kind, when not the message itself rendered again
   * with its secret links hidden: a newsletter edition is kept once, in its archive, so each of its
   * 20,000 rows keeps a line pointing there rather than a copy of the same text. Given the payload
   * with its secret links already hidden.
   */
  keptCopy?(payload: PayloadOf<K>, lang: Language): { text: string; html: string };
}

/** A kind's name in the reader's language (notifications.kind.<name>); its stable name when it has none. */
export function kindName(kind: string, lang: Language): string {
  const key = `notifications.kind.${kind}`;
  const name = translate(lang, key);
  return name === key ? kind : name;
}

export interface MailRecipient {
  email: string;
  name: string | null;
}

/** A session a person takes part in, as the digest lists it. */
export interface UpcomingSession {
  startsAt: Date;
  endsAt: Date;
  /** The round, in the reader's language (programme and round). */
  cohortNameIn: string;
  place: string | null;
  /** The round's page on this site. */
  path: string;
}

/** A person's sessions starting in [from, until), from the area that owns sessions. */
export type UpcomingSessions = (userId: string, from: Date, until: Date, lang: Language) => Promise<UpcomingSession[]>;

export type AttachmentProvider<K extends string = string> = (payload: PayloadOf<K>, lang: Language, recipient: MailRecipient) => Promise<MailAttachment[]>;

@Injectable()
export class NotificationKinds {
  private readonly kinds = new Map<string, NotificationKind>();
  private readonly addedAttachments = new Map<string, AttachmentProvider[]>();
  private upcoming?: UpcomingSessions;

  register<K extends string>(kind: NotificationKind<K>): void {
    if (this.kinds.has(kind.name)) throw new Error(`Notification kind "${kind.name}" is registered twice`);
    // Kept as any kind, read with what the outbox holds: the payload notify() was given, typed by the kind's name.
    this.kinds.set(kind.name, kind as unknown as NotificationKind);
  }

  get(name: string): NotificationKind {
    const kind = this.kinds.get(name);
    if (!kind) throw new Error(`Unknown notification kind "${name}"`);
    return kind;
  }

  /**
   * Another area adds attachments to a kind it does not own (calendar invitations on enrolment
   * mail), so the owner need not know about it.
   */
  addAttachments<K extends string>(name: K, provider: AttachmentProvider<K>): void {
    this.addedAttachments.set(name, [...(this.addedAttachments.get(name) ?? []), provider as AttachmentProvider]);
  }

  /** Every attachment of a message of this kind: the kind's own, then those other areas added. */
  async attachmentsOf(name: string, payload: Record<string, unknown>, lang: Language, recipient: MailRecipient): Promise<MailAttachment[]> {
    const providers = [this.get(name).attachments, ...(this.addedAttachments.get(name) ?? [])].filter((p): p is AttachmentProvider => !!p);
    return (await Promise.all(providers.map((provider) => provider(payload, lang, recipient)))).flat();
  }

  /** The area that owns sessions tells the digest a person's next ones (the core knows no sessions). */
  provideUpcomingSessions(provider: UpcomingSessions): void {
    if (this.upcoming) throw new Error('Upcoming sessions are provided twice');
    this.upcoming = provider;
  }

  /** A person's sessions in [from, until); none when no area provides them. */
  async upcomingSessions(userId: string, from: Date, until: Date, lang: Language): Promise<UpcomingSession[]> {
    return this.upcoming ? this.upcoming(userId, from, until, lang) : [];
  }

  /** What a message of this kind says as things stand now, or null when it is no longer true (stillValid, then refresh). */
  async current(name: string, payload: Record<string, unknown>, lang: Language): Promise<Record<string, unknown> | null> {
    const kind = this.get(name);
    if (kind.stillValid && !(await kind.stillValid(payload))) return null;
    return kind.refresh ? kind.refresh(payload, lang) : payload;
  }

  /** The local page a stored message of this kind is about, or null (an unknown kind, or none). */
  aboutPath(name: string, payload: Record<string, unknown>): string | null {
    return this.kinds.get(name)?.aboutPath?.(payload) ?? null;
  }

  has(name: string): boolean {
    return this.kinds.has(name);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }
}
