// What a service says when it refuses: FieldErrors (400) names the fields at fault, Refused (409)
// says why the thing cannot be done as things stand ("3 people are confirmed"). Both carry i18n
// keys, never sentences: the web shows them in the reader's language, the API in English
// (HttpExceptionFilter). A key may carry values for its placeholders: `withValues(key, { confirmed })`.
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';

/** A message key with values for its {placeholders}, as one string: "key?confirmed=3". */
export function withValues(key: string, values: Record<string, string | number>): string {
  return `${key}?${new URLSearchParams(Object.entries(values).map(([name, value]): [string, string] => [name, String(value)])).toString()}`;
}

/** The key and values of a message written by withValues (or a bare key). */
export function messageParts(message: string): { key: string; values: Record<string, string> } {
  const at = message.indexOf('?');
  if (at < 0) return { key: message, values: {} };
  return { key: message.slice(0, at), values: Object.fromEntries(new URLSearchParams(message.slice(at + 1))) };
}

export class FieldErrors extends BadRequestException {
  constructor(readonly fields: Record<string, string>) {
    super({ statusCode: 400, error: 'Bad Request', fields });
  }
}

/**
 * A constraint PostgreSQL refused a write with, as the field message a person can act on, when
 * `fields` names it ({ constraint: [field, message key] }); any other error as it was.
 */
export function constraintRefusal(error: unknown, fields: Record<string, [string, string]>): unknown {
  const field = fields[(error as { constraint?: string }).constraint ?? ''];
  return field ? new FieldErrors({ [field[0]]: field[1] }) : error;
}

export class Refused extends ConflictException {
  constructor(readonly reason: string) {
    super({ statusCode: 409, error: 'Conflict', code: messageParts(reason).key });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** An id from a path that cannot name anything (not a UUID) is answered like an unknown one: 404. */
export function checkedId(id: string): string {
  if (!isUuid(id)) throw new NotFoundException();
  return id;
}
