// The field rules the admin forms share (programmes, rounds, sessions, network events), and the
// check of forms that have no fields. Messages are i18n keys. Dates and times arrive as HTML date
// and time inputs send them ("2027-03-16", "09:00") and are read as Helsinki wall-clock time; here
// they are only checked to be real dates and times.
//
// applyDecorators runs its list in order, as stacked decorators run bottom-up: each list below is the
// stacked order reversed, so the first failed rule reported stays the type check.
import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength, ValidateBy, ValidateIf } from 'class-validator';
import { parseHelsinki } from '../i18n/helsinki-time';
import { FieldMessages } from './forms';

export const filled = (value: unknown) => typeof value === 'string' && value.trim() !== '';

/** A real calendar date as a date input sends it (31.2. is none). */
export const IsDateInput = (message: string) =>
  ValidateBy({ name: 'isDateInput', validator: { validate: (value) => typeof value === 'string' && parseHelsinki(value, '12:00') !== null } }, { message });

/** A time of day as a time input sends it ("09:00"; "9.00" is read too). */
export const IsTimeInput = (message: string) =>
  ValidateBy({ name: 'isTimeInput', validator: { validate: (value) => typeof value === 'string' && parseHelsinki('2027-01-04', value) !== null } }, { message });

/** A date a form must fill in. */
export const RequiredDate = (required: string) => applyDecorators(IsString({ message: required }), IsNotEmpty({ message: required }), IsDateInput('admin.date.invalid'));

/** A time of day a form must fill in. */
export const RequiredTime = (required: string) => applyDecorators(IsString({ message: required }), IsNotEmpty({ message: required }), IsTimeInput('admin.time.invalid'));

/** A text a form must fill in, at most `max` characters. */
export const RequiredText = (max: number, tooLong: string, required: string) =>
  applyDecorators(IsString({ message: required }), IsNotEmpty({ message: required }), MaxLength(max, { message: tooLong }));

/** A text a form may leave blank, at most `max` characters. */
export const OptionalText = (max: number, tooLong: string) => applyDecorators(IsString({ message: 'admin.form.text' }), MaxLength(max, { message: tooLong }), IsOptional());

/** An online meeting link a form may leave blank: https only, so no link leaks a meeting in the clear. */
export const OptionalMeetingLink = (max: number) =>
  applyDecorators(
    IsString({ message: 'admin.form.text' }),
    MaxLength(max, { message: 'admin.meetingLink.tooLong' }),
    IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'admin.meetingLink.https' }),
    ValidateIf((_form, value) => filled(value)),
    IsOptional(),
  );

/**
 * Forms that carry nothing but their CSRF token (deactivate, reactivate): any other field is
 * refused like an unknown field of a DTO (class-validator cannot validate a class without rules).
 */
export function unknownFields(body: unknown): FieldMessages | null {
  const names = Object.keys(body && typeof body === 'object' ? body : {}).filter((name) => name !== '_csrf');
  return names.length ? Object.fromEntries(names.map((name) => [name, 'form.unknownField'])) : null;
}
