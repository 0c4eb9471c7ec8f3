// What the JSON API's requests share across areas: the language and page parameters of a list
// (the page itself is cut by cursor.ts), and fields that may be left out but not sent as null.
// Validation messages are i18n keys (web/forms.ts translates them into the API's English).
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { withValues } from '../../errors/domain-errors';
import { Language, LANGUAGES } from '../../i18n/i18n';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** May be left out, but not sent as null (for fields that cannot be empty; IsOptional lets null through). */
export const Omittable = () => ValidateIf((_, value) => value !== undefined);

export class LanguageQuery {
  @ApiPropertyOptional({ enum: LANGUAGES, description: 'Language of the texts; default from Accept-Language, else fi.' })
  @IsOptional()
  @IsIn(LANGUAGES, { message: 'form.language.unknown' })
  lang?: Language;
}

const LIMIT_MESSAGE = withValues('api.limit.range', { min: 1, max: MAX_PAGE_SIZE });

export class PageQuery extends LanguageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional()
  @IsString({ message: 'api.cursor.invalid' })
  @MaxLength(1000, { message: 'api.cursor.invalid' })
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(MAX_PAGE_SIZE, { message: LIMIT_MESSAGE })
  limit?: number;
}
