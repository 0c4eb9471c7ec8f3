// What the JSON API answers about who is in a round: the same view as the web page
// (ParticipantsService decides who may ask and whose name is hidden from the reader).
import { ApiProperty } from '@nestjs/swagger';
import { CohortMember, CohortPeople } from './participants.service';

export class CohortMemberDto {
  @ApiProperty({ type: String, nullable: true, example: 'Aino Virtanen', description: 'Null when hidden from you (they hide their name from other participants) or the account was erased.' })
  name: string | null;

  @ApiProperty({ description: 'The person hides their name from other participants; true with a name when you run the round or it is you.' })
  hidesName: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'Verohallinto', description: 'Their agency (a participant’s as it was when they enrolled); null for none.' })
  agency: string | null;

  @ApiProperty({ description: 'This is you.' })
  you: boolean;
}

export class AgencyCountDto {
  @ApiProperty({ type: String, nullable: true, example: 'Verohallinto', description: 'Null for participants without an agency.' })
  agency: string | null;

  @ApiProperty({ type: 'integer', minimum: 1 })
  count: number;
}

export class CohortPeopleDto {
  @ApiProperty({ format: 'uuid' })
  cohortId: string;

  @ApiProperty({ example: 'Kevät 2027' })
  cohortName: string;

  @ApiProperty({ example: 'Kompleksisuus ja systeemiajattelu', description: 'In the request’s language.' })
  programmeTitle: string;

  @ApiProperty({ type: [CohortMemberDto], description: 'Confirmed and completed participants, by agency, then name.' })
  participants: CohortMemberDto[];

  @ApiProperty({ type: [CohortMemberDto] })
  facilitators: CohortMemberDto[];

  @ApiProperty({ type: [AgencyCountDto], description: 'Confirmed and completed participants per agency, most first.' })
  agencyMix: AgencyCountDto[];

  @ApiProperty({ description: 'You run the round (a facilitator of it, or an admin) and may write to all of it.' })
  mayWriteToRound: boolean;
}

const memberDto = (member: CohortMember): CohortMemberDto => ({ name: member.name, hidesName: member.hidesName, agency: member.agency, you: member.self });

export function cohortPeopleDto(people: CohortPeople): CohortPeopleDto {
  return {
    cohortId: people.cohort.id,
    cohortName: people.cohort.name,
    programmeTitle: people.cohort.programmeTitle,
    participants: people.participants.map(memberDto),
    facilitators: people.facilitators.map(memberDto),
    agencyMix: people.agencyMix,
    mayWriteToRound: people.mayWriteToRound,
  };
}
