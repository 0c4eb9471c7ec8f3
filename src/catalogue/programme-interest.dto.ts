// What "tell me when the next round opens" accepts and answers: the page's form (which round's page
// it was sent from, to go back there) and the API's answers.
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class InterestFormDto {
  /** The round whose page the button was on: the answer leads back there rather than to the programme's page. */
  @IsOptional()
  @IsUUID('all', { message: 'programmeInterest.form.from.invalid' })
  from?: string;
}

export class InterestAnswerDto {
  @ApiProperty({ format: 'uuid' })
  programmeId: string;

  @ApiProperty({ description: 'Whether you are on the list now.' })
  waiting: boolean;

  @ApiProperty({ description: 'POST: you were on the list already, nothing changed. DELETE: you were not on it.' })
  unchanged: boolean;
}

export class AgencyDemandDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for people without an agency.' })
  agencyId: string | null;

  @ApiProperty({ example: 'Valtiokonttori', description: 'The agency’s name; for people without one, "ei virastoa" in the language asked for.' })
  agency: string;

  @ApiProperty({ example: 3 })
  count: number;
}

export class InterestListDto {
  @ApiProperty({ format: 'uuid' })
  programmeId: string;

  @ApiProperty({ description: 'How many people wait to hear of the programme’s next round.' })
  size: number;

  @ApiProperty({ type: [AgencyDemandDto], description: 'By the agency each person had when they asked, most first.' })
  byAgency: AgencyDemandDto[];
}
