// The registry of notification kinds. Areas register their kinds at start (onModuleInit), so the
// notification core never imports an area: it only knows what a kind declares here.
import { Injectable } from '@nestjs/common';
import { Language } from '../i18n/i18n';
import { Channel } from './notification.entity';

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string | Buffer;
}

export interface NotificationKind {
  /** Stable name, stored in rows. */
  name: string;
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
  secretLinks: readonly string[];
  /** The channels a person may choose for it; all when omitted (reminders: no digest, which cannot remind on time). */
  channels?: readonly Channel[];
  /** Subject line in the recipient's language. */
  subject(payload: Record<string, unknown>, lang: Language): string;
  /** "Is this still true?", asked just before sending; false drops the message as stale. */
  stillValid?(payload: Record<string, unknown>): Promise<boolean>;
  /**
   * Re-reads what the message is about just before sending and returns what to render (the
   * session's time, place and agenda as they are now), or null when it is no longer true, which
   * drops the message as stale. For messages written long before they go, like reminders.
   */
  refresh?(payload: Record<string, unknown>, lang: Language): Promise<Record<string, unknown> | null>;
  attachments?: AttachmentProvider;
  /**
   * Extra mail headers, from the payload as it is sent (after refresh): a forum post's
   * List-Unsubscribe, for instance.
   */
  headers?(payload: Record<string, unknown>, recipient: MailRecipient): Record<string, string>;
}

export interface MailRecipient {
  email: string;
  name: string | null;
}

export type AttachmentProvider = (payload: Record<string, unknown>, lang: Language, recipient: MailRecipient) => Promise<MailAttachment[]>;

@Injectable()
export class NotificationKinds {
  private readonly kinds = new Map<string, NotificationKind>();
  private readonly addedAttachments = new Map<string, AttachmentProvider[]>();

  register(kind: NotificationKind): void {
    if (this.kinds.has(kind.name)) throw new Error(`Notification kind "${kind.name}" is registered twice`);
    this.kinds.set(kind.name, kind);
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
  addAttachments(name: string, provider: AttachmentProvider): void {
    this.addedAttachments.set(name, [...(this.addedAttachments.get(name) ?? []), provider]);
  }

  /** Every attachment of a message of this kind: the kind's own, then those other areas added. */
  async attachmentsOf(name: string, payload: Record<string, unknown>, lang: Language, recipient: MailRecipient): Promise<MailAttachment[]> {
    const providers = [this.get(name).attachments, ...(this.addedAttachments.get(name) ?? [])].filter((p): p is AttachmentProvider => !!p);
    return (await Promise.all(providers.map((provider) => provider(payload, lang, recipient)))).flat();
  }

  /** What a message of this kind says as things stand now, or null when it is no longer true (stillValid, then refresh). */
  async current(name: string, payload: Record<string, unknown>, lang: Language): Promise<Record<string, unknown> | null> {
    const kind = this.get(name);
    if (kind.stillValid && !(await kind.stillValid(payload))) return null;
    return kind.refresh ? kind.refresh(payload, lang) : payload;
  }

  has(name: string): boolean {
    return this.kinds.has(name);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }
}
