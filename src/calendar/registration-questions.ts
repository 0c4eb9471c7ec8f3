// What a network event's registration asks (network_event.registration_questions): the two common
// questions the admin form offers (dietary needs; on site or remote), a custom text question, and
// the check of a person's answers against them.
import { withValues } from '../errors/domain-errors';
import { Language } from '../i18n/i18n';

export const MAX_QUESTIONS = 10;
export const MAX_ANSWER_LENGTH = 500;
export const MAX_QUESTION_LABEL_LENGTH = 300;

export interface QuestionText {
  fi: string;
  sv: string;
  en: string;
}

export interface RegistrationQuestion {
  key: string;
  kind: 'text' | 'choice';
  label: QuestionText;
  choices?: { value: string; label: QuestionText }[];
  required: boolean;
}

/** "Erityisruokavalio": optional text. */
export const DIET_QUESTION: RegistrationQuestion = {
  key: 'diet',
  kind: 'text',
  label: { fi: 'Erityisruokavalio', sv: 'Specialdiet', en: 'Dietary requirements' },
  required: false,
};

/** "Osallistun paikan päällä / etänä": a required choice. */
export const ATTENDANCE_QUESTION: RegistrationQuestion = {
  key: 'attendance',
  kind: 'choice',
  label: { fi: 'Osallistun', sv: 'Jag deltar', en: 'I will attend' },
  choices: [
    { value: 'onSite', label: { fi: 'Paikan päällä', sv: 'På plats', en: 'On site' } },
    { value: 'remote', label: { fi: 'Etänä', sv: 'På distans', en: 'Remotely' } },
  ],
  required: true,
};

export const CUSTOM_QUESTION_KEY = 'custom';

/** The form field of a question's answer. */
export const answerField = (key: string) => `answer_${key}`;

export const questionLabel = (question: { label: QuestionText }, lang: Language) => question.label[lang]?.trim() || question.label.fi;

/** The stored questions as the list they are (anything else in the column reads as none). */
export function questionsOf(stored: unknown): RegistrationQuestion[] {
  return Array.isArray(stored) ? (stored as RegistrationQuestion[]) : [];
}

/**
 * The answers to keep (trimmed, blank ones left out) and a message per answer field that is wrong:
 * a required one missing, one too long, a choice not among the choices. Fields for no question are
 * left out, never stored.
 */
export function checkAnswers(questions: RegistrationQuestion[], given: Record<string, unknown>): { answers: Record<string, string>; problems: Record<string, string> } {
  const answers: Record<string, string> = {};
  const problems: Record<string, string> = {};
  for (const question of questions) {
    const field = answerField(question.key);
    const raw = given[question.key];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (raw !== undefined && raw !== null && typeof raw !== 'string') problems[field] = 'eventRegistration.answer.invalid';
    else if (!value) {
      if (question.required) problems[field] = question.kind === 'choice' ? 'eventRegistration.answer.choose' : 'eventRegistration.answer.required';
    } else if (value.length > MAX_ANSWER_LENGTH) problems[field] = withValues('eventRegistration.answer.tooLong', { max: MAX_ANSWER_LENGTH });
    else if (question.kind === 'choice' && !question.choices?.some((choice) => choice.value === value)) problems[field] = 'eventRegistration.answer.notAChoice';
    else answers[question.key] = value;
  }
  return { answers, problems };
}
