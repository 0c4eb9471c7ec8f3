// What the newsletter's public pages show: the archive with the subscribe form or buttons, a sent
// edition, and the pages of the confirmation and unsubscribe links.
import { formatDate } from '../i18n/dates';
import { Language, LANGUAGE_NAMES, LANGUAGES, translate } from '../i18n/i18n';
import { renderMarkdown } from '../views/markdown';
import { FieldMessages } from '../web/forms';
import { SentEdition } from './newsletter-archive.service';
import { SubscriberStatus } from './newsletter-subscriber.entity';

/** The subscribe form as typed, kept when it is refused. */
export interface SubscribeForm {
  email: string;
  language: string;
}

/** Who reads the archive: a visitor (the form), or a signed-in person and the state of their subscription. */
export type ArchiveReader = { signedIn: false } | { signedIn: true; status: SubscriberStatus | null; email: string };

export function archivePage(
  lang: Language,
  editions: Omit<SentEdition, 'body'>[],
  reader: ArchiveReader,
  form: SubscribeForm,
  extra: { errors?: FieldMessages; notice?: string } = {},
) {
  return {
    title: translate(lang, 'newsletter.archive.title'),
    editions: editions.map((edition) => ({
      href: `/newsletter/${edition.id}`,
      subject: edition.subject,
      // A subject shown in Finnish for want of the reader's language says so to screen readers.
      subjectLang: edition.textLang !== lang ? edition.textLang : null,
      datetime: edition.sentAt.toISOString(),
      date: formatDate(edition.sentAt, lang, 'longDate'),
    })),
    visitor: !reader.signedIn,
    subscribed: reader.signedIn && reader.status === 'confirmed',
    pending: reader.signedIn && reader.status === 'pending',
    accountEmail: reader.signedIn ? reader.email : null,
    form,
    languageOptions: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code], selected: code === (form.language || lang) })),
    ...extra,
  };
}

export function editionPage(lang: Language, edition: SentEdition) {
  return {
    title: edition.subject,
    subject: edition.subject,
    textLang: edition.textLang !== lang ? edition.textLang : null,
    datetime: edition.sentAt.toISOString(),
    date: formatDate(edition.sentAt, lang, 'longDate'),
    body: renderMarkdown(edition.body),
  };
}
