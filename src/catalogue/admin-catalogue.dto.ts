// What the admin pages for programmes and scheduling accept. Messages are i18n keys (web/forms.ts
// translates). Dates and times arrive as HTML date and time inputs send them ("2027-03-16",
// "09:00") and are read as Helsinki wall-clock time; here they are only checked to be real dates and
// times. What they must be (in order, within 2000–2100, not overlapping) is the scheduling rules'
// to say (scheduling.rules.ts), as for every other way in.
import { Transform, Type } from 'class-transformer';
import { IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { parseHelsinki, ShiftUnit, toHelsinki } from '../i18n/helsinki-time';
import { Language, LOCALES, translate } from '../i18n/i18n';
import { withValues } from '../errors/domain-errors';
import { FieldMessages } from '../web/forms';
import { filled, OptionalMeetingLink, OptionalText, RequiredDate, RequiredText, RequiredTime } from '../web/form-fields';
import { COHORT_STATUSES, CohortStatus, COMPLETION_RULES, CompletionRule, DELIVERY_MODES, DeliveryMode } from './cohort.entity';
import { dayOffOf } from './finnish-holidays';
import { PROGRAMME_STATUSES, PROGRAMME_THEMES, ProgrammeStatus, ProgrammeTheme } from './programme.entity';
import { ProgrammeInput } from './programmes.service';
import { CohortInput, DEFAULT_SEAT_OFFER_HOURS, MAX_SESSIONS, MAX_YEAR, MIN_YEAR, parseReminderOffsets, SessionInput } from './scheduling.rules';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const blankToNull = (value: string | undefined) => (value?.trim() ? value.trim() : null);

/** Reminder offsets as people type them ("14 d, 2 d, 2 h", blank for none), each one readable. */
const IsReminderOffsetsInput = (message: string) =>
  ValidateBy({ name: 'isReminderOffsetsInput', validator: { validate: (value) => typeof value === 'string' && parseReminderOffsets(value) !== null } }, { message });

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const TERM = /^(\d{4})-(spring|autumn)$/;

/** "a@x.fi, b@x.fi" or one per line → the addresses (the service refuses unknown ones by name). */
export function emailList(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,;]+/).filter(Boolean);
}

export class ProgrammeFormDto {
  // class-validator reports the last-listed failed rule first: the presence checks go last.
  @Transform(trim)
  @Matches(SLUG, { message: 'admin.programme.slug.format' })
  @MaxLength(80, { message: 'admin.programme.slug.tooLong' })
  @IsNotEmpty({ message: 'admin.programme.slug.required' })
  @IsString({ message: 'admin.programme.slug.required' })
  slug: string;

  @RequiredText(200, 'admin.programme.title.tooLong', 'admin.programme.titleFi.required')
  titleFi: string;

  @OptionalText(200, 'admin.programme.title.tooLong')
  titleSv?: string;

  @OptionalText(200, 'admin.programme.title.tooLong')
  titleEn?: string;

  @RequiredText(600, 'admin.programme.summary.tooLong', 'admin.programme.summaryFi.required')
  summaryFi: string;

  @OptionalText(600, 'admin.programme.summary.tooLong')
  summarySv?: string;

  @OptionalText(600, 'admin.programme.summary.tooLong')
  summaryEn?: string;

  @RequiredText(20_000, 'admin.programme.description.tooLong', 'admin.programme.descriptionFi.required')
  descriptionFi: string;

  @OptionalText(20_000, 'admin.programme.description.tooLong')
  descriptionSv?: string;

  @OptionalText(20_000, 'admin.programme.description.tooLong')
  descriptionEn?: string;

  @IsIn(PROGRAMME_THEMES, { message: 'admin.programme.theme.unknown' })
  theme: ProgrammeTheme;

  /** Blank: 0. */
  @IsOptional()
  @Transform(trim)
  @Matches(/^(-?\d{1,6})?$/, { message: 'admin.programme.position.number' })
  @IsString({ message: 'admin.programme.position.number' })
  position?: string;

  @OptionalText(5000, 'admin.facilitatorEmails.tooLong')
  facilitatorEmails?: string;
}

export function programmeInputOf(form: ProgrammeFormDto): ProgrammeInput {
  return {
    slug: form.slug,
    title: { fi: form.titleFi, sv: form.titleSv, en: form.titleEn },
    summary: { fi: form.summaryFi, sv: form.summarySv, en: form.summaryEn },
    description: { fi: form.descriptionFi, sv: form.descriptionSv, en: form.descriptionEn },
    theme: form.theme,
    position: form.position ? Number(form.position) : 0,
    facilitatorEmails: emailList(form.facilitatorEmails),
  };
}

export class ProgrammeStatusDto {
  @IsIn(PROGRAMME_STATUSES, { message: 'admin.status.unknown' })
  status: ProgrammeStatus;
}

export class CohortStatusDto {
  @IsIn(COHORT_STATUSES, { message: 'admin.status.unknown' })
  status: CohortStatus;
}

/** A cohort's own fields, as the new-round page and the cohort page edit them. */
export class CohortFieldsDto {
  @OptionalText(120, 'admin.cohort.name.tooLong')
  name?: string;

  @Transform(trim)
  @Matches(/^\d{1,7}$/, { message: 'admin.cohort.capacity.number' })
  @IsNotEmpty({ message: 'admin.cohort.capacity.required' })
  @IsString({ message: 'admin.cohort.capacity.required' })
  capacity: string;

  /** Blank: no cap. */
  @IsOptional()
  @Transform(trim)
  @Matches(/^(\d{1,7})?$/, { message: 'admin.cohort.agencySeatCap.number' })
  @IsString({ message: 'admin.cohort.agencySeatCap.number' })
  agencySeatCap?: string;

  /** A ticked checkbox sends "yes"; an unticked one sends nothing. */
  @IsOptional()
  @IsIn(['yes'], { message: 'admin.form.checkbox' })
  requiresApproval?: string;

  /** Ticked: a freed seat is offered to the next in line, who has seatOfferHours to claim it. */
  @IsOptional()
  @IsIn(['yes'], { message: 'admin.form.checkbox' })
  seatOffers?: string;

  /** Blank while seatOffers is ticked: the default, 48 hours. Ignored while it is not. */
  @IsOptional()
  @Transform(trim)
  @Matches(/^(\d{1,7})?$/, { message: 'admin.cohort.seatOfferHours.number' })
  @IsString({ message: 'admin.cohort.seatOfferHours.number' })
  seatOfferHours?: string;

  @RequiredDate('admin.date.required')
  enrolmentOpensDate: string;

  @RequiredTime('admin.time.required')
  enrolmentOpensTime: string;

  @RequiredDate('admin.date.required')
  enrolmentClosesDate: string;

  @RequiredTime('admin.time.required')
  enrolmentClosesTime: string;

  /** Optional as a pair: both blank, or both given. */
  @ValidateIf((form: CohortFieldsDto) => filled(form.cancellationDeadlineDate) || filled(form.cancellationDeadlineTime))
  @RequiredDate('admin.date.required')
  cancellationDeadlineDate?: string;

  @ValidateIf((form: CohortFieldsDto) => filled(form.cancellationDeadlineDate) || filled(form.cancellationDeadlineTime))
  @RequiredTime('admin.time.required')
  cancellationDeadlineTime?: string;

  @IsIn(DELIVERY_MODES, { message: 'admin.cohort.deliveryMode.unknown' })
  deliveryMode: DeliveryMode;

  @OptionalText(300, 'admin.place.tooLong')
  place?: string;

  @OptionalMeetingLink(2000)
  meetingLink?: string;

  @OptionalText(5000, 'admin.facilitatorEmails.tooLong')
  facilitatorEmails?: string;

  /** "14 d, 2 d, 2 h"; blank: no reminders. How many and how far before are the rules' to say. */
  @IsOptional()
  @IsReminderOffsetsInput('cohort.reminderOffsets.format')
  @IsString({ message: 'cohort.reminderOffsets.format' })
  reminderOffsets?: string;

  /** From attendance, or marked by the facilitator; left out (a post not from our form): as it is. */
  @IsOptional()
  @IsIn(COMPLETION_RULES, { message: 'completion.rule.unknown' })
  completionRule?: CompletionRule;

  /** From attendance: at least this many sessions; blank: all of them. The range is the rules' to say. */
  @IsOptional()
  @Transform(trim)
  @Matches(/^(\d{1,4})?$/, { message: 'completion.minSessions.number' })
  @IsString({ message: 'completion.minSessions.number' })
  completionMinSessions?: string;
}

/** One session row of the new-round page; a row left wholly blank is no session. */
export class SessionRowDto {
  @ValidateIf((row: SessionRowDto) => !isBlankRow(row))
  @RequiredDate('admin.date.required')
  date?: string;

  @ValidateIf((row: SessionRowDto) => !isBlankRow(row))
  @RequiredTime('admin.session.start.required')
  start?: string;

  @ValidateIf((row: SessionRowDto) => !isBlankRow(row))
  @RequiredTime('admin.session.end.required')
  end?: string;

  @OptionalText(300, 'admin.place.tooLong')
  place?: string;

  @OptionalMeetingLink(2000)
  meetingLink?: string;

  @OptionalText(10_000, 'admin.session.agenda.tooLong')
  agenda?: string;

  /** "yes": this row's weekend or holiday is confirmed (the form asks first). */
  @IsOptional()
  @IsIn(['yes', ''], { message: 'admin.form.text' })
  confirmDayOff?: string;
}

export const SESSION_ROW_FIELDS = ['date', 'start', 'end', 'place', 'meetingLink', 'agenda'] as const;
export type SessionRowField = (typeof SESSION_ROW_FIELDS)[number];

export function isBlankRow(row: Partial<Record<SessionRowField, unknown>>): boolean {
  return SESSION_ROW_FIELDS.every((field) => !filled(row[field]));
}

/** The new-round page: the cohort's fields and its session rows (`sessions.<row>.<field>`). */
export class CohortFormDto extends CohortFieldsDto {
  @IsOptional()
  @IsArray({ message: 'admin.sessions.invalid' })
  @ValidateNested({ each: true })
  @Type(() => SessionRowDto)
  sessions?: SessionRowDto[];

  /** The "add a session row" button: show the form again with one more row, saving nothing. */
  @IsOptional()
  @IsIn(['1'], { message: 'admin.form.button' })
  addRow?: string;
}

/**
 * Form posts arrive flat (`sessions.1.date`): gathers the session rows into `sessions`, a blank
 * object for a row missing in between. A row past the most a round may have stays a flat field and
 * is refused as unknown.
 */
export function withSessionRows(body: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...(body && typeof body === 'object' ? body : {}) };
  if ('sessions' in fields) return fields;
  const rows: Record<string, unknown>[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const match = /^sessions\.(0|[1-9]\d?)\.([A-Za-z]+)$/.exec(name);
    if (!match || Number(match[1]) >= MAX_SESSIONS) continue;
    (rows[Number(match[1])] ??= {})[match[2]] = value;
    delete fields[name];
  }
  if (rows.length) fields.sessions = Array.from(rows, (row) => row ?? {});
  return fields;
}

/** A date and a time the DTO has checked, as the instant in Helsinki. */
const instant = (date: string, time: string): Date => parseHelsinki(date, time)!;

export function cohortInputOf(form: CohortFieldsDto): CohortInput {
  const deadline = filled(form.cancellationDeadlineDate);
  return {
    name: blankToNull(form.name),
    capacity: Number(form.capacity),
    agencySeatCap: form.agencySeatCap ? Number(form.agencySeatCap) : null,
    requiresApproval: form.requiresApproval === 'yes',
    enrolmentOpensAt: instant(form.enrolmentOpensDate, form.enrolmentOpensTime),
    enrolmentClosesAt: instant(form.enrolmentClosesDate, form.enrolmentClosesTime),
    cancellationDeadline: deadline ? instant(form.cancellationDeadlineDate!, form.cancellationDeadlineTime!) : null,
    deliveryMode: form.deliveryMode,
    place: blankToNull(form.place),
    meetingLink: blankToNull(form.meetingLink),
    facilitatorEmails: emailList(form.facilitatorEmails),
    // Left out (a post not from our form): the cohort's as they are, or the defaults for a new one.
    reminderOffsets: form.reminderOffsets === undefined ? undefined : parseReminderOffsets(form.reminderOffsets)!,
    completionRule: form.completionRule,
    completionMinSessions: form.completionRule === undefined ? undefined : form.completionRule === 'attendance' && form.completionMinSessions ? Number(form.completionMinSessions) : null,
    seatOfferHours: form.seatOffers === 'yes' ? (form.seatOfferHours ? Number(form.seatOfferHours) : DEFAULT_SEAT_OFFER_HOURS) : null,
  };
}

/** The filled rows as sessions, and for each session the form row it came from. */
export function sessionsOf(rows: SessionRowDto[] = []): { sessions: SessionInput[]; rowOf: number[] } {
  const sessions: SessionInput[] = [];
  const rowOf: number[] = [];
  rows.forEach((row, index) => {
    if (isBlankRow(row)) return;
    sessions.push(sessionInputOf(row as SessionFormDto));
    rowOf.push(index);
  });
  return { sessions, rowOf };
}

/** One session: the add-session form of the cohort page. */
export class SessionFormDto {
  @RequiredDate('admin.date.required')
  date: string;

  @RequiredTime('admin.session.start.required')
  start: string;

  @RequiredTime('admin.session.end.required')
  end: string;

  @OptionalText(300, 'admin.place.tooLong')
  place?: string;

  @OptionalMeetingLink(2000)
  meetingLink?: string;

  @OptionalText(10_000, 'admin.session.agenda.tooLong')
  agenda?: string;

  /** "yes": the admin has confirmed a session on a weekend or a holiday (the form asks first). */
  @IsOptional()
  @IsIn(['yes', ''], { message: 'admin.form.text' })
  confirmDayOff?: string;
}

/** Moving or editing a session: its fields and why it changed (told to the participants). */
export class SessionEditDto extends SessionFormDto {
  @OptionalText(500, 'admin.session.reason.tooLong')
  reason?: string;
}

export class SessionCancelDto {
  @OptionalText(500, 'admin.session.reason.tooLong')
  reason?: string;
}

export function sessionInputOf(form: SessionFormDto): SessionInput {
  return {
    startsAt: instant(form.date, form.start),
    endsAt: instant(form.date, form.end),
    place: blankToNull(form.place),
    meetingLink: blankToNull(form.meetingLink),
    agenda: blankToNull(form.agenda),
  };
}

/**
 * A session on a weekend or a Finnish holiday is most often a slip of the calendar: the form asks
 * (a message next to the date naming the day, and a box to tick) and saves it only when confirmed.
 * Web forms only: an API client schedules deliberately, and the API takes such a session as given.
 */
export function dayOffQuestion(form: SessionFormDto, lang: Language): FieldMessages | null {
  if (form.confirmDayOff === 'yes') return null;
  const startsAt = parseHelsinki(form.date, form.start);
  if (!startsAt) return null;
  const dayOff = dayOffOf(toHelsinki(startsAt));
  if (!dayOff) return null;
  const day = new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'short', day: 'numeric', month: 'numeric', year: 'numeric', timeZone: 'Europe/Helsinki' }).format(startsAt);
  const what = 'holiday' in dayOff ? translate(lang, `holiday.${dayOff.holiday}`) : new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', timeZone: 'Europe/Helsinki' }).format(startsAt);
  return { date: withValues('session.dayOff.confirm', { day, what }) };
}

/** The day-off question of each filled row of the new-round page; null when none is asked. */
export function daysOffQuestions(rows: SessionRowDto[], lang: Language): FieldMessages | null {
  const questions = Object.fromEntries(
    rows.flatMap((row, index) => {
      const question = isBlankRow(row) ? null : dayOffQuestion(row as SessionFormDto, lang);
      return question ? [[`sessions.${index}.date`, question.date]] : [];
    }),
  );
  return Object.keys(questions).length ? questions : null;
}

export const SHIFT_UNITS: readonly ShiftUnit[] = ['weeks', 'months'];

/** "Schedule the next round". */
export class CopyCohortDto {
  @Transform(trim)
  @Matches(/^\d{1,4}$/, { message: 'admin.copy.amount.number' })
  @IsNotEmpty({ message: 'admin.copy.amount.number' })
  @IsString({ message: 'admin.copy.amount.number' })
  amount: string;

  @IsIn(SHIFT_UNITS, { message: 'admin.copy.unit.unknown' })
  unit: ShiftUnit;

  @IsOptional()
  @IsIn(['yes'], { message: 'admin.form.checkbox' })
  skipDaysOff?: string;

  @OptionalText(120, 'admin.cohort.name.tooLong')
  name?: string;
}

/** The term view's query: `?term=2027-spring`; none: the current term. */
export class ScheduleQueryDto {
  @IsOptional()
  @ValidateBy(
    {
      name: 'isTerm',
      validator: {
        validate: (value) => {
          const match = typeof value === 'string' ? TERM.exec(value) : null;
          return !!match && Number(match[1]) >= MIN_YEAR && Number(match[1]) <= MAX_YEAR;
        },
      },
    },
    { message: 'admin.schedule.term.invalid' },
  )
  term?: string;
}
