// What the public events page shows (events.controller.ts): the filter form with what was typed
// kept, and the upcoming sessions and network events grouped by the Helsinki month they start in.
import { DISPLAY_TIME_ZONE, formatDate } from '../i18n/dates';
import { Language, LOCALES, translate } from '../i18n/i18n';
import { FieldMessages } from '../web/forms';
import { EVENTS_PAGE_LIMIT, EventItem, ProgrammeOption } from './network-events.service';

/** "toukokuu 2027": a month's heading in the reader's language, Helsinki time. */
function monthHeading(date: Date, lang: Language): string {
  const label = new Intl.DateTimeFormat(LOCALES[lang], { month: 'long', year: 'numeric', timeZone: DISPLAY_TIME_ZONE }).format(date);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The page's items grouped by the Helsinki month they start in, each with its time as the reader reads it. */
function byMonth(items: EventItem[], lang: Language) {
  const months: { id: string; heading: string; items: unknown[] }[] = [];
  for (const item of items) {
    const heading = monthHeading(item.startsAt, lang);
    if (months.at(-1)?.heading !== heading) months.push({ id: `month-${months.length + 1}`, heading, items: [] });
    months.at(-1)!.items.push({
      ...item,
      datetime: item.startsAt.toISOString(),
      date: formatDate(item.startsAt, lang, 'longDate'),
      time: translate(lang, 'events.time', { start: formatDate(item.startsAt, lang, 'time'), end: formatDate(item.endsAt, lang, 'time') }),
      kindLabel: translate(lang, `events.kind.${item.kind}`),
      // Text shown in Finnish for want of the reader's language says so to screen readers.
      titleFallback: item.titleLang !== lang,
      descriptionFallback: item.descriptionLang !== lang,
      meetingLinkHref: item.meetingLink && /^https:\/\//i.test(item.meetingLink) ? item.meetingLink : null,
    });
  }
  return months;
}

/** The page for the filter as typed (`values`), its messages (translated) and the listing (null when the filter was refused). */
export function eventsPage(
  lang: Language,
  values: Record<string, string>,
  messages: FieldMessages | null,
  programmes: ProgrammeOption[],
  listing: { items: EventItem[]; truncated: boolean } | null,
) {
  return {
    title: translate(lang, 'events.title'),
    errors: messages,
    filter: {
      programmes: [
        ...programmes.map((programme) => ({ value: programme.slug, label: programme.title, selected: programme.slug === values.programme })),
        // A programme the list does not have stays chosen, so the reader sees what was refused.
        ...(messages?.programme && values.programme ? [{ value: values.programme, label: values.programme, selected: true }] : []),
      ],
      programmeError: messages?.programme ?? null,
      month: { value: values.month, error: messages?.month ?? null },
    },
    filtered: !!(values.programme || values.month),
    months: listing ? byMonth(listing.items, lang) : [],
    empty: !!listing && listing.items.length === 0,
    truncated: listing?.truncated ?? false,
    limit: EVENTS_PAGE_LIMIT,
  };
}
