// What the admins' newsletter pages show (admin-newsletter.controller.ts): the editions with their
// state and the subscriber counts, and an edition's page: its form in fi/sv/en (the input of a
// refused form kept, each message next to its input), the preview, the test message and scheduling.
import { formatHelsinkiInput } from '../i18n/helsinki-time';
import { Language, localized, translate } from '../i18n/i18n';
import { FieldMessages, fieldText } from '../web/forms';
import { NewsletterEdition } from './newsletter-edition.entity';
import { EditionPreview, EditionRow } from './newsletter-editions.service';
import { SubscriberCounts } from './newsletter-subscribers.service';

const LANGUAGE_CODES = ['fi', 'sv', 'en'] as const;
const suffix = (code: string) => code[0].toUpperCase() + code.slice(1);
const TEXT_FIELDS = LANGUAGE_CODES.flatMap((code) => [`subject${suffix(code)}`, `body${suffix(code)}`]);
const FORM_FIELDS = [...TEXT_FIELDS, 'scheduledAt'];
export const NOTICES = ['created', 'saved', 'tested', 'scheduled', 'unscheduled'] as const;

export type Values = Record<string, string>;

export const valuesOfBody = (body: unknown): Values => Object.fromEntries(FORM_FIELDS.map((field) => [field, fieldText(body, field)]));

export function valuesOfEdition(edition: NewsletterEdition): Values {
  const values: Values = { scheduledAt: edition.scheduledAt ? datetimeLocal(edition.scheduledAt) : '' };
  for (const code of LANGUAGE_CODES) {
    values[`subject${suffix(code)}`] = edition.subject[code] ?? '';
    values[`body${suffix(code)}`] = edition.body[code] ?? '';
  }
  return values;
}

const datetimeLocal = (instant: Date) => {
  const { date, time } = formatHelsinkiInput(instant);
  return `${date}T${time}`;
};

const otherErrors = (errors: FieldMessages | null) =>
  errors ? Object.entries(errors).filter(([field]) => !FORM_FIELDS.includes(field)).map(([field, message]) => ({ field, message })) : [];

const statusLabel = (status: string, lang: Language) => translate(lang, `admin.newsletter.status.${status}`);

export function editionsListPage(editions: EditionRow[], counts: SubscriberCounts, lang: Language) {
  return {
    title: translate(lang, 'admin.newsletter.title'),
    counts,
    editions: editions.map((edition) => ({ ...edition, statusLabel: statusLabel(edition.status, lang) })),
  };
}

export interface EditionPageState {
  notice?: string | null;
  refusal?: string;
  preview?: EditionPreview[] | null;
}

/** The new-edition form (`edition` null) or an edition's page. */
export function editionPage(lang: Language, edition: NewsletterEdition | null, values: Values, errors: FieldMessages | null, state: EditionPageState) {
  const field = (id: string, name: string) => ({ id, name, value: values[name] ?? '', error: errors?.[name] ?? null });
  const editable = !edition || edition.status === 'draft' || edition.status === 'scheduled';
  return {
    title: edition ? localized(edition.subject, lang) : translate(lang, 'admin.newsletter.new'),
    notice: state.notice ?? null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors: otherErrors(errors),
    edition: edition && {
      id: edition.id,
      subject: localized(edition.subject, lang),
      status: edition.status,
      statusLabel: statusLabel(edition.status, lang),
      scheduledAt: edition.scheduledAt,
      sentAt: edition.sentAt,
      recipientCount: edition.recipientCount,
      updatedAt: edition.updatedAt,
      scheduled: edition.status === 'scheduled',
      sent: edition.status === 'sent',
    },
    editable,
    action: edition ? `/admin/newsletter/${edition.id}` : '/admin/newsletter',
    preview: state.preview?.map((item) => ({ ...item, legend: translate(lang, `admin.programme.texts.${item.lang}`) })) ?? null,
    form: {
      languages: LANGUAGE_CODES.map((code) => ({
        code,
        required: code === 'fi',
        legend: translate(lang, `admin.programme.texts.${code}`),
        subject: field(`newsletter-subject-${code}`, `subject${suffix(code)}`),
        body: field(`newsletter-body-${code}`, `body${suffix(code)}`),
      })),
      scheduledAt: field('newsletter-scheduled-at', 'scheduledAt'),
    },
  };
}
