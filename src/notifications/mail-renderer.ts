// Renders a notification into an email in the recipient's language: views/mail/<kind>.html.hbs and
// .text.hbs inside the shared mail layouts, with the same helpers as the pages; and the copy of it
// kept for the outbox page, in which each secret link says "[link hidden]" (secret-links.ts).
import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG, Config } from '../config/config';
import { Language } from '../i18n/i18n';
import { VIEWS_DIR } from '../paths';
import { createViewEngine } from '../views/view-engine';
import { MailAttachment, NotificationKinds } from './notification-kinds';
import { SecretLinks } from './secret-links';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

/** A message as kept for the outbox page. */
export type KeptMail = Pick<RenderedMail, 'subject' | 'text' | 'html'>;

export interface Renderable {
  kind: string;
  language: Language;
  recipientName: string | null;
  /** For attachments addressed to the person (calendar invitations name their attendee). */
  recipientEmail?: string;
  payload: Record<string, unknown>;
}

type Template = Handlebars.TemplateDelegate;

@Injectable()
export class MailRenderer {
  private readonly hbs = createViewEngine();
  private readonly templates = new Map<string, Template>();

  constructor(
    private readonly kinds: NotificationKinds,
    private readonly secrets: SecretLinks,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The mail to send, secret links and all. */
  async render(notification: Renderable): Promise<RenderedMail> {
    return {
      ...this.parts(notification),
      attachments: await this.kinds.attachmentsOf(notification.kind, notification.payload, notification.language, {
        email: notification.recipientEmail ?? '',
        name: notification.recipientName,
      }),
    };
  }

  /**
   * The copy of a message kept for the outbox page: what its kind keeps (keptCopy), or `sent` itself, or when its kind has secret links,
   * the same message rendered again with each of them hidden (Handlebars escapes a link differently
   * in each part, so hiding it in the finished text would miss some).
   */
  keptCopy(notification: Renderable, sent: RenderedMail): KeptMail {
    const kind = this.kinds.get(notification.kind);
    if (kind.keptCopy) {
      const hidden = this.secrets.hidden(kind, notification.payload, notification.language);
      return { subject: kind.subject(hidden, notification.language), ...kind.keptCopy(hidden, notification.language) };
    }
    if (kind.secretLinks.length === 0) return { subject: sent.subject, text: sent.text, html: sent.html };
    return this.parts({ ...notification, payload: this.secrets.hidden(kind, notification.payload, notification.language) });
  }

  private parts(notification: Renderable): KeptMail {
    const kind = this.kinds.get(notification.kind);
    const lang = notification.language;
    const subject = kind.subject(notification.payload, lang);
    const context = {
      lang,
      subject,
      recipientName: notification.recipientName,
      baseUrl: this.config.baseUrl,
      ...notification.payload,
    };
    const body = (format: 'html' | 'text') => this.template(`${kind.template ?? kind.name}.${format}`)(context);
    const layout = (format: 'html' | 'text', inner: string) => this.template(`layout.${format}`)({ ...context, body: inner });
    return {
      subject,
      html: layout('html', body('html')),
      text: layout('text', body('text')).replace(/\n{3,}/g, '\n\n').trim() + '\n',
    };
  }

  /** Templates are compiled once per process; plain-text ones without HTML escaping. */
  private template(name: string): Template {
    let template = this.templates.get(name);
    if (!template) {
      const source = readFileSync(join(VIEWS_DIR, 'mail', `${name}.hbs`), 'utf8');
      template = this.hbs.compile(source, { noEscape: name.endsWith('.text') });
      this.templates.set(name, template);
    }
    return template;
  }
}
