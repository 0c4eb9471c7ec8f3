// What a service says when it refuses, as domain errors with a code, never HTTP exceptions:
// NotFound (the thing is not there, or the person may not know it is), NotAllowed (the person may
// not do this), FieldErrors names the fields at fault, Refused says why the thing cannot be done as
// things stand ("3 people are confirmed"). They carry i18n keys, never sentences: the one filter
// (web/http-exception.filter.ts) maps each to its status (404, 403, 400, 409) and shows it in the
// reader's language on a page, in English in the API. A key may carry values for its placeholders:
// `withValues(key, { confirmed })`.

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

/**
 * A service's refusal; `code` says which. `status` is the HTTP status the one filter answers it
 * with, kept here so each refusal states it once (and tests can ask a service's refusal for it).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: 400 | 403 | 404 | 409 | 413;
}

/** Nothing there by that id, or nothing the person may know is there: 404. */
export class NotFound extends DomainError {
  readonly code = 'notFound';
  readonly status = 404;
  constructor() {
    super('Not Found');
  }
}

/** The person may not do this: 403, saying why when `reason` (a message key) is given. */
export class NotAllowed extends DomainError {
  readonly code: string;
  readonly status = 403;
  constructor(readonly reason?: string) {
    super(reason ?? 'Forbidden');
    this.code = reason ?? 'notAllowed';
  }
}

/** The fields at fault, each with its message key: 400. */
export class FieldErrors extends DomainError {
  readonly code = 'fields';
  readonly status = 400;
  constructor(readonly fields: Record<string, string>) {
    super('Bad Request');
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

/** A refusal told as one message: `reason` a message key (maybe withValues), `code` its key. */
abstract class ReasonedError extends DomainError {
  readonly code: string;
  constructor(readonly reason: string) {
    super(reason);
    this.code = messageParts(reason).key;
  }
}

/** Cannot be done as things stand: 409. */
export class Refused extends ReasonedError {
  readonly status = 409;
}

/** Too big to take (a file past the size limit): 413, `reason` naming the limit (withValues). */
export class TooLarge extends ReasonedError {
  readonly status = 413;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** An id from a path that cannot name anything (not a UUID) is answered like an unknown one: 404. */
export function checkedId(id: string): string {
  if (!isUuid(id)) throw new NotFound();
  return id;
}
