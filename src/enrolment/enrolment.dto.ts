// What the enrolment part of the JSON API takes and answers. The rules (who may enrol when, what a
// valid manager address is) are EnrolmentService's: the body here is checked only for shape, and an
// address the service refuses comes back as the same 400 `fields` answer as a wrong type.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { COHORT_STATUSES, CohortStatus } from '../catalogue/cohort.entity';
import { ENROLMENT_STATUSES, EnrolmentStatus } from './enrolment.entity';
import { EnrolmentView } from './enrolment.service';
import { MyCohort } from './roster.service';

/** The longest address there is (RFC 5321); anything longer is refused before it reaches the service. */
const EMAIL_MAX = 254;

export class EnrolDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: EMAIL_MAX,
    example: 'esihenkilo@verohallinto.fi',
    description: 'Your manager’s email address. Required when the cohort needs a manager’s approval (`requiresApproval`): they get a link to approve or decline. Ignored otherwise, but still checked.',
  })
  @IsOptional()
  @IsString({ message: 'enrolment.managerEmail.invalid' })
  @MaxLength(EMAIL_MAX, { message: 'enrolment.managerEmail.invalid' })
  managerEmail?: string | null;
}

export class EnrolmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  cohortId: string;

  @ApiProperty({
    enum: ENROLMENT_STATUSES,
    description: '`confirmed`: a seat. `waitlisted`: in the queue at `waitlistPosition`. `pending_approval`: waiting for the manager’s answer. `offered`: a freed seat is held for you until its deadline; accept or decline it from the link in the offer email or on the cohort’s page. `cancelled`, `declined`, `completed`: no longer active.',
  })
  status: EnrolmentStatus;

  @ApiProperty({ type: 'integer', nullable: true, minimum: 1, example: null, description: '1 = next in line for a freed seat; null unless waitlisted.' })
  waitlistPosition: number | null;
}

export class EnrolResultDto {
  @ApiProperty({ type: EnrolmentDto })
  enrolment: EnrolmentDto;

  @ApiProperty({ description: 'True when this request enrolled you (201); false when you already had an active enrolment, returned as it is (200).' })
  created: boolean;

  @ApiProperty({ example: 'You are on the waitlist at position 3. You get a seat, and an email, when one frees up.', description: 'The outcome in English, for people.' })
  message: string;
}

export class SessionTimesDto {
  @ApiProperty({ format: 'date-time' })
  startsAt: Date;

  @ApiProperty({ format: 'date-time' })
  endsAt: Date;
}

export class MyEnrolmentDto extends EnrolmentDto {
  @ApiProperty({ example: 'Kevät 2027' })
  cohortName: string;

  @ApiProperty({ enum: COHORT_STATUSES, description: 'A cancelled or completed cohort keeps the enrolments it had.' })
  cohortStatus: CohortStatus;

  @ApiProperty({ example: 'Complexity and systems thinking', description: 'In the language asked for (Accept-Language), else Finnish.' })
  programmeTitle: string;

  @ApiProperty({ format: 'date-time', description: 'The first session’s start.' })
  startsAt: Date;

  @ApiProperty({ format: 'date-time', description: 'The last session’s end.' })
  endsAt: Date;

  @ApiProperty({ type: SessionTimesDto, nullable: true, description: 'The next scheduled session that has not ended; null when none is left.' })
  nextSession: SessionTimesDto | null;
}

export class MyEnrolmentListDto {
  @ApiProperty({
    type: [MyEnrolmentDto],
    description: 'One per cohort you have enrolled in: your active enrolment there, else the latest one that ended. Active ones first (confirmed, waiting for approval, waitlisted), then by start.',
  })
  items: MyEnrolmentDto[];
}

export function enrolmentDto(enrolment: EnrolmentView): EnrolmentDto {
  return { id: enrolment.id, cohortId: enrolment.cohortId, status: enrolment.status, waitlistPosition: enrolment.waitlistPosition };
}

export function myEnrolmentDto(line: MyCohort): MyEnrolmentDto {
  return {
    id: line.enrolmentId,
    cohortId: line.cohortId,
    status: line.status,
    waitlistPosition: line.waitlistPosition,
    cohortName: line.cohortName,
    cohortStatus: line.cohortStatus,
    programmeTitle: line.programmeTitle,
    startsAt: line.startsAt,
    endsAt: line.endsAt,
    nextSession: line.nextSession,
  };
}

/** What enrolling did, as a person reads it (the API speaks English); enrolling answers only active enrolments. */
export function outcomeMessage(enrolment: EnrolmentView, created: boolean): string {
  const already = created ? '' : 'You were already enrolled. ';
  if (enrolment.status === 'confirmed') return `${already}You have a seat in the cohort.`;
  if (enrolment.status === 'waitlisted') return `${already}You are on the waitlist at position ${enrolment.waitlistPosition}. You get a seat, and an email, when one frees up.`;
  if (enrolment.status === 'offered') return `${already}A freed seat is offered to you: accept or decline it from the link in the offer email, or on the cohort’s page, before its deadline.`;
  return `${already}Your manager has been asked to approve your enrolment; you get an email when they answer.`;
}

export function enrolResultDto(outcome: { enrolment: EnrolmentView; created: boolean }): EnrolResultDto {
  return { enrolment: enrolmentDto(outcome.enrolment), created: outcome.created, message: outcomeMessage(outcome.enrolment, outcome.created) };
}
