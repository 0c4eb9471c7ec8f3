// What the admins' newsletter forms accept (admin-newsletter.controller.ts). Messages are i18n keys
// (web/forms.ts translates); that an edition has a Finnish subject and body, and that its sending
// time is in the future, is NewsletterEditions' to say, next to the same fields.
import { IsIn, IsOptional, IsString } from 'class-validator';
import { withValues } from '../errors/domain-errors';
import { parseHelsinki } from '../i18n/helsinki-time';
import { OptionalText } from '../web/form-fields';
import { EditionInput, MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH } from './newsletter-editions.service';

const SUBJECT_TOO_LONG = withValues('newsletter.subject.tooLong', { max: MAX_SUBJECT_LENGTH });
const BODY_TOO_LONG = withValues('newsletter.body.tooLong', { max: MAX_BODY_LENGTH });

/** An edition's texts as the edit form sends them; `intent` 'preview' shows them rendered instead of saving. */
export class EditionFormDto {
  @OptionalText(MAX_SUBJECT_LENGTH, SUBJECT_TOO_LONG)
  subjectFi?: string;

  @OptionalText(MAX_SUBJECT_LENGTH, SUBJECT_TOO_LONG)
  subjectSv?: string;

  @OptionalText(MAX_SUBJECT_LENGTH, SUBJECT_TOO_LONG)
  subjectEn?: string;

  @OptionalText(MAX_BODY_LENGTH, BODY_TOO_LONG)
  bodyFi?: string;

  @OptionalText(MAX_BODY_LENGTH, BODY_TOO_LONG)
  bodySv?: string;

  @OptionalText(MAX_BODY_LENGTH, BODY_TOO_LONG)
  bodyEn?: string;

  @IsOptional()
  @IsIn(['save', 'preview'], { message: 'form.unknownField' })
  intent?: 'save' | 'preview';
}

export function editionInputOf(form: EditionFormDto): EditionInput {
  return {
    subject: { fi: form.subjectFi ?? '', sv: form.subjectSv, en: form.subjectEn },
    body: { fi: form.bodyFi ?? '', sv: form.bodySv, en: form.bodyEn },
  };
}

/** When to send, as a datetime-local input sends it ("2027-03-16T09:00"), Helsinki time. */
export class ScheduleFormDto {
  @IsString({ message: 'newsletter.scheduledAt.invalid' })
  scheduledAt: string;
}

const DATETIME_LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{1,2}:\d{2})(?::\d{2}(?:\.\d+)?)?$/;

/** The instant a datetime-local value names in Helsinki, or null when it names none. */
export function scheduledAtOf(value: string): Date | null {
  const match = DATETIME_LOCAL.exec(value.trim());
  return match ? parseHelsinki(match[1], match[2]) : null;
}
