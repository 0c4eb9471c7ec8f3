// Renders a notification into an email in the recipient's language: views/mail/<kind>.html.hbs and
// .text.hbs inside the shared mail layouts, with the same helpers as the pages.
import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG, Config } from '../config/config';
import { Language } from '../i18n/i18n';
import { VIEWS_DIR } from '../paths';
import { createViewEngine } from '../views/view-engine';
import { MailAttachment, NotificationKinds } from './notification-kinds';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

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
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async render(notification: Renderable): Promise<RenderedMail> {
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
      attachments: await this.kinds.attachmentsOf(kind.name, notification.payload, lang, { email: notification.recipientEmail ?? '', name: notification.recipientName }),
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
