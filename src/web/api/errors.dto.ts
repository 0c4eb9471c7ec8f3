// How every part of the JSON API refuses: the error bodies, and the refusals a route documents
// (Swagger). The bodies themselves are written by the one exception filter (web/http-exception.filter.ts).
import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiProperty, ApiPropertyOptional, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** How the API refuses: `message` says why, `fields` (on 400) says what to fix in which field. */
export class ApiErrorDto {
  @ApiProperty({ example: 401 })
  statusCode: number;

  @ApiPropertyOptional({ example: 'The email address or password is not right.' })
  message?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { password: 'This password is too common. Choose another one.' } })
  fields?: Record<string, string>;
}

/** A 409: the request is valid but cannot be done as things stand; `code` says why for programs. */
export class ApiConflictDto extends ApiErrorDto {
  @ApiProperty({ example: 'cohort.publish.programmeNotPublished', description: 'Stable reason code, for programs to act on.' })
  code: string;
}

/** The refusals every admin write documents: a bad body, no token, not an admin. */
export function ApiAdminWriteErrors() {
  return applyDecorators(
    ApiBearerAuth(),
    ApiBadRequestResponse({ type: ApiErrorDto, description: 'Refused, nothing stored: `fields` says what to fix in which field (or `message`, for a change that names no field).' }),
    ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'No valid token.' }),
    ApiForbiddenResponse({ type: ApiErrorDto, description: 'The token’s owner is not an admin.' }),
  );
}

/** The refusal of a list's query: a parameter out of range, or a cursor this API did not give. */
export function ApiBadRequestQuery() {
  return ApiBadRequestResponse({ type: ApiErrorDto, description: 'A query parameter is not valid: `fields` says which and why.' });
}
