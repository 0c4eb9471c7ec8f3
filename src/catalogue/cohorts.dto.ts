// What the cohorts and sessions part of the JSON API takes and answers. Times go out as ISO 8601
// instants (UTC, `Z`) and come in as ISO 8601 with an offset; the rules a round must keep are the
// services' (scheduling.rules.ts): these DTOs check only shape and type.
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDate, IsEmail, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { withValues } from '../errors/domain-errors';
import { ShiftUnit } from '../i18n/helsinki-time';
import { Omittable, PageQuery } from '../web/api/request.dto';
import { CohortDetail, CohortSummary, EnrolmentWindow, SessionView } from './catalogue.service';
import { DATE_TIME_EXAMPLE, DATE_TIME_MESSAGE, MAX_FACILITATORS, PersonDto, personDto, toDateTime } from './catalogue.dto';
import { COHORT_STATUSES, CohortStatus, COMPLETION_RULES, CompletionRule, DELIVERY_MODES, DeliveryMode } from './cohort.entity';
import { SESSION_STATUSES, SessionStatus } from './cohort-session.entity';
import { CohortInput, MAX_REMINDER_OFFSET, MAX_REMINDERS, parseReminderOffsets, SessionInput } from './scheduling.rules';
import { CopyRequest } from './scheduling.service';

const ENROLMENT_WINDOWS: EnrolmentWindow[] = ['not_open_yet', 'open', 'closed'];
const SHIFT_UNITS: ShiftUnit[] = ['weeks', 'months'];
// The same limits as the admin pages' forms (admin-catalogue.dto.ts).
const NAME_MAX = 120;
const PLACE_MAX = 300;
const LINK_MAX = 2000;
const AGENDA_MAX = 20_000;
const REASON_MAX = 2000;

/** A text that may be cleared: blank is sent on as null. */
const blankToNull = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? null : value);

/**
 * Reminder offsets as minutes; one written as people read it ("14 d", "2 h", "90 min") is read into
 * minutes here, and anything else is left as sent for the validator to refuse.
 */
const toMinutes = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((offset: unknown) => {
        const minutes = typeof offset === 'string' ? parseReminderOffsets(offset) : null;
        return minutes?.length === 1 ? minutes[0] : offset;
      })
    : value;

const REMINDER_OFFSETS_DESCRIPTION =
  `Minutes before each session that a reminder goes to its people, earliest first: at most ${MAX_REMINDERS}, each from 1 to ${MAX_REMINDER_OFFSET} (60 days), none twice. ` +
  'Each may also be written as people read it: "14 d", "2 h", "90 min". Left out: 7 days and 1 day for a new round, unchanged on PATCH; [] for no reminders.';

/** An optional text of at most `max` characters; blank or null clears it. */
const ClearableText = (max: number) =>
  // In the order the stacked decorators ran (bottom-up), so which failure is reported first is unchanged.
  applyDecorators(MaxLength(max, { message: withValues('api.text.tooLong', { max }) }), IsString({ message: withValues('api.text.tooLong', { max }) }), IsOptional(), Transform(blankToNull));

/** An optional online meeting link, https only; blank or null clears it. */
const ClearableMeetingLink = () =>
  applyDecorators(
    IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'api.meetingLink.https' }),
    MaxLength(LINK_MAX, { message: withValues('api.text.tooLong', { max: LINK_MAX }) }),
    IsString({ message: 'api.meetingLink.https' }),
    IsOptional(),
    Transform(blankToNull),
  );

// ---- Answers ----

export class ProgrammeRefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'kompleksisuus-ja-systeemiajattelu' })
  slug: string;

  @ApiProperty({ example: 'Kompleksisuus ja systeemiajattelu' })
  title: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time', example: '2027-03-16T07:00:00.000Z' })
  startsAt: Date;

  @ApiProperty({ format: 'date-time', example: '2027-03-16T14:00:00.000Z' })
  endsAt: Date;

  @ApiProperty({ enum: SESSION_STATUSES })
  status: SessionStatus;

  @ApiProperty({ type: String, nullable: true, description: 'Where it meets: its own place, else the cohort’s.' })
  place: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Its own link, else the cohort’s; null unless you may join (facilitators of the cohort and admins).' })
  meetingLink: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Markdown, as written.' })
  agenda: string | null;
}

export class CohortDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: ProgrammeRefDto })
  programme: ProgrammeRefDto;

  @ApiProperty({ example: 'Kevät 2027' })
  name: string;

  @ApiProperty({ example: '2027-spring', description: 'The half-year of the first session: January–July is spring.' })
  term: string;

  @ApiProperty({ example: 'Spring 2027' })
  termLabel: string;

  @ApiProperty({ enum: COHORT_STATUSES })
  status: CohortStatus;

  @ApiProperty({ enum: DELIVERY_MODES })
  deliveryMode: DeliveryMode;

  @ApiProperty({ type: String, nullable: true })
  place: string | null;

  @ApiProperty({ type: 'integer', example: 20 })
  capacity: number;

  @ApiProperty({ type: 'integer', example: 7 })
  seatsLeft: number;

  @ApiProperty({ type: 'integer', example: 0 })
  waitlistLength: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'At most this many confirmed seats per agency; null: no limit.' })
  agencySeatCap: number | null;

  @ApiProperty()
  requiresApproval: boolean;

  @ApiProperty({ format: 'date-time' })
  enrolmentOpensAt: Date;

  @ApiProperty({ format: 'date-time' })
  enrolmentClosesAt: Date;

  @ApiProperty({ enum: ENROLMENT_WINDOWS, description: 'Where enrolment stands now.' })
  enrolmentWindow: EnrolmentWindow;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Participants may cancel until then; null: until the first session starts.' })
  cancellationDeadline: Date | null;

  @ApiProperty({ format: 'date-time', description: 'The first session’s start.' })
  startsAt: Date;

  @ApiProperty({ format: 'date-time', description: 'The last session’s end.' })
  endsAt: Date;

  @ApiProperty({ type: 'integer', description: 'Scheduled (not cancelled) sessions.' })
  sessionCount: number;
}

export class CohortListDto {
  @ApiProperty({ type: [CohortDto] })
  items: CohortDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last one.' })
  nextCursor: string | null;
}

export class CohortDetailDto extends CohortDto {
  @ApiProperty({ type: [PersonDto] })
  facilitators: PersonDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Null unless you may join (facilitators of the cohort and admins).' })
  meetingLink: string | null;

  @ApiProperty({ type: [SessionDto], description: 'Cancelled ones too, in time order.' })
  sessions: SessionDto[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The round this one was copied from.' })
  copiedFromId: string | null;

  @ApiProperty({ type: 'integer', isArray: true, example: [10080, 1440], description: 'Minutes before each session that a reminder goes, earliest first; empty: no reminders.' })
  reminderOffsets: number[];

  @ApiProperty({ enum: COMPLETION_RULES, description: 'How completion is decided: by the sessions attended (“attendance”), or marked by the facilitator.' })
  completionRule: CompletionRule;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Under the “attendance” rule: at least this many of the sessions; null: all of them.' })
  completionMinSessions: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Hours the next person in the queue has to claim a freed seat offered to them (never past the first session); null: a freed seat is confirmed at once.' })
  seatOfferHours: number | null;
}

export function sessionDto(session: SessionView): SessionDto {
  const { id, startsAt, endsAt, status, place, meetingLink, agenda } = session;
  return { id, startsAt, endsAt, status, place, meetingLink, agenda };
}

export function cohortDto(cohort: CohortSummary): CohortDto {
  return {
    id: cohort.id,
    programme: { id: cohort.programmeId, slug: cohort.programmeSlug, title: cohort.programmeTitle },
    name: cohort.name,
    term: cohort.term,
    termLabel: cohort.termLabel,
    status: cohort.status,
    deliveryMode: cohort.deliveryMode,
    place: cohort.place,
    capacity: cohort.capacity,
    seatsLeft: cohort.seatsLeft,
    waitlistLength: cohort.waitlistLength,
    agencySeatCap: cohort.agencySeatCap,
    requiresApproval: cohort.requiresApproval,
    enrolmentOpensAt: cohort.enrolmentOpensAt,
    enrolmentClosesAt: cohort.enrolmentClosesAt,
    enrolmentWindow: cohort.enrolmentWindow,
    cancellationDeadline: cohort.cancellationDeadline,
    startsAt: cohort.startsAt,
    endsAt: cohort.endsAt,
    sessionCount: cohort.sessionCount,
  };
}

export function cohortDetailDto(cohort: CohortDetail): CohortDetailDto {
  return {
    ...cohortDto(cohort),
    facilitators: cohort.facilitators.map(personDto),
    meetingLink: cohort.meetingLink,
    sessions: cohort.sessions.map(sessionDto),
    copiedFromId: cohort.copiedFromId,
    reminderOffsets: cohort.reminderOffsets,
    completionRule: cohort.completionRule,
    completionMinSessions: cohort.completionMinSessions,
    seatOfferHours: cohort.seatOfferHours,
  };
}

// ---- Queries ----

export class CohortListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'A programme’s id or slug.', example: 'kompleksisuus-ja-systeemiajattelu' })
  @IsOptional()
  @IsString({ message: withValues('api.text.tooLong', { max: 200 }) })
  @MaxLength(200, { message: withValues('api.text.tooLong', { max: 200 }) })
  programme?: string;

  @ApiPropertyOptional({ enum: COHORT_STATUSES, description: 'Only admins see drafts: anyone else asking for them gets an empty list.' })
  @IsOptional()
  @IsIn(COHORT_STATUSES, { message: withValues('api.status.unknown', { statuses: COHORT_STATUSES.join(', ') }) })
  status?: CohortStatus;

  @ApiPropertyOptional({ example: '2027-spring', pattern: '^[0-9]{4}-(spring|autumn)$' })
  @IsOptional()
  @IsString({ message: 'api.term.invalid' })
  @Matches(/^\d{4}-(spring|autumn)$/, { message: 'api.term.invalid' })
  term?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2027-01-01T00:00:00Z', description: 'Rounds that end at or after this instant (ISO 8601 with an offset; encode `+` as %2B).' })
  @IsOptional()
  @Transform(toDateTime)
  @IsDate({ message: DATE_TIME_MESSAGE })
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2027-08-01T00:00:00Z', description: 'Rounds that start before this instant.' })
  @IsOptional()
  @Transform(toDateTime)
  @IsDate({ message: DATE_TIME_MESSAGE })
  to?: Date;
}

// ---- What admins send ----

export class NewSessionDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    example: DATE_TIME_EXAMPLE,
    description: 'Not in the past, unless every session of the cohort (with this one) has ended: then a finished cohort is being recorded. A weekend or a Finnish holiday is taken as given (the admin pages ask first).',
  })
  @Transform(toDateTime)
  @IsDate({ message: DATE_TIME_MESSAGE })
  startsAt: Date;

  @ApiProperty({ type: String, format: 'date-time', example: '2027-03-16T16:00:00+02:00' })
  @Transform(toDateTime)
  @IsDate({ message: DATE_TIME_MESSAGE })
  endsAt: Date;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: PLACE_MAX, description: 'Null or left out: the cohort’s place.' })
  @ClearableText(PLACE_MAX)
  place?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: LINK_MAX, example: 'https://meet.example.fi/verso-kevat', description: 'Null or left out: the cohort’s link.' })
  @ClearableMeetingLink()
  meetingLink?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: AGENDA_MAX, description: 'Markdown.' })
  @ClearableText(AGENDA_MAX)
  agenda?: string | null;
}

export class CreateCohortDto {
  @ApiProperty({ format: 'uuid', description: 'The programme the round is of (a draft one too).' })
  @IsUUID('all', { message: 'api.programmeId.invalid' })
  programmeId: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX, description: 'Null or left out: the term’s name in Finnish ("Kevät 2027").' })
  @ClearableText(NAME_MAX)
  name?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 20 })
  @Omittable()
  @IsInt({ message: 'cohort.capacity.range' })
  capacity?: number;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, description: 'At most this many confirmed seats per agency; null or left out: no limit.' })
  @IsOptional()
  @IsInt({ message: 'cohort.agencySeatCap.range' })
  agencySeatCap?: number | null;

  @ApiPropertyOptional({ default: false, description: 'Whether each enrolment needs the approval of the participant’s manager (by a link in an email).' })
  @Omittable()
  @IsBoolean({ message: 'api.boolean.invalid' })
  requiresApproval?: boolean;

  @ApiProperty({ type: String, format: 'date-time', example: '2027-01-11T09:00:00+02:00' })
  @Transform(toDateTime)
  @IsDate({ message: DATE_TIME_MESSAGE })
  enrolmentOpensAt: Date;

  @ApiProperty({ type: String, format: 'date-time', example: '2027-02-28T23:59:00+02:00' })
  @Transform(toDateTime)
  @IsDate({ message: DATE_TIME_MESSAGE })
  enrolmentClosesAt: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Participants may cancel until then; null or left out: until the first session starts.' })
  @IsOptional()
  @Transform(toDateTime)
  @IsDate({ message: DATE_TIME_MESSAGE })
  cancellationDeadline?: Date | null;

  @ApiPropertyOptional({ enum: DELIVERY_MODES, default: 'on_site' })
  @Omittable()
  @IsIn(DELIVERY_MODES, { message: withValues('api.deliveryMode.unknown', { modes: DELIVERY_MODES.join(', ') }) })
  deliveryMode?: DeliveryMode;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: PLACE_MAX, example: 'Valtiokonttori, Sörnäisten rantatie 13, Helsinki' })
  @ClearableText(PLACE_MAX)
  place?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: LINK_MAX, description: 'Shown only to facilitators, admins and confirmed participants.' })
  @ClearableMeetingLink()
  meetingLink?: string | null;

  @ApiPropertyOptional({ type: [String], description: 'Who runs the round: the emails of active accounts. Replaces the list.' })
  @Omittable()
  @IsArray({ message: 'api.emails.invalid' })
  @ArrayMaxSize(MAX_FACILITATORS, { message: 'api.emails.invalid' })
  @IsEmail({}, { each: true, message: 'api.emails.invalid' })
  facilitatorEmails?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: { oneOf: [{ type: 'integer', minimum: 1, maximum: MAX_REMINDER_OFFSET }, { type: 'string', example: '14 d' }] },
    maxItems: MAX_REMINDERS,
    example: ['14 d', '2 d', '2 h'],
    description: REMINDER_OFFSETS_DESCRIPTION,
  })
  @Transform(toMinutes)
  @Omittable()
  @IsInt({ each: true, message: 'cohort.reminderOffsets.format' })
  @IsArray({ message: 'cohort.reminderOffsets.format' })
  reminderOffsets?: number[];

  @ApiPropertyOptional({ enum: COMPLETION_RULES, default: 'attendance', description: 'How completion is decided: by the sessions attended (see completionMinSessions), or marked by the facilitator.' })
  @Omittable()
  @IsIn(COMPLETION_RULES, { message: 'completion.rule.unknown' })
  completionRule?: CompletionRule;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, description: 'Under the “attendance” rule: at least this many of the sessions (at most their number); null or left out: all of them.' })
  @IsOptional()
  @IsInt({ message: 'completion.minSessions.number' })
  completionMinSessions?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: 336,
    description: 'A freed seat is offered to the next person in the queue, who has this many hours (never past the first session) to claim it before it passes on; null or left out: a freed seat is confirmed at once.',
  })
  @IsOptional()
  @IsInt({ message: 'cohort.seatOfferHours.number' })
  seatOfferHours?: number | null;

  @ApiProperty({ type: [NewSessionDto], description: 'At least one; none may overlap another.' })
  @IsArray({ message: 'api.sessions.invalid' })
  @IsObject({ each: true, message: 'api.sessions.invalid' })
  @ValidateNested({ each: true, message: 'api.sessions.invalid' })
  @Type(() => NewSessionDto)
  sessions: NewSessionDto[];
}

export class UpdateCohortDto extends PartialType(OmitType(CreateCohortDto, ['programmeId', 'sessions'] as const), { skipNullProperties: false }) {
  @ApiPropertyOptional({
    enum: COHORT_STATUSES,
    description: 'Publish, cancel, complete or take back to draft. Applied after the other fields, on its own: when it is refused (409), the other fields sent have been saved.',
  })
  @Omittable()
  @IsIn(COHORT_STATUSES, { message: withValues('api.status.unknown', { statuses: COHORT_STATUSES.join(', ') }) })
  status?: CohortStatus;
}

export class UpdateSessionDto extends PartialType(NewSessionDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: REASON_MAX, description: 'Why it moved: recorded with the change and told to participants.' })
  @IsOptional()
  @IsString({ message: withValues('api.text.tooLong', { max: REASON_MAX }) })
  @MaxLength(REASON_MAX, { message: withValues('api.text.tooLong', { max: REASON_MAX }) })
  reason?: string | null;
}

export class CancelSessionDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: REASON_MAX, description: 'Why: recorded with the change and told to participants.' })
  @IsOptional()
  @IsString({ message: withValues('api.text.tooLong', { max: REASON_MAX }) })
  @MaxLength(REASON_MAX, { message: withValues('api.text.tooLong', { max: REASON_MAX }) })
  reason?: string | null;
}

export class CopyCohortDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 520, example: 26, description: '1–520 weeks or 1–120 months.' })
  @IsInt({ message: 'copy.amount.range' })
  amount: number;

  @ApiProperty({ enum: SHIFT_UNITS })
  @IsIn(SHIFT_UNITS, { message: 'api.copy.unit.unknown' })
  unit: ShiftUnit;

  @ApiPropertyOptional({ default: true, description: 'Move a session that lands on a weekend or a Finnish holiday on to the next working day.' })
  @Omittable()
  @IsBoolean({ message: 'api.boolean.invalid' })
  skipDaysOff?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: NAME_MAX, description: 'Null or left out: the new term’s name.' })
  @ClearableText(NAME_MAX)
  name?: string | null;
}

// ---- From what was sent to what the services take ----

export function sessionInputOf(session: NewSessionDto): SessionInput {
  return { startsAt: session.startsAt, endsAt: session.endsAt, place: session.place ?? null, meetingLink: session.meetingLink ?? null, agenda: session.agenda ?? null };
}

/** A new round with its sessions; fields left out take the defaults documented above. */
export function scheduleInputOf(body: CreateCohortDto): CohortInput & { sessions: SessionInput[] } {
  return {
    name: body.name ?? null,
    capacity: body.capacity ?? 20,
    agencySeatCap: body.agencySeatCap ?? null,
    requiresApproval: body.requiresApproval ?? false,
    enrolmentOpensAt: body.enrolmentOpensAt,
    enrolmentClosesAt: body.enrolmentClosesAt,
    cancellationDeadline: body.cancellationDeadline ?? null,
    deliveryMode: body.deliveryMode ?? 'on_site',
    place: body.place ?? null,
    meetingLink: body.meetingLink ?? null,
    facilitatorEmails: body.facilitatorEmails,
    reminderOffsets: body.reminderOffsets,
    completionRule: body.completionRule,
    completionMinSessions: body.completionMinSessions ?? null,
    seatOfferHours: body.seatOfferHours ?? null,
    sessions: body.sessions.map(sessionInputOf),
  };
}

export function copyRequestOf(body: CopyCohortDto): CopyRequest {
  return { amount: body.amount, unit: body.unit, skipDaysOff: body.skipDaysOff ?? true, name: body.name ?? null };
}
