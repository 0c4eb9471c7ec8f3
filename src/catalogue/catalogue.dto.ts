import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Language, LANGUAGES } from '../i18n/i18n';

export class ProgrammeListQuery {
  @ApiPropertyOptional({ enum: LANGUAGES, description: 'Language of the texts; default from Accept-Language, else fi.' })
  @IsOptional()
  @IsIn(LANGUAGES, { message: 'lang must be one of fi, sv, en' })
  lang?: Language;
}

export class ProgrammeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'kompleksisuus-ja-systeemiajattelu' })
  slug: string;

  @ApiProperty({ example: 'Kompleksisuus ja systeemiajattelu' })
  title: string;

  @ApiProperty()
  summary: string;
}

export class ProgrammeListDto {
  @ApiProperty({ type: [ProgrammeDto] })
  items: ProgrammeDto[];
}
