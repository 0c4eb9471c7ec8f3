// What the survey editor's forms accept. Messages are i18n keys (web/forms.ts translates); what a
// survey and a question must be (Finnish texts, options, lengths) is SurveyService's to say, and an
// answer's checks are AnswersService's (the answer form's fields are its questions').
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { LocalizedText } from '../i18n/i18n';
import { OptionalText } from '../web/form-fields';
import { QUESTION_KINDS } from './survey-question.entity';
import { QuestionInput, SurveySettings } from './survey.service';

const LANGUAGES = ['fi', 'sv', 'en'] as const;
const suffix = (code: string) => code[0].toUpperCase() + code.slice(1);
/** The longest text a form field may send, well beyond any rule, so the service's messages decide. */
const FIELD_MAX = 20_000;

export class SurveySettingsFormDto {
  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  titleFi?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  titleSv?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  titleEn?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  introFi?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  introSv?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  introEn?: string;

  @IsOptional()
  @IsIn(['yes'], { message: 'admin.form.checkbox' })
  anonymous?: string;

  @MaxLength(10, { message: 'feedback.openDays.number' })
  @IsString({ message: 'feedback.openDays.number' })
  openDays: string;
}

export class QuestionFormDto {
  @IsIn([...QUESTION_KINDS], { message: 'feedback.question.kind.unknown' })
  kind: string;

  @IsOptional()
  @IsIn(['yes'], { message: 'admin.form.checkbox' })
  required?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  promptFi?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  promptSv?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  promptEn?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  optionsFi?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  optionsSv?: string;

  @OptionalText(FIELD_MAX, 'feedback.form.tooLong')
  optionsEn?: string;
}

export class CopySurveyFormDto {
  @MaxLength(64, { message: 'feedback.copy.unknownSource' })
  @IsString({ message: 'feedback.copy.unknownSource' })
  from: string;
}

/** Making a round's survey: empty (`from` blank) or as a copy. */
export class CreateSurveyFormDto {
  @IsOptional()
  @MaxLength(64, { message: 'feedback.copy.unknownSource' })
  @IsString({ message: 'feedback.copy.unknownSource' })
  from?: string;
}

export class MoveQuestionFormDto {
  @IsIn(['up', 'down'], { message: 'feedback.question.move.direction' })
  direction: 'up' | 'down';
}

const textOf = (form: object, name: string): LocalizedText =>
  Object.fromEntries(LANGUAGES.map((code) => [code, ((form as Record<string, string | undefined>)[`${name}${suffix(code)}`] ?? '').trim()])) as unknown as LocalizedText;

export function settingsOf(form: SurveySettingsFormDto): SurveySettings {
  const days = /^\s*\d{1,3}\s*$/.test(form.openDays) ? Number(form.openDays) : NaN;
  return { title: textOf(form, 'title'), intro: textOf(form, 'intro'), anonymous: form.anonymous === 'yes', openDays: days };
}

/**
 * A question as the form sends it: options one per line in each language, the Finnish lines
 * deciding how many (a choice's blank lines dropped; a scale's lines are its points 1–5, blank for no label).
 */
export function questionOf(form: QuestionFormDto): { input: QuestionInput; problems: Record<string, string> | null } {
  const kind = form.kind as QuestionInput['kind'];
  const linesOf = (code: string) => ((form as unknown as Record<string, string | undefined>)[`options${suffix(code)}`] ?? '').split(/\r?\n/).map((line) => line.trim());
  const lines = Object.fromEntries(LANGUAGES.map((code) => [code, linesOf(code)])) as Record<(typeof LANGUAGES)[number], string[]>;
  const problems: Record<string, string> = {};
  let options: LocalizedText[] = [];
  if (kind === 'single_choice' || kind === 'multiple_choice') {
    const keep = (list: string[]) => list.filter((line) => line !== '');
    const fi = keep(lines.fi);
    options = fi.map((text, index) => ({ fi: text, sv: keep(lines.sv)[index] ?? '', en: keep(lines.en)[index] ?? '' }));
    for (const code of ['sv', 'en'] as const) if (keep(lines[code]).length > 0 && keep(lines[code]).length !== fi.length) problems[`options${suffix(code)}`] = 'feedback.question.options.countMismatch';
  } else if (kind === 'scale') {
    const count = Math.max(...LANGUAGES.map((code) => lines[code].length));
    options = Array.from({ length: count }, (_, index) => ({ fi: lines.fi[index] ?? '', sv: lines.sv[index] ?? '', en: lines.en[index] ?? '' }));
    if (options.some((option) => !option.fi && (option.sv || option.en))) problems.optionsFi = 'feedback.question.scaleLabels.finnish';
  }
  return {
    input: { kind, required: form.required === 'yes', prompt: textOf(form, 'prompt'), options },
    problems: Object.keys(problems).length ? problems : null,
  };
}
