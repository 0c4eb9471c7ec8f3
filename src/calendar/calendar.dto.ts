// What the calendar's web pages accept: the admin form for a network event and the public events
// page's filter. Messages are i18n keys (web/forms.ts translates); what an event must be (in order,
// within 2000–2100) is NetworkEventsService's to say.
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { MAX_YEAR, MIN_YEAR } from '../catalogue/scheduling.rules';
import { withValues } from '../errors/domain-errors';
import { parseHelsinki } from '../i18n/helsinki-time';
import { OptionalMeetingLink, OptionalText, RequiredDate, RequiredTime } from '../web/form-fields';
import { MAX_DESCRIPTION_LENGTH, MAX_LINK_LENGTH, MAX_PLACE_LENGTH, MAX_REGISTRATION_CAPACITY, MAX_TITLE_LENGTH, NetworkEventInput, RegistrationSettings } from './network-events.service';
import { ATTENDANCE_QUESTION, CUSTOM_QUESTION_KEY, DIET_QUESTION, MAX_QUESTION_LABEL_LENGTH, RegistrationQuestion } from './registration-questions';

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

  // Registration: a blank capacity takes none.
  @IsOptional()
  @Matches(/^\s*\d{0,6}\s*$/, { message: withValues('eventRegistration.capacity.invalid', { max: MAX_REGISTRATION_CAPACITY }) })
  @IsString({ message: withValues('eventRegistration.capacity.invalid', { max: MAX_REGISTRATION_CAPACITY }) })
  registrationCapacity?: string;

  /** Helsinki time, as a datetime-local input sends it (`2027-11-11T16:00`); blank: until the event starts. */
  @IsOptional()
  @ValidateBy({ name: 'isHelsinkiDateTime', validator: { validate: (value) => value === '' || (typeof value === 'string' && dateTimeOf(value) !== null) } }, { message: 'eventRegistration.closesAt.invalid' })
  registrationClosesAt?: string;

  @IsOptional()
  @IsIn(['yes'], { message: 'admin.form.text' })
  askDiet?: string;

  @IsOptional()
  @IsIn(['yes'], { message: 'admin.form.text' })
  askAttendance?: string;

  @OptionalText(MAX_QUESTION_LABEL_LENGTH, withValues('eventRegistration.customQuestion.tooLong', { max: MAX_QUESTION_LABEL_LENGTH }))
  customQuestionFi?: string;

  @OptionalText(MAX_QUESTION_LABEL_LENGTH, withValues('eventRegistration.customQuestion.tooLong', { max: MAX_QUESTION_LABEL_LENGTH }))
  customQuestionSv?: string;

  @OptionalText(MAX_QUESTION_LABEL_LENGTH, withValues('eventRegistration.customQuestion.tooLong', { max: MAX_QUESTION_LABEL_LENGTH }))
  customQuestionEn?: string;

  @IsOptional()
  @IsIn(['yes'], { message: 'admin.form.text' })
  customQuestionRequired?: string;
}

/** `2027-11-11T16:00` as the Helsinki instant it names, or null. */
function dateTimeOf(value: string): Date | null {
  const [date, time] = value.trim().split('T');
  return date && time ? parseHelsinki(date, time.slice(0, 5)) : null;
}

/** The registration part of the admin form: null when the capacity is blank. */
function registrationOf(form: NetworkEventFormDto): RegistrationSettings | null {
  if (!form.registrationCapacity?.trim()) return null;
  const questions: RegistrationQuestion[] = [];
  if (form.askDiet === 'yes') questions.push(DIET_QUESTION);
  if (form.askAttendance === 'yes') questions.push(ATTENDANCE_QUESTION);
  const custom = { fi: form.customQuestionFi?.trim() ?? '', sv: form.customQuestionSv?.trim() ?? '', en: form.customQuestionEn?.trim() ?? '' };
  if (custom.fi || custom.sv || custom.en) questions.push({ key: CUSTOM_QUESTION_KEY, kind: 'text', label: custom, required: form.customQuestionRequired === 'yes' });
  return {
    capacity: Number(form.registrationCapacity.trim()),
    closesAt: form.registrationClosesAt?.trim() ? dateTimeOf(form.registrationClosesAt) : null,
    questions,
  };
}

export function networkEventInputOf(form: NetworkEventFormDto): NetworkEventInput {
  return {
    title: { fi: form.titleFi, sv: form.titleSv, en: form.titleEn },
    description: { fi: form.descriptionFi ?? '', sv: form.descriptionSv, en: form.descriptionEn },
    startsAt: parseHelsinki(form.date, form.start)!,
    endsAt: parseHelsinki(form.date, form.end)!,
    place: form.place ?? null,
    meetingLink: form.meetingLink ?? null,
    registration: registrationOf(form),
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
