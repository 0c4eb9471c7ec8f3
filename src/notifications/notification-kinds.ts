// The registry of notification kinds. Areas register their kinds at start (onModuleInit), so the
// notification core never imports an area: it only knows what a kind declares here.
import { Injectable } from '@nestjs/common';
import { Language } from '../i18n/i18n';

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
  /** Subject line in the recipient's language. */
  subject(payload: Record<string, unknown>, lang: Language): string;
  /** "Is this still true?", asked just before sending; false drops the message as stale. */
  stillValid?(payload: Record<string, unknown>): Promise<boolean>;
  attachments?(payload: Record<string, unknown>, lang: Language): Promise<MailAttachment[]>;
}

@Injectable()
export class NotificationKinds {
  private readonly kinds = new Map<string, NotificationKind>();

  register(kind: NotificationKind): void {
    if (this.kinds.has(kind.name)) throw new Error(`Notification kind "${kind.name}" is registered twice`);
    this.kinds.set(kind.name, kind);
  }

  get(name: string): NotificationKind {
    const kind = this.kinds.get(name);
    if (!kind) throw new Error(`Unknown notification kind "${name}"`);
    return kind;
  }

  has(name: string): boolean {
    return this.kinds.has(name);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }
}
