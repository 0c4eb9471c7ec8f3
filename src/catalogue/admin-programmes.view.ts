// What the admin pages for programmes show (admin-programmes.controller.ts): the list, the new
// programme's form and a programme's page, with the input of a refused form kept and each message
// next to its field (any message without a field in the summary).
import { Language, localized, translate } from '../i18n/i18n';
import { FieldMessages, fieldText } from '../web/forms';
import { CatalogueService, ProgrammeSummary } from './catalogue.service';
import { PROGRAMME_STATUSES, PROGRAMME_THEMES } from './programme.entity';
import { ProgrammeForEdit } from './programmes.service';

export const PROGRAMME_NOTICES = ['created', 'saved', 'status'] as const;
const TEXT_FIELDS = ['title', 'summary', 'description'] as const;
const LANGUAGE_CODES = ['fi', 'sv', 'en'] as const;
const FORM_FIELDS = ['slug', 'theme', 'position', 'facilitatorEmails', ...TEXT_FIELDS.flatMap((field) => LANGUAGE_CODES.map((code) => `${field}${capitalised(code)}`))];

export type FormValues = Record<string, string>;
type ProgrammeCohorts = Awaited<ReturnType<CatalogueService['cohortPage']>>['items'];

function capitalised(code: string): string {
  return code[0].toUpperCase() + code.slice(1);
}

export const valuesOfBody = (body: unknown): FormValues => Object.fromEntries(FORM_FIELDS.map((field) => [field, fieldText(body, field)]));

function valuesOfProgramme(programme: ProgrammeForEdit): FormValues {
  const values: FormValues = { slug: programme.slug, theme: programme.theme, position: String(programme.position), facilitatorEmails: programme.facilitatorEmails.join('\n') };
  for (const field of TEXT_FIELDS) for (const code of LANGUAGE_CODES) values[`${field}${capitalised(code)}`] = programme[field][code] ?? '';
  return values;
}

/** The form's fields with their values and messages; any message without a field goes to the summary. */
function programmeForm(values: FormValues, errors: FieldMessages | null, lang: Language) {
  const field = (name: string) => ({ value: values[name] ?? '', error: errors?.[name] ?? null });
  return {
    slug: field('slug'),
    position: field('position'),
    facilitatorEmails: field('facilitatorEmails'),
    themeError: errors?.theme ?? null,
    themes: PROGRAMME_THEMES.map((value) => ({ value, label: translate(lang, `theme.${value}`), selected: value === values.theme })),
    languages: LANGUAGE_CODES.map((code) => ({
      code,
      required: code === 'fi',
      legend: translate(lang, `admin.programme.texts.${code}`),
      title: { id: `programme-title-${code}`, name: `title${capitalised(code)}`, ...field(`title${capitalised(code)}`) },
      summary: { id: `programme-summary-${code}`, name: `summary${capitalised(code)}`, ...field(`summary${capitalised(code)}`) },
      description: { id: `programme-description-${code}`, name: `description${capitalised(code)}`, ...field(`description${capitalised(code)}`) },
    })),
  };
}

const otherErrors = (errors: FieldMessages | null, known: string[]) =>
  errors ? Object.entries(errors).filter(([field]) => !known.includes(field)).map(([field, message]) => ({ field, message })) : [];

export function programmesPage(programmes: (ProgrammeSummary & { cohortCount: number })[], lang: Language, done: unknown) {
  return {
    title: translate(lang, 'admin.programmes.title'),
    notice: done === 'created' ? translate(lang, 'admin.programme.notice.created') : null,
    programmes: programmes.map((programme) => ({ ...programme, statusLabel: translate(lang, `programme.status.${programme.status}`), themeLabel: translate(lang, `theme.${programme.theme}`) })),
  };
}

export function newProgrammePage(lang: Language, values: FormValues, errors: FieldMessages | null) {
  return {
    title: translate(lang, 'admin.programme.new'),
    errors,
    otherErrors: otherErrors(errors, FORM_FIELDS),
    form: programmeForm(values, errors, lang),
  };
}

/** The programme's page: its form (with what was typed, when refused), status and rounds. */
export function programmePage(
  programme: ProgrammeForEdit,
  cohorts: ProgrammeCohorts,
  lang: Language,
  state: { notice?: string | null; values?: FormValues; errors?: FieldMessages; refusal?: string },
) {
  const errors = state.errors ?? null;
  return {
    title: localized(programme.title, lang),
    notice: state.notice ?? null,
    refusal: state.refusal ?? null,
    errors,
    otherErrors: otherErrors(errors, [...FORM_FIELDS, 'status']),
    programme: { id: programme.id, slug: programme.slug, status: programme.status, statusLabel: translate(lang, `programme.status.${programme.status}`) },
    statusError: errors?.status ?? null,
    statusActions: PROGRAMME_STATUSES.filter((status) => status !== programme.status).map((value) => ({ value, label: translate(lang, `admin.programme.statusAction.${value}`) })),
    form: programmeForm(state.values ?? valuesOfProgramme(programme), errors, lang),
    cohorts: cohorts.map((cohort) => ({ ...cohort, statusLabel: translate(lang, `cohort.status.${cohort.status}`), isDraft: cohort.status === 'draft' })),
  };
}
