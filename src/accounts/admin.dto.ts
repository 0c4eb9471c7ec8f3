// What the admin user and agency pages accept. Messages are i18n keys (web/forms.ts translates).
import { Transform, Type } from 'class-transformer';
import { Equals, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { USER_STATUSES, UserStatus } from '../identity/user.entity';
import { EMAIL_DOMAINS_INPUT_MAX } from '../identity/email-domains';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** An empty filter field means "any". */
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
const trimToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

export const USER_SORTS = ['newest', 'name'] as const;
export type UserSort = (typeof USER_SORTS)[number];
/** The site role as the form says it: "none" stands for no role (NULL). */
export const ROLE_CHOICES = ['admin', 'none'] as const;
export type RoleChoice = (typeof ROLE_CHOICES)[number];

/** The filters of the user list (query string). */
export class UserListQueryDto {
  // class-validator reports the last-listed failed rule first: the type check goes last.
  @Transform(trimToUndefined)
  @IsOptional()
  @MaxLength(200, { message: 'admin.users.search.tooLong' })
  @IsString({ message: 'admin.users.search.invalid' })
  q?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(USER_STATUSES, { message: 'admin.users.status.unknown' })
  status?: UserStatus;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(USER_SORTS, { message: 'admin.users.sort.unknown' })
  sort?: UserSort;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'admin.users.page.invalid' })
  @Min(1, { message: 'admin.users.page.invalid' })
  @Max(10_000, { message: 'admin.users.page.invalid' })
  page?: number;
}

export class RoleFormDto {
  @IsIn(ROLE_CHOICES, { message: 'admin.role.unknown' })
  role: RoleChoice;
}

export class EraseFormDto {
  // A checkbox sends "yes" only when ticked; erasure cannot be undone, so it must be.
  @Equals('yes', { message: 'admin.erase.confirmRequired' })
  confirm: string;
}

export class AgencyNameDto {
  @Transform(trim)
  @Length(1, 200, { message: 'admin.agency.nameLength' })
  @IsString({ message: 'admin.agency.nameRequired' })
  name: string;
}

export class AgencyMergeDto {
  @IsString({ message: 'admin.agency.chooseTarget' })
  @IsUUID('all', { message: 'admin.agency.chooseTarget' })
  into: string;
}

/** An agency's email domains as typed: the list's own rules are the service's (identity/email-domains.ts). */
export class AgencyDomainsDto {
  @MaxLength(EMAIL_DOMAINS_INPUT_MAX, { message: 'agencyDomains.tooLong' })
  @IsString({ message: 'agencyDomains.tooLong' })
  domains: string;
}
