// The admin pages for the network's own events (the developer days): the list, the form that creates
// one, and its page, which edits it (a new time is sent to calendars as an update) and cancels it.
// The rules are NetworkEventsService's: a refused form shows its page again, 400, with each message
// next to its input and the input kept; an edit of a cancelled event shows the reason, 409.
import { Body, Controller, Get, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply } from 'fastify';
import { IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';
import { Requires } from '../access/access.decorator';
import { Actor, Capability } from '../access/capabilities';
import { CurrentActor } from '../access/current-actor';
import { checkedId, FieldErrors, messageParts, Refused, withValues } from '../errors/domain-errors';
import { formatHelsinkiInput, parseHelsinki } from '../i18n/helsinki-time';
import { Language, localized, translate } from '../i18n/i18n';
import { FieldMessages, translateFields, translateMessage, validateForm } from '../web/forms';
import { filled, OptionalText, RequiredDate, RequiredTime } from '../web/form-fields';
import { Lang } from '../web/language';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_LINK_LENGTH,
  MAX_PLACE_LENGTH,
  MAX_TITLE_LENGTH,
  NetworkEventForEdit,
  NetworkEventInput,
  NetworkEventsService,
} from './network-events.service';

const TITLE_TOO_LONG = withValues('networkEvent.title.tooLong', { max: MAX_TITLE_LENGTH });
const DESCRIPTION_TOO_LONG = withValues('networkEvent.description.tooLong', { max: MAX_DESCRIPTION_LENGTH });

/** A network event as the admin form sends it: texts per language, one day from a start to an end time. */
export class NetworkEventFormDto {
  @MaxLength(MAX_TITLE_LENGTH, { message: TITLE_TOO_LONG })
  @IsNotEmpty({ message: 'networkEvent.titleFi.required' })
  @IsString({ message: 'networkEvent.titleFi.required' })
  titleFi: string;

  @OptionalText(MAX_TITLE_LENGTH, TITLE_TOO_LONG)
  titleSv?: string;

  @OptionalText(MAX_TITLE_LENGTH, TITLE_TOO_LONG)
  titleEn?: string;

  @OptionalText(MAX_DESCRIPTION_LENGTH, DESCRIPTION_TOO_LONG)
  descriptionFi?: string;

  @OptionalText(MAX_DESCRIPTION_LENGTH, DESCRIPTION_TOO_LONG)
  descriptionSv?: string;

  @OptionalText(MAX_DESCRIPTION_LENGTH, DESCRIPTION_TOO_LONG)
  descriptionEn?: string;

  @RequiredDate('admin.date.required')
  date: string;

  @RequiredTime('admin.session.start.required')
  start: string;

  @RequiredTime('admin.session.end.required')
  end: string;

  @OptionalText(MAX_PLACE_LENGTH, 'admin.place.tooLong')
  place?: string;

  @IsOptional()
  @ValidateIf((form: NetworkEventFormDto) => filled(form.meetingLink))
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'admin.meetingLink.https' })
  @MaxLength(MAX_LINK_LENGTH, { message: 'admin.meetingLink.tooLong' })
  @IsString({ message: 'admin.form.text' })
  meetingLink?: string;
}

function inputOf(form: NetworkEventFormDto): NetworkEventInput {
  return {
    title: { fi: form.titleFi, sv: form.titleSv, en: form.titleEn },
    description: { fi: form.descriptionFi ?? '', sv: form.descriptionSv, en: form.descriptionEn },
    startsAt: parseHelsinki(form.date, form.start)!,
    endsAt: parseHelsinki(form.date, form.end)!,
    place: form.place ?? null,
    meetingLink: form.meetingLink ?? null,
  };
}

const LANGUAGE_CODES = ['fi', 'sv', 'en'] as const;
const suffix = (code: string) => code[0].toUpperCase() + code.slice(1);
const FORM_FIELDS = [...LANGUAGE_CODES.flatMap((code) => [`title${suffix(code)}`, `description${suffix(code)}`]), 'date', 'start', 'end', 'place', 'meetingLink'];
const NOTICES = ['created', 'saved', 'cancelled'] as const;

type Values = Record<string, string>;

function text(body: unknown, field: string): string {
  const value = (body && typeof body === 'object' ? (body as Record<string, unknown>) : {})[field];
  return typeof value === 'string' ? value : '';
}

const valuesOfBody = (body: unknown): Values => Object.fromEntries(FORM_FIELDS.map((field) => [field, text(body, field)]));

function valuesOfEvent(event: NetworkEventForEdit): Values {
  const { date, time: start } = formatHelsinkiInput(event.startsAt);
  const values: Values = { date, start, end: formatHelsinkiInput(event.endsAt).time, place: event.place ?? '', meetingLink: event.meetingLink ?? '' };
  for (const code of LANGUAGE_CODES) {
    values[`title${suffix(code)}`] = event.title[code] ?? '';
    values[`description${suffix(code)}`] = event.description[code] ?? '';
  }
  return values;
}

/** The service's `startsAt`/`endsAt` as the form's start and end inputs (the date input when the date is out of range). */
function formErrors(fields: FieldMessages): FieldMessages {
  return Object.fromEntries(
    Object.entries(fields).map(([field, message]) => {
      if (field !== 'startsAt' && field !== 'endsAt') return [field, message];
      if (messageParts(message).key === 'schedule.date.outOfRange') return ['date', message];
      return [field === 'startsAt' ? 'start' : 'end', message];
    }),
  );
}

const otherErrors = (errors: FieldMessages | null) =>
  errors ? Object.entries(errors).filter(([field]) => !FORM_FIELDS.includes(field)).map(([field, message]) => ({ field, message })) : [];

/** The form's inputs with their values and messages. */
function eventForm(values: Values, errors: FieldMessages | null, lang: Language) {
  const field = (id: string, name: string) => ({ id, name, value: values[name] ?? '', error: errors?.[name] ?? null });
  return {
    languages: LANGUAGE_CODES.map((code) => ({
      code,
      required: code === 'fi',
      legend: translate(lang, `admin.programme.texts.${code}`),
      title: field(`event-title-${code}`, `title${suffix(code)}`),
      description: field(`event-description-${code}`, `description${suffix(code)}`),
    })),
    date: field('event-date', 'date'),
    start: field('event-start', 'start'),
    end: field('event-end', 'end'),
    place: field('event-place', 'place'),
    meetingLink: field('event-meeting-link', 'meetingLink'),
  };
}

@ApiExcludeController()
@Requires(Capability.CohortSchedule)
@Controller('admin/events')
export class AdminEventsController {
  constructor(private readonly events: NetworkEventsService) {}

  @Get()
  async list(@Lang() lang: Language, @Res() reply: FastifyReply) {
    const events = await this.events.list(lang);
    return reply.view('admin/network-events', {
      title: translate(lang, 'admin.events.title'),
      events: events.map((event) => ({
        ...event,
        cancelled: event.status === 'cancelled',
        statusLabel: translate(lang, `networkEvent.status.${event.status}`),
      })),
    });
  }

  @Get('new')
  newForm(@Lang() lang: Language, @Res() reply: FastifyReply) {
    return reply.view('admin/network-event-form', this.formPage(lang, null, { start: '09:00', end: '16:00' }, null, {}));
  }

  @Post()
  async create(@Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const form = await validateForm(NetworkEventFormDto, body);
    let errors = form.errors;
    if (form.value) {
      try {
        const event = await this.events.create(actorId, inputOf(form.value));
        return reply.redirect(`/admin/events/${event.id}?done=created`, 303);
      } catch (error) {
        if (!(error instanceof FieldErrors)) throw error;
        errors = formErrors(error.fields);
      }
    }
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/network-event-form', this.formPage(lang, null, valuesOfBody(body), translateFields(errors!, lang), {}));
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: unknown, @Lang() lang: Language, @Res() reply: FastifyReply) {
    const event = await this.events.findForEdit(id);
    const notice = NOTICES.find((name) => name === done);
    return reply.view('admin/network-event-form', this.formPage(lang, event, valuesOfEvent(event), null, { notice: notice ? translate(lang, `admin.events.notice.${notice}`) : null }));
  }

  @Post(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const form = await validateForm(NetworkEventFormDto, body);
    let errors = form.errors;
    if (form.value) {
      try {
        await this.events.update(actorId, id, inputOf(form.value));
        return reply.redirect(`/admin/events/${id}?done=saved`, 303);
      } catch (error) {
        if (error instanceof Refused) {
          const event = await this.events.findForEdit(id);
          return reply.status(HttpStatus.CONFLICT).view('admin/network-event-form', this.formPage(lang, event, valuesOfEvent(event), null, { refusal: translateMessage(lang, error.reason) }));
        }
        if (!(error instanceof FieldErrors)) throw error;
        errors = formErrors(error.fields);
      }
    }
    const event = await this.events.findForEdit(id);
    return reply.status(HttpStatus.BAD_REQUEST).view('admin/network-event-form', this.formPage(lang, event, valuesOfBody(body), translateFields(errors!, lang), {}));
  }

  /** The cancel form has no fields but its CSRF token; anything else is refused, nothing changed. */
  @Post(':id/cancel')
  async cancel(@Param('id') id: string, @Body() body: unknown, @CurrentActor() { id: actorId }: Actor, @Lang() lang: Language, @Res() reply: FastifyReply) {
    checkedId(id);
    const unknown = Object.keys(body && typeof body === 'object' ? body : {}).filter((field) => field !== '_csrf');
    if (unknown.length) {
      const event = await this.events.findForEdit(id);
      const errors = translateFields(Object.fromEntries(unknown.map((field) => [field, 'form.unknownField'])), lang);
      return reply.status(HttpStatus.BAD_REQUEST).view('admin/network-event-form', this.formPage(lang, event, valuesOfEvent(event), errors, {}));
    }
    await this.events.cancel(actorId, id);
    return reply.redirect(`/admin/events/${id}?done=cancelled`, 303);
  }

  /** The new-event form (`event` null) or an event's page with its form and the cancel button. */
  private formPage(lang: Language, event: NetworkEventForEdit | null, values: Values, errors: FieldMessages | null, state: { notice?: string | null; refusal?: string }) {
    return {
      title: event ? translate(lang, 'admin.events.edit') : translate(lang, 'admin.events.new'),
      notice: state.notice ?? null,
      refusal: state.refusal ?? null,
      errors,
      otherErrors: otherErrors(errors),
      event: event && {
        id: event.id,
        title: localized(event.title, lang),
        startsAt: event.startsAt,
        endsAt: event.endsAt,
        cancelled: event.status === 'cancelled',
        status: event.status,
        statusLabel: translate(lang, `networkEvent.status.${event.status}`),
        revision: event.revision,
        updatedAt: event.updatedAt,
      },
      editable: !event || event.status !== 'cancelled',
      action: event ? `/admin/events/${event.id}` : '/admin/events',
      form: eventForm(values, errors, lang),
    };
  }
}
