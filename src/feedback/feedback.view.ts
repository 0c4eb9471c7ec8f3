// What the answer pages show (feedback.controller.ts): a survey's questions as a form, each with its
// input (radio buttons for a scale and a single choice, checkboxes for several, a text field or area),
// required ones marked `*` and told to screen readers, a refused answer's messages next to their
// questions with the other answers kept; and whether the answers are stored anonymously or with the
// person's name.
import { cohortNameIn } from '../i18n/cohort-name';
import { Language, localized, LocalizedText, translate } from '../i18n/i18n';
import { FieldMessages } from '../web/forms';
import { AnswerPage, answerField, AnswerValue, choiceField, MAX_LONG_TEXT, MAX_SHORT_TEXT } from './answers.service';
import { QuestionRow, SCALE_POINTS, SurveyRow } from './survey.service';

/** What the form had in each of its fields: texts, several for checkboxes. */
export type Given = Record<string, string[]>;

export function givenOfBody(body: unknown): Given {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const given: Given = {};
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') given[name] = [value];
  }
  return given;
}

export function givenOfAnswers(questions: QuestionRow[], previous: Record<string, AnswerValue>): Given {
  const given: Given = {};
  for (const question of questions) {
    const answer = previous[question.id];
    if (!answer) continue;
    if (question.kind === 'multiple_choice') for (const choice of answer.choices ?? []) given[choiceField(question.id, choice)] = ['yes'];
    else given[answerField(question.id)] = answer.text !== null ? [answer.text] : answer.scaleValue !== null ? [String(answer.scaleValue)] : (answer.choices ?? []).map(String);
  }
  return given;
}

/** The questions as form inputs, with what was given and each one's message. */
export function questionInputs(questions: QuestionRow[], given: Given, errors: FieldMessages | null, lang: Language) {
  return questions.map((question, index) => withDescription(inputOf(question, index)));
  function inputOf(question: QuestionRow, index: number) {
    const name = answerField(question.id);
    const id = `answer-${index + 1}`;
    const values = given[name] ?? [];
    // Radio buttons share the question's name; each checkbox has its own (choiceField).
    const choice = (value: string, label: string) =>
      question.kind === 'multiple_choice'
        ? { id: `${id}-${value}`, name: choiceField(question.id, Number(value)), value: 'yes', label, checked: (given[choiceField(question.id, Number(value))] ?? []).some((v) => v.trim() !== '') }
        : { id: `${id}-${value}`, name, value, label, checked: values.includes(value) };
    const base = {
      id,
      name,
      number: index + 1,
      prompt: localized(question.prompt, lang),
      required: question.required,
      error: errors?.[name] ?? null,
      errorId: `${id}-error`,
    };
    switch (question.kind) {
      case 'scale':
        return {
          ...base,
          group: true,
          radio: true,
          scale: true,
          hint: translate(lang, 'feedback.answer.scaleHint', { max: SCALE_POINTS }),
          choices: Array.from({ length: SCALE_POINTS }, (_, point) => {
            const label = question.options[point] ? localized(question.options[point], lang) : '';
            return choice(String(point + 1), label ? `${point + 1} – ${label}` : String(point + 1));
          }),
        };
      case 'single_choice':
      case 'multiple_choice':
        return {
          ...base,
          group: true,
          radio: question.kind === 'single_choice',
          hint: question.kind === 'multiple_choice' ? translate(lang, 'feedback.answer.severalHint') : null,
          choices: question.options.map((option: LocalizedText, value) => choice(String(value), localized(option, lang))),
        };
      default:
        return {
          ...base,
          text: true,
          long: question.kind === 'long_text',
          max: question.kind === 'long_text' ? MAX_LONG_TEXT : MAX_SHORT_TEXT,
          hint: translate(lang, 'feedback.answer.lengthHint', { max: question.kind === 'long_text' ? MAX_LONG_TEXT : MAX_SHORT_TEXT }),
          value: values[0] ?? '',
        };
    }
  }
}

/** What a screen reader reads after the question's label: its hint and its message, when it has them. */
function withDescription<T extends { id: string; hint: string | null; error: string | null; errorId: string }>(input: T): T & { describedBy: string | null } {
  const ids = [input.hint ? `${input.id}-hint` : null, input.error ? input.errorId : null].filter(Boolean);
  return { ...input, describedBy: ids.length ? ids.join(' ') : null };
}

const otherErrors = (errors: FieldMessages | null, questions: QuestionRow[]) => {
  const names = new Set(questions.map((question) => answerField(question.id)));
  return errors ? Object.entries(errors).filter(([field]) => !names.has(field)).map(([field, message]) => ({ field, message })) : [];
};

export interface AnswerState {
  notice?: string | null;
  refusal?: string | null;
  errors?: FieldMessages | null;
  given?: Given;
}

/** A round's survey's answer page. */
export function answerPageModel(page: AnswerPage, lang: Language, state: AnswerState) {
  const { survey, cohort } = page;
  const errors = state.errors ?? null;
  const open = page.state === 'open';
  const mayAnswer = open && (!page.answered || !survey.anonymous);
  return {
    title: localized(survey.title, lang),
    cohort: { id: cohort.id, name: cohortNameIn(cohort.name, lang), programmeTitle: localized(cohort.programmeTitle, lang) },
    intro: survey.intro.fi ? localized(survey.intro, lang) : null,
    notice: state.notice ?? null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors: otherErrors(errors, page.questions),
    privacy: translate(lang, survey.anonymous ? 'feedback.answer.anonymous' : 'feedback.answer.named'),
    editNote: translate(lang, survey.anonymous ? 'feedback.answer.anonymousOnce' : 'feedback.answer.namedEditable', {}),
    closesAt: survey.closesAt,
    stateText:
      page.state === 'notOpen'
        ? translate(lang, 'feedback.answer.notOpen')
        : page.state === 'closed'
          ? translate(lang, 'feedback.answer.closed')
          : page.answered && survey.anonymous
            ? translate(lang, 'feedback.answer.thanksAnonymous')
            : null,
    answeredNamed: open && page.answered && !survey.anonymous,
    mayAnswer,
    hasRequired: page.questions.some((question) => question.required),
    action: `/cohorts/${cohort.id}/feedback`,
    submitLabel: translate(lang, page.answered && !survey.anonymous ? 'feedback.answer.update' : 'feedback.answer.submit'),
    questions: mayAnswer ? questionInputs(page.questions, state.given ?? givenOfAnswers(page.questions, page.previous), errors, lang) : [],
  };
}

/** The site's open feedback form. */
export function siteFormModel(survey: SurveyRow, questions: QuestionRow[], lang: Language, state: AnswerState) {
  const errors = state.errors ?? null;
  return {
    title: localized(survey.title, lang),
    intro: survey.intro.fi ? localized(survey.intro, lang) : null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors: otherErrors(errors, questions),
    privacy: translate(lang, survey.anonymous ? 'feedback.site.anonymous' : 'feedback.site.named'),
    hasRequired: questions.some((question) => question.required),
    action: '/feedback',
    submitLabel: translate(lang, 'feedback.answer.submit'),
    questions: questionInputs(questions, state.given ?? {}, errors, lang),
  };
}
