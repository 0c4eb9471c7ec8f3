// What the account forms and API bodies accept. Messages are i18n keys (web/forms.ts translates).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { LANGUAGES, Language } from '../i18n/i18n';
import { PASSWORD_MAX_LENGTH } from '../identity/password-policy';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export class RegisterDto {
  @ApiProperty({ example: 'Aino Virtanen', maxLength: 200 })
  @Transform(trim)
  @IsString({ message: 'form.displayName.required' })
  @Length(1, 200, { message: 'form.displayName.length' })
  displayName: string;

  @ApiProperty({ example: 'aino.virtanen@verohallinto.fi', maxLength: 254 })
  @Transform(trim)
  @IsString({ message: 'form.email.invalid' })
  @MaxLength(254, { message: 'form.email.tooLong' })
  @IsEmail({}, { message: 'form.email.invalid' })
  email: string;

  @ApiProperty({ minLength: 10, maxLength: PASSWORD_MAX_LENGTH })
  @IsString({ message: 'accounts.password.tooShort' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: 'accounts.password.tooLong' })
  password: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The agency the person works at (GET /api/v1/agencies lists them).' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'accounts.agency.unknown' })
  agencyId?: string;

  @ApiProperty({ enum: LANGUAGES })
  @IsIn(LANGUAGES, { message: 'form.language.unknown' })
  language: Language;
}

export class SignInDto {
  @ApiProperty({ example: 'aino.virtanen@verohallinto.fi' })
  @Transform(trim)
  @IsString({ message: 'form.email.invalid' })
  @MaxLength(254, { message: 'form.email.tooLong' })
  @IsEmail({}, { message: 'form.email.invalid' })
  email: string;

  @ApiProperty()
  @IsString({ message: 'accounts.password.required' })
  @Length(1, PASSWORD_MAX_LENGTH, { message: 'accounts.password.required' })
  password: string;
}

/** The web sign-in form also carries where to go next. */
export class SignInFormDto extends SignInDto {
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  next?: string;
}
