// The newsletter's mail, through the notification core: one outbox row per subscriber and edition,
// whose payload names only the two (20,000 rows stay small). What the mail says is read when it
// goes: the edition in the subscriber's language (Finnish when it has none), rendered once per
// edition and language in this process; a subscriber who unsubscribed or bounced meanwhile gets
// nothing (stale). The footer's unsubscribe address, also List-Unsubscribe (RFC 8058 one click), is
// added then and is a secret link. The newsletter is no personal notification: its rows carry no
// account, so no preference turns it off or into the digest (leaving the list does), and it goes
// by email only. An admin's test message is the same mail to themself, marked as a test.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, Config } from '../config/config';
import { Language, LocalizedText, localized, translate } from '../i18n/i18n';
import { NotificationKinds } from '../notifications/notification-kinds';
import { markdownAsText, renderMarkdown } from '../views/markdown';
import { NewsletterSubscribers } from './newsletter-subscribers.service';

export const NEWSLETTER_EDITION_KIND = 'newsletter.edition';

/** As written to the outbox: which edition to whom; the rest is added when it goes. */
export type NewsletterEditionMail = {
  editionId: string;
  /** Absent for an admin's test message. */
  subscriberId?: string;
  test?: boolean;
  subject?: string;
  bodyHtml?: string;
  bodyText?: string;
  /** The edition in the archive. */
  webUrl?: string;
  unsubscribeUrl?: string;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    [NEWSLETTER_EDITION_KIND]: NewsletterEditionMail;
  }
}

interface Rendered {
  subjectSource: string;
  bodySource: string;
  subject: string;
  html: string;
  text: string;
}

/** Editions and languages kept rendered: a sending edition in its three languages, and a few more. */
const RENDERED_KEPT = 30;

@Injectable()
export class NewsletterNotifications implements OnModuleInit {
  private readonly rendered = new Map<string, Rendered>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
    private readonly kinds: NotificationKinds,
    private readonly subscribers: NewsletterSubscribers,
  ) {}

  onModuleInit() {
    this.kinds.register({
      name: NEWSLETTER_EDITION_KIND,
      // Added by refresh, so never stored; hidden in the copy the outbox keeps.
      secretLinks: ['unsubscribeUrl'],
      channels: ['email'],
      subject: (payload, lang) => (typeof payload.subject === 'string' ? payload.subject : translate(lang, 'notifications.kind.newsletter.edition')),
      refresh: (payload, lang) => this.refresh(payload, lang),
      headers: (payload): Record<string, string> =>
        typeof payload.unsubscribeUrl === 'string' ? { 'List-Unsubscribe': `<${payload.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
      refused: async (payload, reason) => {
        if (typeof payload.subscriberId === 'string') await this.subscribers.recordRefusal(payload.subscriberId, reason);
      },
      delivered: async (payload) => {
        if (typeof payload.subscriberId === 'string') await this.subscribers.recordDelivery(payload.subscriberId);
      },
      aboutPath: (payload) => (typeof payload.editionId === 'string' ? `/newsletter/${payload.editionId}` : null),
    });
  }

  /** The edition as it stands, for this subscriber now; null when either is gone or they left the list. */
  private async refresh(payload: NewsletterEditionMail, lang: Language): Promise<NewsletterEditionMail | null> {
    if (typeof payload.editionId !== 'string') return null;
    const [edition]: { subject: LocalizedText; body: LocalizedText }[] = await this.dataSource.query(
      `SELECT subject, body FROM newsletter_edition WHERE id = $1`,
      [payload.editionId],
    );
    if (!edition) return null;
    const view = this.render(payload.editionId, edition, lang);
    const common = { editionId: payload.editionId, bodyHtml: view.html, bodyText: view.text, webUrl: `${this.config.baseUrl}/newsletter/${payload.editionId}` };
    if (payload.test === true) return { ...common, test: true, subject: translate(lang, 'mail.newsletterEdition.test.subject', { subject: view.subject }) };
    if (typeof payload.subscriberId !== 'string') return null;
    const subscriber = await this.subscribers.stillSubscribed(payload.subscriberId);
    if (!subscriber) return null;
    return { ...common, subscriberId: payload.subscriberId, subject: view.subject, unsubscribeUrl: this.subscribers.unsubscribeAddress(payload.subscriberId) };
  }

  /** An edition in one language (Finnish where it has none), rendered once while its text stays the same. */
  private render(editionId: string, edition: { subject: LocalizedText; body: LocalizedText }, lang: Language): Rendered {
    const key = `${editionId}|${lang}`;
    const subjectSource = localized(edition.subject, lang);
    const bodySource = localized(edition.body, lang);
    const kept = this.rendered.get(key);
    if (kept && kept.subjectSource === subjectSource && kept.bodySource === bodySource) {
      // Least recently used goes first: refresh the entry's place.
      this.rendered.delete(key);
      this.rendered.set(key, kept);
      return kept;
    }
    const made = { subjectSource, bodySource, subject: subjectSource, html: renderMarkdown(bodySource), text: markdownAsText(bodySource) };
    this.rendered.delete(key);
    this.rendered.set(key, made);
    if (this.rendered.size > RENDERED_KEPT) this.rendered.delete(this.rendered.keys().next().value!);
    return made;
  }
}
