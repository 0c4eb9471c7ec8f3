// The public events page (/events): the upcoming sessions of published rounds and the network's own
// events (the developer days) in time order, grouped by month, filtered by programme and month with
// a GET form. A filter that cannot be read shows the page again, 400, with the message next to its
// field and what was typed kept.
import { Controller, Get, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { Public } from '../access/access.decorator';
import { MAX_YEAR, MIN_YEAR } from '../catalogue/scheduling.rules';
import { FieldErrors } from '../errors/domain-errors';
import { DISPLAY_TIME_ZONE, formatDate } from '../i18n/dates';
import { Language, LOCALES, translate } from '../i18n/i18n';
import { FieldMessages, translateFields, validateForm } from '../web/forms';
import { Lang } from '../web/language';
import { EVENTS_PAGE_LIMIT, EventItem, NetworkEventsService } from './network-events.service';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The filter form's query: blank fields filter nothing. */
export class EventsQueryDto {
  @IsOptional()
  @MaxLength(80, { message: 'events.filter.programme.unknown' })
  @IsString({ message: 'events.filter.programme.unknown' })
  programme?: string;

  @IsOptional()
  @ValidateBy(
    {
      name: 'isMonth',
      validator: {
        validate: (value) => {
          if (value === '') return true;
          const match = typeof value === 'string' ? MONTH.exec(value.trim()) : null;
          return !!match && Number(match[1]) >= MIN_YEAR && Number(match[1]) <= MAX_YEAR;
        },
      },
    },
    { message: 'events.filter.month.invalid' },
  )
  month?: string;
}

const FILTER_FIELDS = ['programme', 'month'] as const;

function text(query: unknown, field: string): string {
  const value = (query && typeof query === 'object' ? (query as Record<string, unknown>) : {})[field];
  return typeof value === 'string' ? value : '';
}

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

@ApiExcludeController()
@Public()
@Controller()
export class EventsController {
  constructor(private readonly events: NetworkEventsService) {}

  @Get('events')
  async page(@Query() query: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    // Only the filter's own fields are read: a shared link with other parameters still works.
    const values = Object.fromEntries(FILTER_FIELDS.map((field) => [field, text(query, field)]));
    const raw = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
    const form = await validateForm(EventsQueryDto, Object.fromEntries(FILTER_FIELDS.filter((field) => field in raw).map((field) => [field, raw[field]])));
    let errors: FieldMessages | null = form.errors;
    let listing: Awaited<ReturnType<NetworkEventsService['upcoming']>> | null = null;
    if (form.value) {
      try {
        listing = await this.events.upcoming({ programme: form.value.programme?.trim() || null, month: form.value.month?.trim() || null }, lang);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = error.fields;
      }
    }
    const messages = errors ? translateFields(errors, lang) : null;
    const programmes = await this.events.programmeOptions(lang);
    const filtered = !!(values.programme || values.month);
    return reply.status(messages ? HttpStatus.BAD_REQUEST : HttpStatus.OK).view('calendar/events', {
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
      filtered,
      months: listing ? byMonth(listing.items, lang) : [],
      empty: !!listing && listing.items.length === 0,
      truncated: listing?.truncated ?? false,
      limit: EVENTS_PAGE_LIMIT,
    });
  }
}
