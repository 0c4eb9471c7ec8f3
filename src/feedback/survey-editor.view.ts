// What the survey editor shows (survey-editor.controller.ts, survey-questions.controller.ts): a
// survey's settings and its questions in order with up/down, edit and delete, the copy form, the
// warnings (no questions: it never opens; answered: questions are locked; opened: anonymity and the
// open period are fixed), and the question form. A refused form keeps its input and shows each
// message next to its field.
import { cohortNameIn } from '../i18n/cohort-name';
import { Language, localized, LocalizedText, translate } from '../i18n/i18n';
import { FieldMessages, fieldText } from '../web/forms';
import { QuestionRow, SurveyForEdit } from './survey.service';
import { QUESTION_KINDS } from './survey-question.entity';

const LANGUAGES = ['fi', 'sv', 'en'] as const;
const suffix = (code: string) => code[0].toUpperCase() + code.slice(1);
const SETTINGS_FIELDS = [...LANGUAGES.flatMap((code) => [`title${suffix(code)}`, `intro${suffix(code)}`]), 'anonymous', 'openDays'];
const QUESTION_FIELDS = ['kind', 'required', ...LANGUAGES.flatMap((code) => [`prompt${suffix(code)}`, `options${suffix(code)}`])];
export const NOTICES = ['created', 'saved', 'added', 'moved', 'deleted', 'copied'] as const;

export type Values = Record<string, string>;

export const settingsValuesOfBody = (body: unknown): Values => Object.fromEntries(SETTINGS_FIELDS.map((field) => [field, fieldText(body, field)]));
export const questionValuesOfBody = (body: unknown): Values => Object.fromEntries(QUESTION_FIELDS.map((field) => [field, fieldText(body, field)]));

export function settingsValuesOf(survey: SurveyForEdit): Values {
  const values: Values = { anonymous: survey.anonymous ? 'yes' : '', openDays: String(survey.openDays) };
  for (const code of LANGUAGES) {
    values[`title${suffix(code)}`] = survey.title[code] ?? '';
    values[`intro${suffix(code)}`] = survey.intro[code] ?? '';
  }
  return values;
}

export function questionValuesOf(question: QuestionRow | null): Values {
  const values: Values = { kind: question?.kind ?? 'scale', required: question?.required ? 'yes' : '' };
  for (const code of LANGUAGES) {
    values[`prompt${suffix(code)}`] = question?.prompt[code] ?? '';
    values[`options${suffix(code)}`] = (question?.options ?? []).map((option) => option[code] ?? '').join('\n').replace(/\n+$/, '');
  }
  return values;
}

const otherErrors = (errors: FieldMessages | null, fields: string[]) =>
  errors ? Object.entries(errors).filter(([field]) => !fields.includes(field)).map(([field, message]) => ({ field, message })) : [];

const field = (values: Values, errors: FieldMessages | null, id: string, name: string) => ({ id, name, value: values[name] ?? '', error: errors?.[name] ?? null });

/** Where the editor sits: the admin pages, or the round's pages. */
function trail(survey: Pick<SurveyForEdit, 'purpose' | 'programmeId' | 'cohortId'>, owner: { programmeTitle: LocalizedText | null; cohortName: string | null }, lang: Language) {
  if (survey.purpose === 'site') return { admin: true, crumbs: [] as { href: string; label: string }[] };
  if (survey.purpose === 'programme_template') {
    return { admin: true, crumbs: [{ href: `/admin/programmes/${survey.programmeId}`, label: owner.programmeTitle ? localized(owner.programmeTitle, lang) : '' }] };
  }
  return { admin: false, crumbs: [{ href: `/cohorts/${survey.cohortId}`, label: owner.cohortName ? cohortNameIn(owner.cohortName, lang) : '' }] };
}

export function kindLabel(kind: string, lang: Language): string {
  return translate(lang, `feedback.kind.${kind}`);
}

export interface EditorState {
  notice?: string | null;
  refusal?: string | null;
  errors?: FieldMessages | null;
  settings?: Values;
}

/** What the editor is of: the site's form, a programme's template, or a round's survey. */
function editorTitle(survey: Pick<SurveyForEdit, 'purpose' | 'programmeTitle' | 'cohortName'>, lang: Language): string {
  const programme = survey.programmeTitle ? localized(survey.programmeTitle, lang) : '';
  if (survey.purpose === 'site') return translate(lang, 'feedback.editor.site');
  if (survey.purpose === 'programme_template') return translate(lang, 'feedback.editor.template', { programme });
  return translate(lang, 'feedback.editor.cohort', { programme, round: cohortNameIn(survey.cohortName ?? '', lang, { inSentence: true }) });
}

/** The editor of an existing survey. */
export function editorPage(survey: SurveyForEdit, lang: Language, state: EditorState) {
  const errors = state.errors ?? null;
  const values = state.settings ?? settingsValuesOf(survey);
  const opened = survey.purpose === 'cohort' && !!survey.opensAt;
  const locked = survey.answers > 0;
  const last = survey.questions.length - 1;
  return {
    title: editorTitle(survey, lang),
    ...trail(survey, survey, lang),
    notice: state.notice ?? null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors: otherErrors(errors, SETTINGS_FIELDS),
    survey: { id: survey.id, purpose: survey.purpose, isCohort: survey.purpose === 'cohort', isSite: survey.purpose === 'site', opensAt: survey.opensAt, closesAt: survey.closesAt },
    // The site's form as visitors see it (a round's answer page is for its participants only).
    answerHref: survey.purpose === 'site' ? '/feedback' : null,
    warnings: {
      noQuestions: survey.questions.length === 0 && survey.purpose !== 'site',
      locked,
      answers: survey.answers,
      opened,
    },
    settings: {
      action: `/surveys/${survey.id}/settings`,
      languages: LANGUAGES.map((code) => ({
        code,
        required: code === 'fi',
        legend: translate(lang, `feedback.editor.texts.${code}`),
        title: field(values, errors, `survey-title-${code}`, `title${suffix(code)}`),
        intro: field(values, errors, `survey-intro-${code}`, `intro${suffix(code)}`),
      })),
      anonymous: { checked: values.anonymous === 'yes', error: errors?.anonymous ?? null },
      openDays: field(values, errors, 'survey-open-days', 'openDays'),
      showRoundFields: survey.purpose !== 'site',
      lockedRoundFields: opened,
    },
    questions: survey.questions.map((question, index) => ({
      id: question.id,
      number: index + 1,
      prompt: localized(question.prompt, lang),
      kindLabel: kindLabel(question.kind, lang),
      required: question.required,
      options: question.kind === 'scale' ? [] : question.options.map((option) => localized(option, lang)),
      editHref: `/surveys/${survey.id}/questions/${question.id}`,
      moveAction: `/surveys/${survey.id}/questions/${question.id}/move`,
      deleteAction: `/surveys/${survey.id}/questions/${question.id}/delete`,
      first: index === 0,
      last: index === last,
    })),
    mayChangeQuestions: !locked,
    newQuestionHref: `/surveys/${survey.id}/questions/new`,
    copy:
      !locked && !opened && survey.copySources.length
        ? { action: `/surveys/${survey.id}/copy`, sources: copySourceOptions(survey.copySources, lang, false), error: errors?.from ?? null }
        : null,
  };
}

function copySourceOptions(sources: SurveyForEdit['copySources'], lang: Language, withBlank: boolean) {
  const options = sources.map((source) => ({
    value: source.id,
    label:
      source.purpose === 'programme_template'
        ? translate(lang, 'feedback.copy.fromTemplate', { questions: source.questions })
        : translate(lang, 'feedback.copy.fromCohort', { round: cohortNameIn(source.cohortName ?? '', lang), questions: source.questions }),
    selected: false,
  }));
  return withBlank ? [{ value: '', label: translate(lang, 'feedback.create.empty'), selected: false }, ...options] : options;
}

/** A programme or round without a survey yet: the button that makes one (a round's: empty, or a copy). */
export function createPage(
  owner: { purpose: 'programme_template' | 'cohort'; programmeId: string; cohortId: string | null; programmeTitle: LocalizedText; cohortName: string | null },
  sources: SurveyForEdit['copySources'],
  lang: Language,
  state: EditorState,
) {
  const errors = state.errors ?? null;
  return {
    title: editorTitle(owner, lang),
    ...trail(owner, owner, lang),
    refusal: state.refusal ?? null,
    errors,
    otherErrors: otherErrors(errors, ['from']),
    create: {
      action: owner.purpose === 'programme_template' ? `/admin/programmes/${owner.programmeId}/feedback` : `/cohorts/${owner.cohortId}/feedback/edit`,
      intro: translate(lang, owner.purpose === 'programme_template' ? 'feedback.create.templateIntro' : 'feedback.create.cohortIntro'),
      sources: owner.purpose === 'cohort' && sources.length ? copySourceOptions(sources, lang, true) : null,
      error: errors?.from ?? null,
    },
  };
}

/** The form that adds a question, or edits one. */
export function questionFormPage(survey: SurveyForEdit, question: QuestionRow | null, values: Values, lang: Language, state: EditorState) {
  const errors = state.errors ?? null;
  return {
    title: question ? translate(lang, 'feedback.question.edit') : translate(lang, 'feedback.question.new'),
    ...trail(survey, survey, lang),
    editorHref: editorHref(survey),
    editorTitle: editorTitle(survey, lang),
    refusal: state.refusal ?? null,
    errors,
    otherErrors: otherErrors(errors, QUESTION_FIELDS),
    action: question ? `/surveys/${survey.id}/questions/${question.id}` : `/surveys/${survey.id}/questions`,
    kinds: QUESTION_KINDS.map((kind) => ({ value: kind, label: kindLabel(kind, lang), selected: values.kind === kind })),
    kindError: errors?.kind ?? null,
    required: { checked: values.required === 'yes', error: errors?.required ?? null },
    // Not `languages`: the layout's language switcher reads that name.
    texts: LANGUAGES.map((code) => ({
      code,
      required: code === 'fi',
      legend: translate(lang, `feedback.editor.texts.${code}`),
      prompt: field(values, errors, `question-prompt-${code}`, `prompt${suffix(code)}`),
      options: field(values, errors, `question-options-${code}`, `options${suffix(code)}`),
    })),
  };
}

export function editorHref(survey: Pick<SurveyForEdit, 'purpose' | 'programmeId' | 'cohortId'>): string {
  if (survey.purpose === 'site') return '/admin/feedback';
  if (survey.purpose === 'programme_template') return `/admin/programmes/${survey.programmeId}/feedback`;
  return `/cohorts/${survey.cohortId}/feedback/edit`;
}
