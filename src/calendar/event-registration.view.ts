// What a network event's page (/events/:id) shows: the event, its seats left and queue, the
// reader's own registration (confirmed, or their place in the queue) and the registration form
// with the event's questions, the answers of a refused form kept and each message next to its
// question; and the admins' participant list and its CSV.
import { formatDate } from '../i18n/dates';
import { Language, localized, translate } from '../i18n/i18n';
import { renderMarkdown } from '../views/markdown';
import { spreadsheetCell, spreadsheetCsv } from '../web/spreadsheet';
import { FieldMessages, fieldText } from '../web/forms';
import { EventRegistrationService, Participant } from './event-registration.service';
import { answerField, questionLabel, questionsOf, RegistrationQuestion } from './registration-questions';

type EventPage = Awaited<ReturnType<EventRegistrationService['eventPage']>>;

/** The answers a form sent, by question key. */
export function answersOfBody(questions: RegistrationQuestion[], body: unknown): Record<string, string> {
  return Object.fromEntries(questions.map((question) => [question.key, fieldText(body, answerField(question.key))]));
}

function questionFields(questions: RegistrationQuestion[], answers: Record<string, string>, errors: FieldMessages | null, lang: Language) {
  return questions.map((question) => {
    const name = answerField(question.key);
    const id = `registration-${question.key}`;
    return {
      id,
      name,
      label: questionLabel(question, lang),
      required: question.required,
      choice: question.kind === 'choice',
      value: answers[question.key] ?? '',
      error: errors?.[name] ?? null,
      choices: (question.choices ?? []).map((choice, index) => ({
        id: `${id}-${index + 1}`,
        value: choice.value,
        label: questionLabel(choice, lang),
        checked: answers[question.key] === choice.value,
      })),
    };
  });
}

export function eventRegistrationPage(
  lang: Language,
  page: EventPage,
  viewer: { signedIn: boolean; verified: boolean },
  state: { answers?: Record<string, string>; errors?: FieldMessages | null; refusal?: string | null; notice?: string | null } = {},
) {
  const { event, own } = page;
  const questions = questionsOf(event.registration_questions);
  const takes = event.registration_capacity !== null;
  const seatsLeft = takes ? Math.max(0, event.registration_capacity! - event.seats_taken) : 0;
  const cancelled = event.status === 'cancelled';
  return {
    title: localized(event.title, lang),
    notice: state.notice ?? null,
    refusal: state.refusal ?? null,
    errors: state.errors ?? null,
    event: {
      id: event.id,
      cancelled,
      datetime: event.starts_at.toISOString(),
      date: formatDate(event.starts_at, lang, 'longDate'),
      time: translate(lang, 'events.time', { start: formatDate(event.starts_at, lang, 'time'), end: formatDate(event.ends_at, lang, 'time') }),
      place: event.place,
      meetingLink: event.meeting_link && /^https:\/\//i.test(event.meeting_link) ? event.meeting_link : null,
      descriptionHtml: renderMarkdown(localized(event.description ?? { fi: '' }, lang)),
    },
    takes,
    seats: takes ? translate(lang, 'eventRegistration.seatsLeft', { left: seatsLeft, capacity: event.registration_capacity! }) : null,
    queue: takes && event.waitlist_length > 0 ? translate(lang, 'eventRegistration.queueLength', { count: event.waitlist_length }) : null,
    closesAt: takes && event.registration_closes_at ? translate(lang, 'eventRegistration.closesAt', { date: formatDate(event.registration_closes_at, lang, 'dateTime') }) : null,
    closedReason: takes && event.refusal && !own ? translate(lang, event.refusal) : null,
    own: own && {
      confirmed: own.status === 'confirmed',
      text:
        own.status === 'confirmed'
          ? translate(lang, 'eventRegistration.own.confirmed')
          : translate(lang, 'eventRegistration.own.waitlisted', { position: own.waitlistPosition ?? '' }),
      mayCancel: new Date() < event.starts_at,
    },
    signedIn: viewer.signedIn,
    verified: viewer.verified,
    mayRegister: takes && !own && !event.refusal && viewer.signedIn,
    signInHref: `/login?next=${encodeURIComponent(`/events/${event.id}`)}`,
    questions: questionFields(questions, state.answers ?? {}, state.errors ?? null, lang),
    action: `/events/${event.id}/registration`,
    cancelAction: `/events/${event.id}/registration/cancel`,
  };
}

export function participantsPage(lang: Language, event: EventPage['event'], participants: Participant[], notice: string | null) {
  const questions = questionsOf(event.registration_questions);
  return {
    title: translate(lang, 'eventRegistration.participants.title', { event: localized(event.title, lang) }),
    eventTitle: localized(event.title, lang),
    eventId: event.id,
    notice,
    questions: questions.map((question) => questionLabel(question, lang)),
    seats: event.registration_capacity !== null ? translate(lang, 'eventRegistration.seatsTaken', { taken: event.seats_taken, capacity: event.registration_capacity }) : null,
    csvHref: `/admin/events/${event.id}/registrations.csv`,
    participants: participants.map((participant) => ({
      ...participant,
      live: participant.status !== 'cancelled',
      statusLabel: translate(lang, `eventRegistration.status.${participant.status}`),
      registeredAt: formatDate(participant.registeredAt, lang, 'dateTime'),
      answers: questions.map((question) => answerText(question, participant.answers[question.key], lang)),
      cancelAction: `/admin/events/${event.id}/registrations/${participant.registrationId}/cancel`,
    })),
    empty: participants.length === 0,
  };
}

/** A choice's label in the reader's language, a text answer as typed. */
function answerText(question: RegistrationQuestion, answer: string | undefined, lang: Language): string {
  if (!answer) return '';
  const choice = question.choices?.find((option) => option.value === answer);
  return choice ? questionLabel(choice, lang) : answer;
}

/** The participant list as Finnish Excel opens it (web/spreadsheet.ts: BOM, `;`, formulas kept as text). */
export function participantsCsv(lang: Language, event: EventPage['event'], participants: Participant[]): string {
  const questions = questionsOf(event.registration_questions);
  const header = [
    ...['name', 'agency', 'status', 'waitlistPosition', 'registeredAt'].map((column) => translate(lang, `eventRegistration.csv.${column}`)),
    ...questions.map((question) => questionLabel(question, lang)),
  ];
  const rows = participants.map((participant) => [
    spreadsheetCell(participant.name),
    spreadsheetCell(participant.agency ?? ''),
    translate(lang, `eventRegistration.status.${participant.status}`),
    participant.waitlistPosition === null ? '' : String(participant.waitlistPosition),
    formatDate(participant.registeredAt, lang, 'dateTime'),
    ...questions.map((question) => spreadsheetCell(answerText(question, participant.answers[question.key], lang))),
  ]);
  return spreadsheetCsv([header, ...rows]);
}
