// Where all input enters: every request's form or JSON body, query string, path parameters and
// cookies pass one set of text rules before any controller, DTO or SQL sees them, so no route can
// forget one. Refused with 400 and a message naming the field (FieldErrors, rendered by the one
// exception filter as a page or JSON):
// - U+0000 (PostgreSQL text cannot hold it), lone surrogates and invalid UTF-8, anywhere;
// - other control characters; in single-line fields (everything but the few multi-line texts
//   below) also CR, LF and the other line breaks, and the bidi override and isolate controls that
//   let a display name or title read backwards;
// - a form field or query parameter sent twice (no form of ours repeats a name);
// - JSON nested deeper than MAX_JSON_DEPTH, refused from the raw text before it is parsed, so
//   class-transformer never recurses through it.
// Text made only of whitespace and invisible format characters is blank: it arrives as "", so every
// required-field rule (and every trim check behind it) treats it as empty.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { FieldErrors, withValues } from '../errors/domain-errors';

export const MAX_JSON_DEPTH = 32;

/**
 * Multi-line texts, by field name (a nested field counts by any part of its path: `description.fi`,
 * `sessions.2.agenda`, `descriptionSv`): the text areas of the forms and their API twins. A test
 * keeps this list and the forms' text areas in step.
 */
const MULTI_LINE_FIELD = /^(body|agenda|description|summary|facilitatorEmails|domains|intro|prompt|options|note)([A-Z][a-z])?$/;
/** A feedback survey's answer to a question, named by the question's id (feedback/answers.service.ts answerField): a long text answer spans lines. */
const SURVEY_ANSWER_FIELD = /^q-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const NUL = /\u0000/;
const LONE_SURROGATE = /\p{Cs}/u;
/** C0 controls but tab, CR and LF; DEL; C1 controls. */
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LINE_BREAK = /[\r\n\u2028\u2029]/;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
/** Whitespace, format characters (zero-width space, direction marks, BOM, soft hyphen …) and the blank-looking fillers. */
const INVISIBLE_ONLY = /^[\s\p{Cf}\u115f\u1160\u3164\uffa0\u2800]+$/u;

export function isMultiLineField(path: string): boolean {
  return path.split('.').some((part) => MULTI_LINE_FIELD.test(part) || SURVEY_ANSWER_FIELD.test(part));
}

/** Blank after removing whitespace and invisible format characters. */
export function isBlankText(value: string): boolean {
  return value === '' || INVISIBLE_ONLY.test(value);
}

/** A 400 naming the field; `statusCode` too, for the few routes outside Nest (the queue board) whose error handler reads only that. */
const refusal = (field: string, key: string, values: Record<string, string | number> = { field }) => Object.assign(new FieldErrors({ [field]: withValues(key, values) }), { statusCode: 400 });

/** The message key for a text that breaks a rule, or null when it is fine. */
export function textFault(value: string, singleLine: boolean): string | null {
  if (NUL.test(value)) return 'input.nul';
  if (LONE_SURROGATE.test(value)) return 'input.notText';
  if (CONTROL.test(value)) return 'input.control';
  if (singleLine && LINE_BREAK.test(value)) return 'input.singleLine';
  if (singleLine && BIDI_CONTROL.test(value)) return 'input.bidi';
  return null;
}

/**
 * Checks every string (and key) of a parsed value, in place: blank-looking strings become "".
 * Iterative, so a deep value cannot overflow the stack here either.
 */
function checkValue(root: Record<string, unknown>, prefix: string, singleLineOnly: boolean): void {
  const stack: [Record<string, unknown>, string][] = [[root, prefix]];
  while (stack.length) {
    const [container, path] = stack.pop()!;
    for (const key of Object.keys(container)) {
      const field = path ? `${path}.${key}` : key;
      const keyFault = textFault(key, true);
      if (keyFault) throw refusal(path || 'body', keyFault);
      const value = container[key];
      if (typeof value === 'string') {
        const fault = textFault(value, singleLineOnly || !isMultiLineField(field));
        if (fault) throw refusal(field, fault);
        if (value !== '' && isBlankText(value)) container[key] = '';
      } else if (value !== null && typeof value === 'object') {
        stack.push([value as Record<string, unknown>, field]);
      }
    }
  }
}

/** How deep a JSON text nests, read from the raw text (strings skipped) without parsing it. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/**
 * A form body or query string as pairs, decoded strictly: a percent-escape that is not UTF-8 is
 * refused (a lenient decoder would store U+FFFD), and so is a name given twice.
 */
export function parseFormText(text: string, what: 'body' | 'query'): Record<string, string> {
  const fields: Record<string, string> = Object.create(null);
  if (text === '') return fields;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      throw refusal(what, 'input.notText');
    }
    let value: string;
    try {
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw refusal(name, 'input.notText');
    }
    if (Object.prototype.hasOwnProperty.call(fields, name)) throw refusal(name, 'input.duplicate');
    fields[name] = value;
  }
  return fields;
}

function parseJsonBody(fastify: FastifyInstance) {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    if (!isUtf8(body)) return done(refusal('body', 'input.notText'));
    const text = body.toString('utf8');
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return done(refusal('body', 'input.tooDeep', { max: MAX_JSON_DEPTH }));
    parse(request, text, done);
  };
}

function parseFormBody(_request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) {
  if (!isUtf8(body)) return done(refusal('body', 'input.notText'));
  try {
    done(null, parseFormText(body.toString('utf8'), 'body'));
  } catch (error) {
    done(error as Error);
  }
}

/** Runs before validation on every route: query, path parameters, cookies and the parsed body. */
async function checkRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const at = request.url.indexOf('?');
  // The parsed query is lenient (bad escapes pass through, repeats become arrays): read the raw one.
  const query = at < 0 ? Object.create(null) : parseFormText(request.url.slice(at + 1).split('#')[0], 'query');
  checkValue(query, '', true);
  request.query = query;
  if (request.params && typeof request.params === 'object') checkValue(request.params as Record<string, unknown>, '', true);
  for (const [name, value] of Object.entries(request.cookies ?? {})) {
    if (typeof value === 'string' && textFault(value, true)) {
      // A broken cookie would refuse every page until it expires: this answer also clears it.
      reply.clearCookie(name, { path: '/' });
      throw refusal(name, textFault(value, true)!);
    }
  }
  if (request.body && typeof request.body === 'object') checkValue(request.body as Record<string, unknown>, '', false);
}

/** Body parsers with the rules above, and the check of everything else; before the app's routes are built. */
export function registerInputGuard(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { bodyLimit } = fastify.initialConfig;
  app.useBodyParser('application/json', { bodyLimit }, parseJsonBody(fastify));
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit }, parseFormBody);
  fastify.addHook('preValidation', checkRequest);
}
