// The newsletter's mail, through the notification core: one outbox row per subscriber and edition,
// whose payload names only the two (20,000 rows stay small). What the mail says is read when it
// goes: the edition in the subscriber's language (Finnish when it has none), rendered once per
// edition and language in this process; a subscriber who unsubscribed or bounced meanwhile gets
// nothing (stale). The footer's unsubscribe address, also List-Unsubscribe (RFC 8058 one click), is
// added then and is a secret link. The newsletter is no personal notification: its rows carry no
// account, so no preference turns it off or into the digest (leaving the list does), and it goes
// by email only. An admin's test message is the same mail to themself, marked as a test.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Handlebars from 'handlebars';
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
  /** Added by refresh: the address has refusals counted, which a delivery resets. */
  hadRefusals?: boolean;
};

declare module '../notifications/notification-kinds' {
  interface NotificationPayloads {
    [NEWSLETTER_EDITION_KIND]: NewsletterEditionMail;
  }
}

interface Rendered {
  /** Read from an edition being sent or sent, whose text no longer changes. */
  final: boolean;
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
      // Only an address with refusals counted has anything to reset: no write (nor round trip) for the rest.
      delivered: async (payload) => {
        if (payload.hadRefusals && typeof payload.subscriberId === 'string') await this.subscribers.recordDelivery(payload.subscriberId);
      },
      aboutPath: (payload) => (typeof payload.editionId === 'string' ? `/newsletter/${payload.editionId}` : null),
      // The edition itself is in the archive: each subscriber's row keeps a pointer, not a copy.
      keptCopy: (payload, lang) => {
        const text = translate(lang, 'mail.newsletterEdition.keptCopy', { url: String(payload.webUrl ?? '') });
        return { text, html: `<p>${Handlebars.Utils.escapeExpression(text)}</p>` };
      },
    });
  }

  /** The edition as it stands, for this subscriber now; null when either is gone or they left the list. */
  private async refresh(payload: NewsletterEditionMail, lang: Language): Promise<NewsletterEditionMail | null> {
    if (typeof payload.editionId !== 'string') return null;
    const view = await this.edition(payload.editionId, lang);
    if (!view) return null;
    const common = { editionId: payload.editionId, bodyHtml: view.html, bodyText: view.text, webUrl: `${this.config.baseUrl}/newsletter/${payload.editionId}` };
    if (payload.test === true) return { ...common, test: true, subject: translate(lang, 'mail.newsletterEdition.test.subject', { subject: view.subject }) };
    if (typeof payload.subscriberId !== 'string') return null;
    const subscriber = await this.subscribers.stillSubscribed(payload.subscriberId);
    if (!subscriber) return null;
    return {
      ...common,
      subscriberId: payload.subscriberId,
      subject: view.subject,
      unsubscribeUrl: this.subscribers.unsubscribeAddress(payload.subscriberId),
      hadRefusals: subscriber.refusals > 0,
    };
  }

  /**
   * An edition in one language, rendered. An edition being sent or sent no longer changes (only
   * drafts and scheduled ones are edited), so once rendered it is not read again: 20,000 messages
   * of one edition read it once per language, not once each.
   */
  private async edition(editionId: string, lang: Language): Promise<Rendered | null> {
    const cached = this.rendered.get(`${editionId}|${lang}`);
    if (cached?.final) return this.touch(`${editionId}|${lang}`, cached);
    const [edition]: { subject: LocalizedText; body: LocalizedText; status: string }[] = await this.dataSource.query(
      `SELECT subject, body, status FROM newsletter_edition WHERE id = $1`,
      [editionId],
    );
    return edition ? this.render(editionId, edition, lang) : null;
  }

  /** An edition in one language (Finnish where it has none), rendered once while its text stays the same. */
  private render(editionId: string, edition: { subject: LocalizedText; body: LocalizedText; status: string }, lang: Language): Rendered {
    const key = `${editionId}|${lang}`;
    const subjectSource = localized(edition.subject, lang);
    const bodySource = localized(edition.body, lang);
    const final = edition.status === 'sending' || edition.status === 'sent';
    const kept = this.rendered.get(key);
    if (kept && kept.subjectSource === subjectSource && kept.bodySource === bodySource) return this.touch(key, { ...kept, final });
    return this.touch(key, { subjectSource, bodySource, final, subject: subjectSource, html: renderMarkdown(bodySource), text: markdownAsText(bodySource) });
  }

  /** Keeps an entry as the most recently used (a Map iterates in insertion order), dropping the least recently used beyond RENDERED_KEPT. */
  private touch(key: string, entry: Rendered): Rendered {
    this.rendered.delete(key);
    this.rendered.set(key, entry);
    if (this.rendered.size > RENDERED_KEPT) this.rendered.delete(this.rendered.keys().next().value!);
    return entry;
  }
}
