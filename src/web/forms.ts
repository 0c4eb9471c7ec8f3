// Form and API body validation with class-validator DTOs, one rule for both: unknown fields, wrong
// types and bad values are refused with a message per field (an i18n key, translated for the page
// or, on the API, into the request's language). Web forms show the page again with the messages
// next to the fields and the input kept; the API answers 400 with `fields`.
import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { FieldErrors, messageParts } from '../errors/domain-errors';
import { Language, translate } from '../i18n/i18n';

export type FieldMessages = Record<string, string>;

const VALIDATION = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/** One message per field: the first failed constraint's message (our messages are i18n keys). */
export function fieldMessages(errors: ValidationError[], prefix = ''): FieldMessages {
  const fields: FieldMessages = {};
  for (const error of errors) {
    const name = `${prefix}${error.property}`;
    if (error.constraints) {
      const [first] = Object.entries(error.constraints);
      fields[name] = first[0] === 'whitelistValidation' ? 'form.unknownField' : first[1];
    }
    Object.assign(fields, fieldMessages(error.children ?? [], `${name}.`));
  }
  return fields;
}

/** Field messages in a language; a message may carry values (errors/domain-errors.ts withValues). */
export function translateFields(fields: FieldMessages, lang: Language): FieldMessages {
  return Object.fromEntries(Object.entries(fields).map(([field, message]) => [field, translateMessage(lang, message)]));
}

export function translateMessage(lang: Language, message: string): string {
  const { key, values } = messageParts(message);
  return translate(lang, key, values);
}

/** A form field's text as it was typed; '' when it is missing or not text (a repeated field, a file). */
export function fieldText(body: unknown, field: string): string {
  const value = (body && typeof body === 'object' ? (body as Record<string, unknown>) : {})[field];
  return typeof value === 'string' ? value : '';
}

/** Validates a form post (without its CSRF field) against a DTO: the typed value, or the messages. */
export async function validateForm<T extends object>(
  dto: new () => T,
  body: unknown,
): Promise<{ value: T; errors: null } | { value: null; errors: FieldMessages }> {
  const { _csrf: _ignored, ...fields } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const value = plainToInstance(dto, fields);
  const errors = await validate(value, VALIDATION);
  return errors.length ? { value: null, errors: fieldMessages(errors) } : { value, errors: null };
}

/** The ValidationPipe's answer for a refused API body: 400 with a message per field, in English. */
export function apiValidationError(errors: ValidationError[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', fields: translateFields(fieldMessages(errors), 'en') });
}

/** Runs each field's check (the service's own rule), so a form shows every message at once; the service checks again. */
export function fieldChecks(checks: (() => unknown)[]): FieldMessages | null {
  const fields: FieldMessages = {};
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof FieldErrors)) throw error;
      Object.assign(fields, error.fields);
    }
  }
  return Object.keys(fields).length ? fields : null;
}
