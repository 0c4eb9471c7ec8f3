// What the programmes part of the JSON API takes and answers, and what the catalogue's API DTOs
// share (dates, people, change requests); what the whole API shares is in web/api/. Validation
// messages are i18n keys (web/forms.ts translates them into the API's English).
import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  isISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { withValues } from '../errors/domain-errors';
import { translate } from '../i18n/i18n';
import { Omittable, PageQuery } from '../web/api/request.dto';
import { PersonSummary, ProgrammeDetail, ProgrammeSummary } from './catalogue.service';
import { PROGRAMME_STATUSES, PROGRAMME_THEMES, ProgrammeStatus, ProgrammeTheme } from './programme.entity';

export const MAX_FACILITATORS = 50;

// ---- Shared by the catalogue's API DTOs ----

/** A date-time as RFC 3339 writes it: with seconds optional, and always a zone (Z or ±hh:mm). */
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads an ISO 8601 date-time with an offset into a Date; anything else is left as it came, so
 * that the field's @IsDate refuses it with a message. (A time without a zone is refused rather than
 * guessed: the same text means a different instant in Helsinki and on the server.)
 */
export const toDateTime = ({ value }: { value: unknown }) =>
  typeof value === 'string' && DATE_TIME_WITH_OFFSET.test(value) && isISO8601(value, { strict: true, strictSeparator: true }) ? new Date(value) : value;

export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const DATE_TIME_MESSAGE = 'api.dateTime.invalid';
export const DATE_TIME_EXAMPLE = '2027-03-16T09:00:00+02:00';

/** A change request (PATCH) that names no field is refused rather than answered as if it did something. */
export function changesIn<T extends object>(body: T): Partial<T> {
  const changes = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<T>;
  if (Object.keys(changes).length === 0) {
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: translate('en', 'api.nothingToChange') });
  }
  return changes;
}

export class PersonDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Aino Virtanen' })
  displayName: string;
}

export function personDto(person: PersonSummary): PersonDto {
  return { id: person.id, displayName: person.displayName };
}

// ---- Programmes: queries and answers ----

export class ProgrammeListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PROGRAMME_STATUSES, description: 'Only admins see drafts: anyone else asking for them gets an empty list.' })
  @IsOptional()
  @IsIn(PROGRAMME_STATUSES, { message: withValues('api.status.unknown', { statuses: PROGRAMME_STATUSES.join(', ') }) })
  status?: ProgrammeStatus;

  @ApiPropertyOptional({ enum: PROGRAMME_THEMES })
  @IsOptional()
  @IsIn(PROGRAMME_THEMES, { message: withValues('api.theme.unknown', { themes: PROGRAMME_THEMES.join(', ') }) })
  theme?: ProgrammeTheme;
}

export class ProgrammeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'kompleksisuus-ja-systeemiajattelu' })
  slug: string;

  @ApiProperty({ example: 'Kompleksisuus ja systeemiajattelu', description: 'In the language asked for; Finnish where there is none.' })
  title: string;

  @ApiProperty()
  summary: string;

  @ApiProperty({ enum: PROGRAMME_THEMES })
  theme: ProgrammeTheme;

  @ApiProperty({ enum: PROGRAMME_STATUSES })
  status: ProgrammeStatus;
}

export class ProgrammeListDto {
  @ApiProperty({ type: [ProgrammeDto] })
  items: ProgrammeDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last one.' })
  nextCursor: string | null;
}

export class ProgrammeDetailDto extends ProgrammeDto {
  @ApiProperty({ example: 'Valmennus **kompleksisuusajatteluun**.', description: 'Markdown, as written.' })
  description: string;

  @ApiProperty({ type: [PersonDto], description: 'Who usually runs the programme.' })
  facilitators: PersonDto[];

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

export function programmeDto(programme: ProgrammeSummary): ProgrammeDto {
  const { id, slug, title, summary, theme, status } = programme;
  return { id, slug, title, summary, theme, status };
}

export function programmeDetailDto(programme: ProgrammeDetail): ProgrammeDetailDto {
  return { ...programmeDto(programme), description: programme.description, facilitators: programme.facilitators.map(personDto), updatedAt: programme.updatedAt };
}

// ---- Programmes: what admins send ----

// The same limits as the admin pages' forms (admin-catalogue.dto.ts).
const TITLE_MAX = 200;
const SUMMARY_MAX = 600;
const DESCRIPTION_MAX = 20_000;
const SLUG_MAX = 80;
const MAX_POSITION = 999_999;

/** A text per language: Finnish required, Swedish and English optional (they fall back to Finnish). */
function localizedText(max: number) {
  const finnish = withValues('api.text.finnishRequired', { max });
  const other = withValues('api.text.tooLong', { max });
  class Text {
    @ApiProperty({ minLength: 1, maxLength: max })
    @Transform(trim)
    @IsString({ message: finnish })
    @Length(1, max, { message: finnish })
    fi: string;

    @ApiPropertyOptional({ maxLength: max })
    @IsOptional()
    @IsString({ message: other })
    @MaxLength(max, { message: other })
    sv?: string;

    @ApiPropertyOptional({ maxLength: max })
    @IsOptional()
    @IsString({ message: other })
    @MaxLength(max, { message: other })
    en?: string;
  }
  return Text;
}

export class TitleText extends localizedText(TITLE_MAX) {}
export class SummaryText extends localizedText(SUMMARY_MAX) {}
export class DescriptionText extends localizedText(DESCRIPTION_MAX) {}

export class CreateProgrammeDto {
  @ApiProperty({ example: 'kompleksisuus-ja-systeemiajattelu', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: SLUG_MAX, description: 'The programme’s address: /programmes/<slug>.' })
  @IsString({ message: withValues('api.slug.invalid', { max: SLUG_MAX }) })
  @MaxLength(SLUG_MAX, { message: withValues('api.slug.invalid', { max: SLUG_MAX }) })
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: withValues('api.slug.invalid', { max: SLUG_MAX }) })
  slug: string;

  @ApiProperty({ type: TitleText, example: { fi: 'Kompleksisuus ja systeemiajattelu', en: 'Complexity and systems thinking' } })
  @IsDefined({ message: 'api.required' })
  @IsObject({ message: 'api.text.invalid' })
  @ValidateNested({ message: 'api.text.invalid' })
  @Type(() => TitleText)
  title: TitleText;

  @ApiProperty({ type: SummaryText })
  @IsDefined({ message: 'api.required' })
  @IsObject({ message: 'api.text.invalid' })
  @ValidateNested({ message: 'api.text.invalid' })
  @Type(() => SummaryText)
  summary: SummaryText;

  @ApiProperty({ type: DescriptionText, description: 'Markdown, per language.' })
  @IsDefined({ message: 'api.required' })
  @IsObject({ message: 'api.text.invalid' })
  @ValidateNested({ message: 'api.text.invalid' })
  @Type(() => DescriptionText)
  description: DescriptionText;

  @ApiProperty({ enum: PROGRAMME_THEMES })
  @IsIn(PROGRAMME_THEMES, { message: withValues('api.theme.unknown', { themes: PROGRAMME_THEMES.join(', ') }) })
  theme: ProgrammeTheme;

  @ApiPropertyOptional({ type: 'integer', minimum: -MAX_POSITION, maximum: MAX_POSITION, default: 0, description: 'Where the programme stands in lists; lower first.' })
  @Omittable()
  @IsInt({ message: withValues('api.position.range', { max: MAX_POSITION }) })
  @Min(-MAX_POSITION, { message: withValues('api.position.range', { max: MAX_POSITION }) })
  @Max(MAX_POSITION, { message: withValues('api.position.range', { max: MAX_POSITION }) })
  position?: number;

  @ApiPropertyOptional({ type: [String], example: ['aino.virtanen@valtiokonttori.fi'], description: 'Who usually runs it: the emails of active accounts. Replaces the list.' })
  @Omittable()
  @IsArray({ message: 'api.emails.invalid' })
  @ArrayMaxSize(MAX_FACILITATORS, { message: 'api.emails.invalid' })
  @IsEmail({}, { each: true, message: 'api.emails.invalid' })
  facilitatorEmails?: string[];
}

export class UpdateProgrammeDto extends PartialType(CreateProgrammeDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({
    enum: PROGRAMME_STATUSES,
    description:
      'Publish, archive or take back to draft. Applied after the other fields, on its own: when it is refused (409), the other fields sent have been saved.',
  })
  @Omittable()
  @IsIn(PROGRAMME_STATUSES, { message: withValues('api.status.unknown', { statuses: PROGRAMME_STATUSES.join(', ') }) })
  status?: ProgrammeStatus;
}
