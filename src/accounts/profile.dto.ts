// What the password reset and profile forms accept. Messages are i18n keys (web/forms.ts translates).
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { LANGUAGES, Language } from '../i18n/i18n';
import { DIGEST_RHYTHMS, DigestRhythm } from '../identity/user.entity';
import { PASSWORD_MAX_LENGTH } from '../identity/password-policy';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export class ForgotPasswordDto {
  @Transform(trim)
  @IsString({ message: 'form.email.invalid' })
  @MaxLength(254, { message: 'form.email.tooLong' })
  @IsEmail({}, { message: 'form.email.invalid' })
  email: string;
}

export class ResetPasswordDto {
  /** 32 random bytes in base64url are 43 characters; anything far off is not one of ours. */
  @IsString({ message: 'reset.invalid.body' })
  @Length(20, 200, { message: 'reset.invalid.body' })
  token: string;

  @IsString({ message: 'accounts.password.tooShort' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: 'accounts.password.tooLong' })
  password: string;
}

export class ProfileDto {
  @Transform(trim)
  @IsString({ message: 'form.displayName.required' })
  @Length(1, 200, { message: 'form.displayName.length' })
  displayName: string;

  /** Empty means "no agency / other". */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'accounts.agency.unknown' })
  agencyId?: string;

  @IsIn(LANGUAGES, { message: 'form.language.unknown' })
  language: Language;

  /** The checkbox "hide my name from other participants": sent when ticked, absent when not. */
  @IsOptional()
  @IsIn(['1'], { message: 'form.unknownField' })
  hideName?: '1';
}

/** The digest's hour (Helsinki) and rhythm; an empty hour is the site's default hour. */
export class DigestDto {
  @Transform(trim)
  @IsString({ message: 'profile.digest.badHour' })
  @Matches(/^(|[01]?[0-9]|2[0-3])$/, { message: 'profile.digest.badHour' })
  hour: string;

  @IsIn(DIGEST_RHYTHMS, { message: 'profile.digest.badRhythm' })
  rhythm: DigestRhythm;
}

export class ChangePasswordDto {
  @IsString({ message: 'accounts.password.required' })
  @Length(1, PASSWORD_MAX_LENGTH, { message: 'accounts.password.required' })
  currentPassword: string;

  @IsString({ message: 'accounts.password.tooShort' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: 'accounts.password.tooLong' })
  newPassword: string;
}
