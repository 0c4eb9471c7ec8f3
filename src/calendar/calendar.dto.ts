// What the calendar's web pages accept: the admin form for a network event and the public events
// page's filter. Messages are i18n keys (web/forms.ts translates); what an event must be (in order,
// within 2000–2100) is NetworkEventsService's to say.
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { MAX_YEAR, MIN_YEAR } from '../catalogue/scheduling.rules';
import { withValues } from '../errors/domain-errors';
import { parseHelsinki } from '../i18n/helsinki-time';
import { OptionalMeetingLink, OptionalText, RequiredDate, RequiredTime } from '../web/form-fields';
import { MAX_DESCRIPTION_LENGTH, MAX_LINK_LENGTH, MAX_PLACE_LENGTH, MAX_TITLE_LENGTH, NetworkEventInput } from './network-events.service';

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

  @OptionalMeetingLink(MAX_LINK_LENGTH)
  meetingLink?: string;
}

export function networkEventInputOf(form: NetworkEventFormDto): NetworkEventInput {
  return {
    title: { fi: form.titleFi, sv: form.titleSv, en: form.titleEn },
    description: { fi: form.descriptionFi ?? '', sv: form.descriptionSv, en: form.descriptionEn },
    startsAt: parseHelsinki(form.date, form.start)!,
    endsAt: parseHelsinki(form.date, form.end)!,
    place: form.place ?? null,
    meetingLink: form.meetingLink ?? null,
  };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The events page's filter (a GET form): blank fields filter nothing. */
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

export const EVENTS_FILTER_FIELDS = ['programme', 'month'] as const;
