// What the accounts part of the JSON API takes and answers (tokens, sign-up, the caller's account).
// Messages of API-only fields are plain English: the API answers in English (web/forms.ts).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { LANGUAGES, Language } from '../i18n/i18n';
import { TOKEN_DEFAULT_DAYS, TOKEN_DEFAULT_NAME, TOKEN_MAX_DAYS, TOKEN_NAME_MAX_LENGTH } from '../identity/api-tokens.service';
import { SITE_ROLES, SiteRole } from '../identity/user.entity';
import { SignInDto } from './accounts.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class IssueTokenDto extends SignInDto {
  @ApiPropertyOptional({ example: 'Raportointi-skripti', minLength: 1, maxLength: TOKEN_NAME_MAX_LENGTH, default: TOKEN_DEFAULT_NAME, description: 'What the token is for, to tell tokens apart in the list.' })
  @Transform(trim)
  @IsOptional()
  @IsString({ message: `name must be text of 1–${TOKEN_NAME_MAX_LENGTH} characters` })
  @Length(1, TOKEN_NAME_MAX_LENGTH, { message: `name must be text of 1–${TOKEN_NAME_MAX_LENGTH} characters` })
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: TOKEN_MAX_DAYS, default: TOKEN_DEFAULT_DAYS, description: 'Days until the token stops working.' })
  @IsOptional()
  @IsInt({ message: `expiresInDays must be a whole number of days, 1–${TOKEN_MAX_DAYS}` })
  @Min(1, { message: `expiresInDays must be a whole number of days, 1–${TOKEN_MAX_DAYS}` })
  @Max(TOKEN_MAX_DAYS, { message: `expiresInDays must be a whole number of days, 1–${TOKEN_MAX_DAYS}` })
  expiresInDays?: number;
}

export class IssuedTokenDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'verso_3q2-7wEj…', description: 'Send as `Authorization: Bearer <token>`. Shown only now: Verso keeps only its hash.' })
  token: string;

  @ApiProperty({ example: 'API' })
  name: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: Date;
}

export class ApiTokenDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'API' })
  name: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  expiresAt: Date;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'To the minute.' })
  lastUsedAt: Date | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt: Date | null;
}

export class AccountDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'aino.virtanen@verohallinto.fi' })
  email: string;

  @ApiProperty({ example: 'Aino Virtanen' })
  displayName: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  agencyId: string | null;

  @ApiProperty({ enum: LANGUAGES })
  language: Language;
}

export class RegisteredDto {
  @ApiProperty({ type: AccountDto })
  user: AccountDto;
}

export class MeDto extends AccountDto {
  @ApiProperty({ enum: SITE_ROLES, nullable: true, description: 'null for people without a site-wide role.' })
  siteRole: SiteRole | null;

  @ApiProperty({ description: 'Whether the address is confirmed (the link mailed at sign-up). Until it is, enrolling, posting and subscribing answer 403; POST /api/v1/auth/verification-link mails a new link.' })
  emailVerified: boolean;
}

export class VerificationLinkDto {
  @ApiProperty({ description: 'True when a new link was mailed (older ones stop working); false when the address is already confirmed and nothing was sent.' })
  sent: boolean;
}

export class AgencyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Verohallinto' })
  name: string;
}
