// What the admin pages for network events show (admin-events.controller.ts): the list, and the form
// (new, or an event's page with its form and the cancel button), with the input of a refused form
// kept and each message next to its input.
import { messageParts } from '../errors/domain-errors';
import { formatHelsinkiInput } from '../i18n/helsinki-time';
import { Language, localized, translate } from '../i18n/i18n';
import { FieldMessages, fieldText } from '../web/forms';
import { NetworkEventForEdit, NetworkEventRow } from './network-events.service';
import { ATTENDANCE_QUESTION, CUSTOM_QUESTION_KEY, DIET_QUESTION, questionsOf } from './registration-questions';

const LANGUAGE_CODES = ['fi', 'sv', 'en'] as const;
const suffix = (code: string) => code[0].toUpperCase() + code.slice(1);
const REGISTRATION_FIELDS = ['registrationCapacity', 'registrationClosesAt', 'askDiet', 'askAttendance', 'customQuestionFi', 'customQuestionSv', 'customQuestionEn', 'customQuestionRequired'];
const FORM_FIELDS = [...LANGUAGE_CODES.flatMap((code) => [`title${suffix(code)}`, `description${suffix(code)}`]), 'date', 'start', 'end', 'place', 'meetingLink', ...REGISTRATION_FIELDS];
export const NOTICES = ['created', 'saved', 'cancelled'] as const;

export type Values = Record<string, string>;

export const valuesOfBody = (body: unknown): Values => Object.fromEntries(FORM_FIELDS.map((field) => [field, fieldText(body, field)]));

export function valuesOfEvent(event: NetworkEventForEdit): Values {
  const { date, time: start } = formatHelsinkiInput(event.startsAt);
  const values: Values = { date, start, end: formatHelsinkiInput(event.endsAt).time, place: event.place ?? '', meetingLink: event.meetingLink ?? '' };
  for (const code of LANGUAGE_CODES) {
    values[`title${suffix(code)}`] = event.title[code] ?? '';
    values[`description${suffix(code)}`] = event.description[code] ?? '';
  }
  const questions = questionsOf(event.registrationQuestions);
  const custom = questions.find((question) => question.key === CUSTOM_QUESTION_KEY);
  const closes = event.registrationClosesAt && formatHelsinkiInput(event.registrationClosesAt);
  Object.assign(values, {
    registrationCapacity: event.registrationCapacity === null ? '' : String(event.registrationCapacity),
    registrationClosesAt: closes ? `${closes.date}T${closes.time}` : '',
    askDiet: questions.some((question) => question.key === DIET_QUESTION.key) ? 'yes' : '',
    askAttendance: questions.some((question) => question.key === ATTENDANCE_QUESTION.key) ? 'yes' : '',
    customQuestionFi: custom?.label.fi ?? '',
    customQuestionSv: custom?.label.sv ?? '',
    customQuestionEn: custom?.label.en ?? '',
    customQuestionRequired: custom?.required ? 'yes' : '',
  });
  return values;
}

/** The service's `startsAt`/`endsAt` as the form's start and end inputs (the date input when the date is out of range). */
export function formErrors(fields: FieldMessages): FieldMessages {
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
    registrationCapacity: field('event-registration-capacity', 'registrationCapacity'),
    registrationClosesAt: field('event-registration-closes', 'registrationClosesAt'),
    askDiet: { ...field('event-ask-diet', 'askDiet'), checked: values.askDiet === 'yes' },
    askAttendance: { ...field('event-ask-attendance', 'askAttendance'), checked: values.askAttendance === 'yes' },
    customQuestionFi: field('event-custom-question-fi', 'customQuestionFi'),
    customQuestionSv: field('event-custom-question-sv', 'customQuestionSv'),
    customQuestionEn: field('event-custom-question-en', 'customQuestionEn'),
    customQuestionRequired: { ...field('event-custom-question-required', 'customQuestionRequired'), checked: values.customQuestionRequired === 'yes' },
  };
}

export function eventsListPage(events: NetworkEventRow[], lang: Language) {
  return {
    title: translate(lang, 'admin.events.title'),
    events: events.map((event) => ({
      ...event,
      cancelled: event.status === 'cancelled',
      statusLabel: translate(lang, `networkEvent.status.${event.status}`),
    })),
  };
}

/** The new-event form (`event` null) or an event's page with its form and the cancel button. */
export function eventFormPage(lang: Language, event: NetworkEventForEdit | null, values: Values, errors: FieldMessages | null, state: { notice?: string | null; refusal?: string }) {
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
      takesRegistrations: event.registrationCapacity !== null,
    },
    editable: !event || event.mayEdit,
    action: event ? `/admin/events/${event.id}` : '/admin/events',
    form: eventForm(values, errors, lang),
  };
}
