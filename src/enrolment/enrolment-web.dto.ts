// What the enrolment pages' forms accept: the cohort page (enrol, cancel), a manager's approval page
// and the roster's forms. Every form refuses fields it does not have (web/forms.ts validateForm).
// Messages are i18n keys. What a value must be as things stand (a manager's address that is a real
// address, a waitlist place within the queue, a cohort of the same programme) is EnrolmentService's
// to say.
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { isUuid } from '../errors/domain-errors';
import { FieldMessages } from '../web/forms';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A reason a form may leave blank: blank is none. */
export const reasonOf = (reason: string | undefined): string | null => reason?.trim() || null;

const REASON_MAX = 1000;

export class EnrolFormDto {
  /** Only a cohort that needs a manager's approval asks for it; the service checks it is an address. */
  @IsOptional()
  @Transform(trim)
  @MaxLength(254, { message: 'form.email.tooLong' })
  @IsString({ message: 'enrolment.managerEmail.invalid' })
  managerEmail?: string;
}

export class CancelFormDto {
  @IsOptional()
  @MaxLength(REASON_MAX, { message: 'enrolment.form.reason.tooLong' })
  @IsString({ message: 'enrolment.form.reason.tooLong' })
  reason?: string;
}

export const APPROVAL_DECISIONS = ['approve', 'decline'] as const;

export class ApprovalFormDto {
  @IsIn(APPROVAL_DECISIONS, { message: 'enrolment.form.decision.required' })
  decision: (typeof APPROVAL_DECISIONS)[number];
}

export const OFFER_DECISIONS = ['accept', 'decline'] as const;

/** The answer to a seat offered from the queue: from the mailed link's page, or the person's own round or home page. */
export class OfferFormDto {
  @IsIn(OFFER_DECISIONS, { message: 'enrolment.form.offerDecision.required' })
  decision: (typeof OFFER_DECISIONS)[number];
}

export class RosterEnrolFormDto {
  @Transform(trim)
  @MaxLength(254, { message: 'form.email.tooLong' })
  @IsNotEmpty({ message: 'enrolment.form.email.required' })
  @IsString({ message: 'enrolment.form.email.required' })
  email: string;

  @IsOptional()
  @MaxLength(REASON_MAX, { message: 'enrolment.form.reason.tooLong' })
  @IsString({ message: 'enrolment.form.reason.tooLong' })
  reason?: string;
}

export class RemoveFormDto {
  @IsOptional()
  @MaxLength(REASON_MAX, { message: 'enrolment.form.reason.tooLong' })
  @IsString({ message: 'enrolment.form.reason.tooLong' })
  reason?: string;
}

export class MoveFormDto {
  @IsNotEmpty({ message: 'enrolment.move.chooseCohort' })
  @IsString({ message: 'enrolment.move.chooseCohort' })
  toCohortId: string;

  @IsOptional()
  @MaxLength(REASON_MAX, { message: 'enrolment.form.reason.tooLong' })
  @IsString({ message: 'enrolment.form.reason.tooLong' })
  reason?: string;
}

export class PositionFormDto {
  @Transform(trim)
  @Matches(/^\d{1,6}$/, { message: 'enrolment.form.position.number' })
  @IsString({ message: 'enrolment.form.position.number' })
  position: string;

  /** Required: the history says why someone jumped the queue. */
  @MaxLength(REASON_MAX, { message: 'enrolment.form.reason.tooLong' })
  @IsNotEmpty({ message: 'enrolment.reorder.reasonRequired' })
  @IsString({ message: 'enrolment.reorder.reasonRequired' })
  reason: string;
}

/** One session's attendance: who is on the list shown, and which of them were there. */
export interface AttendanceForm {
  sessionId: string;
  people: string[];
  present: Set<string>;
}

const PRESENT_FIELD = /^present\.(.+)$/;

/**
 * The attendance form of one session: `sessionId`, `people` (the ids the form listed, comma
 * separated, so a person confirmed after the page was loaded is not marked absent) and
 * `present.<userId>=yes` for each ticked box. Field names carry ids, so no DTO class can list them;
 * anything else is refused as an unknown field, as validateForm would.
 */
export function attendanceFormOf(body: unknown): { value: AttendanceForm; errors: null } | { value: null; errors: FieldMessages } {
  const { _csrf: _ignored, ...fields } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: FieldMessages = {};
  const sessionId = fields.sessionId;
  if (!isUuid(sessionId)) errors.sessionId = 'enrolment.form.session.unknown';
  const people = typeof fields.people === 'string' ? fields.people.split(',').filter(Boolean) : null;
  if (!people || !people.every(isUuid)) errors.people = 'enrolment.form.people.invalid';
  const present = new Set<string>();
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'sessionId' || name === 'people') continue;
    const match = PRESENT_FIELD.exec(name);
    if (!match || !people?.includes(match[1])) errors[name] = 'form.unknownField';
    else if (value !== 'yes') errors[name] = 'enrolment.form.present.yes';
    else present.add(match[1]);
  }
  if (Object.keys(errors).length) return { value: null, errors };
  return { value: { sessionId: sessionId as string, people: people!, present }, errors: null };
}
