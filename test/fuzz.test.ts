// Property-based fuzzing of every route: each route of the app's route table (plus the few served
// outside Nest), called as an anonymous visitor, a participant, a facilitator of the fixture round
// and an admin, with hostile values in its body fields, query parameters and path segments: NUL
// bytes, lone surrogates, CR/LF, bidi controls, invisible-only text, 100,000-character strings, JSON
// nested 10,000 deep, fields sent twice, numbers past int4, impossible dates, forged cursors, invalid
// UTF-8 (percent-encoded and raw), __proto__ keys, arrays and objects where text is expected.
//
// Two properties, for every request: (1) the answer is not 5xx; (2) an answer that refuses (4xx)
// changed no row, compared by a fingerprint of every table (count and a hash of the rows) taken
// before and after. The app runs with APP_ROLE=web, so no worker changes rows meanwhile; the session
// store and a token's "last used" are left out, as every request may write them.
//
// Field names come from the DTOs: the class a handler declares for @Body/@Query (class-validator's
// metadata lists its properties), the DTOs a web handler validates its body with (named in its
// source), the names it reads (@Query('next')), and a pool of every DTO property in the app.
//
// Seeded: FUZZ_SEED (printed) reproduces a run, FUZZ_RUNS sets the requests per route and actor;
// FUZZ_REPORT=<file> also writes every failure there as JSON. Each route is one test, which lists
// all its failures (grouped by cause, with the request, the answer and the error the app logged).
import { CONTROLLER_WATERMARK, PARAMTYPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import pino, { Logger } from 'pino';
import { declaredRoutes } from '../src/access/route-table';
import { CalendarFeedService } from '../src/calendar/calendar-feed.service';
import { EnrolmentService } from '../src/enrolment/enrolment.service';
import { ForumSubscriptions } from '../src/forums/forum-subscriptions.service';
import { THREAD_SWITCH_NAMES } from '../src/forums/moderation.service';
import { AgencyService } from '../src/identity/agency.service';
import { ApiTokensService } from '../src/identity/api-tokens.service';
import { LOGGER } from '../src/logging/logger';
import { actorOf, createUser, signIn, TEST_PASSWORD, WebClient } from './support/accounts';
import { buildRouteFixtures, RouteFixtures } from './support/route-fixtures';
import { startTestApp, TestApp } from './support/test-app';

const SEED = Number(process.env.FUZZ_SEED ?? 20270316);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
/** A request without an answer by then hangs (and is reported so). */
const TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 5000);
/** Sessions signed in ahead for each person, for when a request ends one (sign-out): signing in again may meet the sign-in limits the fuzzing used up. */
const SPARE_SESSIONS = 3;
const ACTORS = ['anonymous', 'participant', 'facilitator', 'admin'] as const;
type ActorName = (typeof ACTORS)[number];

// ---------------------------------------------------------------------------------------------
// The routes, read before the app starts (it.each needs them): every controller under src/, through
// the app's own declaredRoutes. The first test checks the running app declares exactly these.

type Constructor = new (...args: never[]) => unknown;

function controllerClasses(): Constructor[] {
  const root = join(__dirname, '..', 'src');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((file) => file.endsWith('.controller.ts'));
  const classes = files.flatMap((file) => Object.values(require(join(root, file)) as Record<string, unknown>));
  return classes.filter((value): value is Constructor => typeof value === 'function' && Reflect.getMetadata(CONTROLLER_WATERMARK, value) === true);
}

const CONTROLLERS = controllerClasses();
const controllerDiscovery = { getControllers: () => CONTROLLERS.map((metatype) => ({ metatype })) } as unknown as DiscoveryService;
const NEST_ROUTES = declaredRoutes(controllerDiscovery, new MetadataScanner(), new Reflector());
/** Served outside Nest's controllers, as the access matrix lists them. */
const OUTSIDE_NEST = ['GET /admin/queues', 'GET /api/docs/openapi.json', 'GET /static/verso.css'];
const ROUTE_KEYS = [...new Set(NEST_ROUTES.map((route) => `${route.method} ${route.path}`)), ...OUTSIDE_NEST];

// ---------------------------------------------------------------------------------------------
// What a route takes: the DTOs its handler declares or validates with, and the names it reads.

type DtoShape = Map<string, ValidationMetadata[]>;

const storage = getMetadataStorage();
/** Every class class-validator knows of, but the process configuration's. */
const DTO_CLASSES = [...((storage as unknown as { validationMetadatas: Map<unknown, unknown> }).validationMetadatas.keys() as Iterable<unknown>)].filter(
  (target): target is Constructor => typeof target === 'function' && target.name !== 'Environment',
);

function dtoShape(dto: Constructor): DtoShape {
  const shape: DtoShape = new Map();
  for (const rule of storage.getTargetValidationMetadatas(dto, '', true, false)) {
    if (!shape.has(rule.propertyName)) shape.set(rule.propertyName, []);
    shape.get(rule.propertyName)!.push(rule);
  }
  return shape;
}

const SHAPES = new Map(DTO_CLASSES.map((dto) => [dto, dtoShape(dto)]));
const POOL = [...new Set([...[...SHAPES.values()].flatMap((shape) => [...shape.keys()]), 'next', 'cursor', 'after', 'before', 'q', 'done', 'lang', 'from', 'replyTo', 'term', 'token', 'merge', 'saved'])].sort();
/** Every value an @IsIn of the app allows: values that look right to the code that reads them. */
const ALLOWED_VALUES = [...new Set([...SHAPES.values()].flatMap((shape) => [...shape.values()].flat()).filter((rule) => rule.name === 'isIn').flatMap((rule) => rule.constraints[0] as unknown[]).map(String))].sort();

interface RouteInputs {
  method: string;
  path: string;
  params: string[];
  api: boolean;
  bodyDtos: DtoShape[];
  queryDtos: DtoShape[];
  /** Names the handler reads: named @Query/@Body arguments and the string literals of its source. */
  bodyNames: string[];
  queryNames: string[];
  /** Names the handler's controller reads elsewhere (its private helpers): less likely this route's. */
  nearbyNames: string[];
}

function routeInputs(key: string): RouteInputs {
  const [method, path] = key.split(' ');
  const params = [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]);
  const inputs: RouteInputs = { method, path, params, api: path.startsWith('/api/v1/'), bodyDtos: [], queryDtos: [], bodyNames: [], queryNames: [], nearbyNames: [] };
  const route = NEST_ROUTES.find((r) => r.method === method && r.path === path);
  if (!route) return inputs;
  const [controllerName, handlerName] = route.owner.split('.');
  const controller = CONTROLLERS.find((c) => c.name === controllerName)!;
  const handler = (controller.prototype as Record<string, (...args: unknown[]) => unknown>)[handlerName];
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) ?? {}) as Record<string, { index: number; data?: unknown }>;
  const types = (Reflect.getMetadata(PARAMTYPES_METADATA, controller.prototype, handlerName) ?? []) as unknown[];
  for (const [argKey, { index, data }] of Object.entries(args)) {
    const kind = Number(argKey.split(':')[0]);
    if (kind !== RouteParamtypes.BODY && kind !== RouteParamtypes.QUERY) continue;
    const names = kind === RouteParamtypes.BODY ? inputs.bodyNames : inputs.queryNames;
    const dtos = kind === RouteParamtypes.BODY ? inputs.bodyDtos : inputs.queryDtos;
    if (typeof data === 'string') names.push(data);
    else if (SHAPES.has(types[index] as Constructor)) dtos.push(SHAPES.get(types[index] as Constructor)!);
  }
  // Web handlers take `body: unknown` and call validateForm(SomeDto, body): the DTOs their source names.
  const source = handler.toString();
  const named = DTO_CLASSES.filter((dto) => new RegExp(`\\b${dto.name}\\b`).test(source)).map((dto) => SHAPES.get(dto)!);
  (method === 'GET' ? inputs.queryDtos : inputs.bodyDtos).push(...named.filter((shape) => !(method === 'GET' ? inputs.queryDtos : inputs.bodyDtos).includes(shape)));
  // Quoted names (text(query, 'cursor')) and fields read off the input (query.before, raw.next).
  const literals = (text: string) => [...text.matchAll(/['"`]([A-Za-z][A-Za-z0-9]{0,30})['"`]|\b(?:query|body|raw|fields)\??\.([A-Za-z][A-Za-z0-9]*)/g)].map((match) => match[1] ?? match[2]);
  // With the helpers the handler calls on its controller (this.listPage(query, lang)), which read the names too.
  const helpers = [...source.matchAll(/this\.([A-Za-z]+)\(/g)].map((match) => (controller.prototype as Record<string, unknown>)[match[1]]).filter((helper): helper is () => unknown => typeof helper === 'function');
  (method === 'GET' ? inputs.queryNames : inputs.bodyNames).push(...literals(source), ...helpers.flatMap((helper) => literals(helper.toString())));
  inputs.bodyNames = [...new Set(inputs.bodyNames)];
  inputs.queryNames = [...new Set(inputs.queryNames)];
  inputs.nearbyNames = [...new Set(literals(controller.toString()))].filter((name) => !inputs.bodyNames.includes(name) && !inputs.queryNames.includes(name));
  return inputs;
}

// ---------------------------------------------------------------------------------------------
// Hostile values. A Piece is sent as text (percent-encoded in URLs and forms, JSON-encoded in JSON
// bodies) or raw (exactly as given: percent escapes, or JSON text).

type Piece = { text: string } | { raw: string };

const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const CONTROLS = ['\u0000', '\ud800', '\udc00', '\udbff\udbff', '\r', '\n', '\r\n', '\t', '\u0007', ...BIDI];
const INVISIBLE = ['\u200b', '\u200e', '\u200f', '\ufeff', '\u00ad', ' '];
const LONG = ['a'.repeat(100_000), 'ä'.repeat(100_000), ' '.repeat(100_000), '\u200b'.repeat(100_000), 'Verkosto '.repeat(11_112), '\u0000'.repeat(100_000)];
const NUMBERS = ['2147483648', '-2147483649', '1e309', '-1e309', '1.5', '-0', 'NaN', 'Infinity', '9007199254740993', '0x10', '1e-400', '-1', '0', ' 1 ', '１'];
const DATES = [
  '2027-02-30', '0000-01-01', '2027-13-01', '9999-12-31T99:00', '2027-02-30T10:00', '2027-03-16T24:00', '2027-03-16T09:60', '0000-01-01T00:00', '9999-12-31',
  '+275760-09-13', '-000001-01-01', '2027-3-6', '16.3.2027', '2027-03-16T09:00:00.000Z', '2027-03-16T09:00:00+25:00', '24:00', '99:99', '9.00', '-1:00', '2027-spring', '2027-winter', '0000-spring',
];
const PERCENT = ['%C3%28', '%FF', '%FE%FF', '%', '%2', '%zz', '%ED%A0%80', '%ED%B0%80', '%00', '%E2%80%AE', '%F0%9F', '%C0%AF', '%C0%80', '%F4%90%80%80', '%0D%0A'];
const DEEP_ARRAY = '['.repeat(10_000) + ']'.repeat(10_000);
const deepObject = (key: string) => `{${JSON.stringify(key)}:`.repeat(10_000) + '1' + '}'.repeat(10_000);
const VALID_WORDS = ['Verkosto', 'Aino Äijälä', 'Kevät 2027', 'fi', 'sv', 'en', 'auto', 'yes', 'no', 'true', 'on', '1', '20', '2027-03-16', '2027-03-16T09:00', '09:00', 'https://example.fi/kokous', '/profile', 'aino.fuzz@example.fi'];

const base64url = (text: string) => Buffer.from(text).toString('base64url');

function utf8(codePoint: number): number[] {
  if (codePoint < 0x80) return [codePoint];
  if (codePoint < 0x800) return [0xc0 | (codePoint >> 6), 0x80 | (codePoint & 63)];
  // Lone surrogates too, as WTF-8 writes them (ED A0 80): bytes no UTF-8 decoder accepts.
  if (codePoint < 0x10000) return [0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 63), 0x80 | (codePoint & 63)];
  return [0xf0 | (codePoint >> 18), 0x80 | ((codePoint >> 12) & 63), 0x80 | ((codePoint >> 6) & 63), 0x80 | (codePoint & 63)];
}

const encoded = new Map<string, string>();

/** encodeURIComponent, but for every string: a lone surrogate becomes its WTF-8 bytes. */
function percentEncode(text: string): string {
  if (text.length > 1000) {
    if (!encoded.has(text)) encoded.set(text, encodeEach(text));
    return encoded.get(text)!;
  }
  return encodeEach(text);
}

function encodeEach(text: string): string {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/[A-Za-z0-9\-_.~]/.test(ch)) {
      out.push(ch);
      continue;
    }
    let codePoint = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (codePoint >= 0xd800 && codePoint <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (next - 0xdc00);
      i++;
    }
    for (const byte of utf8(codePoint)) out.push(`%${byte.toString(16).toUpperCase().padStart(2, '0')}`);
  }
  return out.join('');
}

const formPiece = (piece: Piece) => ('raw' in piece ? piece.raw : percentEncode(piece.text));
const jsonPiece = (piece: Piece) => ('raw' in piece ? piece.raw : JSON.stringify(piece.text));

/** The ids and tokens of the fixtures, and the values made from them. */
interface FuzzFixtures extends RouteFixtures {
  personEmail: string;
  feedFile: string;
  unsubscribeToken: string;
}

/** The arbitraries, made once the fixtures exist (forged cursors name their ids). */
function valueArbitraries(f: FuzzFixtures) {
  const uuids = [f.programmeId, f.cohortId, f.sessionId, f.spareSessionId, f.personId, f.agencyId, f.outboxMessageId, f.networkEventId, f.channelId, f.threadId, f.postId, f.cohortChannelId];
  const insertAt = (text: string, inserted: string, at: number) => text.slice(0, at % (text.length + 1)) + inserted + text.slice(at % (text.length + 1));
  const validLooking = fc.oneof(fc.constantFrom(...VALID_WORDS, ...ALLOWED_VALUES, ...uuids, f.personEmail, f.programmeSlug), fc.uuid(), fc.string({ maxLength: 12 }));
  /** NUL most often: it is what PostgreSQL refuses in text. */
  const control = fc.oneof({ weight: 4, arbitrary: fc.constant('\u0000') }, { weight: 2, arbitrary: fc.constantFrom('\ud800', '\udc00', '\udbff\udbff') }, { weight: 2, arbitrary: fc.constantFrom(...CONTROLS) });
  /** A value with a control character somewhere in it. */
  const spoiled = (valid: fc.Arbitrary<string>) => fc.tuple(valid, control, fc.nat()).map(([text, c, at]) => insertAt(text, c, at));

  // Forged cursors: sort keys of the shapes lists use (a number or an instant, then an id or a
  // text), each part of the right kind, with the number, instant or text parts at an edge that
  // JavaScript lets through and PostgreSQL does not; and the outbox's "instant|id" form.
  const edgePart = {
    number: fc.constantFrom(1.5, 2147483648, -2147483649, 1e308, 9007199254740993),
    instant: fc.constantFrom('2027-02-30T00:00:00Z', '0000-01-01T00:00:00.000Z', '2027-02-29T00:00:00Z', '2027-04-31T12:00:00.000Z'),
    uuid: fc.constantFrom(...uuids),
    string: fc.constantFrom('x\u0000', '\ud800', 'a'),
  };
  type Part = keyof typeof edgePart;
  const SHAPES_OF_KEYS: Part[][] = [['number', 'uuid'], ['number', 'string'], ['instant', 'uuid'], ['number', 'instant', 'uuid']];
  const sortKey = fc.constantFrom(...SHAPES_OF_KEYS).chain((shape) => fc.tuple(...shape.map((part) => edgePart[part] as fc.Arbitrary<unknown>)));
  const pipeCursor = fc
    .tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom('2027-02-30', '0000-01-01', '-000001-01-01', '2027-04-31T12:00', '2027-02-30T00:00:00Z', '0000-01-01T00:00:00.000Z') }, { weight: 1, arbitrary: fc.constantFrom(...DATES) }), fc.constantFrom(...uuids))
    .map(([at, id]) => `${at}|${id}`);
  const forgedCursor = fc.oneof(
    { weight: 6, arbitrary: sortKey.map((key) => base64url(JSON.stringify(key))) },
    { weight: 2, arbitrary: pipeCursor },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        base64url('[1.5,"a"]'),
        base64url(`[2147483648,"${f.postId}"]`),
        base64url(`["2027-02-30T00:00:00Z","${f.threadId}"]`),
        base64url(`["0000-01-01T00:00:00.000Z","${f.threadId}"]`),
        base64url('not json'),
        base64url('{"__proto__":[]}'),
        base64url('[null,true]'),
        base64url(DEEP_ARRAY),
        'A'.repeat(100_000),
        '!!!not-base64!!!',
        `${'2027-03-16T07:00:00.000Z'}|${f.postId}|x`,
      ),
    },
  );

  const hostileText: fc.Arbitrary<string> = fc.oneof(
    { weight: 2, arbitrary: control },
    { weight: 5, arbitrary: spoiled(validLooking) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...INVISIBLE), { minLength: 1, maxLength: 12 }).map((chars) => chars.join('')) },
    { weight: 1, arbitrary: fc.constantFrom(...LONG) },
    { weight: 1, arbitrary: fc.constantFrom(...NUMBERS) },
    { weight: 1, arbitrary: fc.constantFrom(...DATES) },
    { weight: 1, arbitrary: forgedCursor },
    { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 20 }) },
  );
  /** Hostile text fitting what a field's name says it holds, mixed with any hostile text. */
  const hostileFor = (name: string): fc.Arbitrary<string> => {
    const n = name.toLowerCase();
    const fitting = /before|after/.test(n)
      ? fc.oneof({ weight: 3, arbitrary: pipeCursor }, { weight: 1, arbitrary: forgedCursor })
      : /cursor/.test(n)
        ? forgedCursor
        : /email/.test(n)
          ? spoiled(fc.constantFrom('aino.fuzz@example.fi', f.personEmail))
          : /date|at$|month|term|day|time|from|until|year/.test(n)
            ? fc.constantFrom(...DATES)
            : /ids?$/.test(n)
              ? fc.oneof(spoiled(fc.constantFrom(...uuids)), fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', f.cohortId.toUpperCase()), fc.constantFrom(...NUMBERS))
              : /limit|position|capacity|cap|count|offset|page|days|minutes|amount/.test(n)
                ? fc.constantFrom(...NUMBERS)
                : /^q$|query|search/.test(n)
                  ? spoiled(fc.constantFrom('verkosto', 'keskustelu'))
                  : null;
    return fitting ? fc.oneof({ weight: 4, arbitrary: fitting }, { weight: 1, arbitrary: hostileText }) : hostileText;
  };
  const rawPercent = fc.oneof(
    fc.constantFrom(...PERCENT),
    fc.tuple(validLooking, fc.constantFrom(...PERCENT), fc.nat()).map(([text, escape, at]) => {
      const cut = at % (text.length + 1);
      return percentEncode(text.slice(0, cut)) + escape + percentEncode(text.slice(cut));
    }),
  );
  const rawJson = fc.oneof(
    fc.constantFrom('2147483648', '-2147483649', '1e309', '-1e309', '1.5', '-0', '1e-400', '9007199254740993', 'null', 'true', 'false', '[]', '{}', '[""]', '["a","b"]'),
    fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', DEEP_ARRAY, deepObject('fi'), deepObject('startsAt')),
    hostileText.map((text) => `[${JSON.stringify(text)}]`),
    hostileText.map((text) => `{"fi":${JSON.stringify(text)},"sv":${JSON.stringify(text)},"en":${JSON.stringify(text)}}`),
    hostileText.map((text) => `[{"startsAt":${JSON.stringify(text)},"endsAt":${JSON.stringify(text)}}]`),
  );
  /** A hostile value for a field, as a form or query sends it, or in a JSON body. */
  const hostile = (name: string, json: boolean): fc.Arbitrary<Piece> =>
    fc.oneof({ weight: 4, arbitrary: hostileFor(name).map((text): Piece => ({ text })) }, { weight: 1, arbitrary: (json ? rawJson : rawPercent).map((raw): Piece => ({ raw })) });
  const hostileKey = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', '__proto__[admin]', 'constructor[prototype][admin]', 'a[b][c]', '', ' ', '_csrf'),
    hostileText.filter((text) => text.length < 1000),
  );

  /** A value that passes a property's own rules (or fits its name), so a request gets past validation to the service. */
  function validFor(name: string, rules: ValidationMetadata[], json: boolean): fc.Arbitrary<Piece> {
    const rule = (kind: string) => rules.find((r) => r.name === kind || r.type === kind);
    const text = (arb: fc.Arbitrary<string>) => arb.map((value): Piece => ({ text: value }));
    const raw = (arb: fc.Arbitrary<string>) => arb.map((value): Piece => (json ? { raw: value } : { text: value }));
    const n = name.toLowerCase();
    if (rule('isIn')) return text(fc.constantFrom(...(rule('isIn')!.constraints[0] as unknown[]).map(String)));
    if (rule('equals')) return text(fc.constant(String(rule('equals')!.constraints[0])));
    if (rule('isEmail') || (/email/.test(n) && !rule('isArray'))) return text(fc.constantFrom('aino.fuzz@example.fi', f.personEmail));
    // Strong, but never the actors' own (a password change would end their sessions).
    if (/password/.test(n)) return text(fc.constantFrom('Syksyn-verkostopäivä-2027', 'Talven-valmennus-88'));
    if (rule('isUuid') || rule('isUUID') || /ids?$/.test(n)) return text(fc.constantFrom(...uuids));
    if (rule('isInt') || rule('min') || rule('max')) {
      const min = Number(rule('min')?.constraints[0] ?? 1);
      const max = Number(rule('max')?.constraints[0] ?? min + 10);
      return raw(fc.integer({ min, max: Math.min(max, min + 100) }).map(String));
    }
    if (rule('isBoolean')) return raw(fc.constantFrom('true', 'false'));
    if (rule('isDate') || (json && /at$/.test(n))) return text(fc.constantFrom('2027-03-16T07:00:00.000Z', '2027-04-13T13:00:00.000Z'));
    if (rule('isDateInput') || /date/.test(n)) return text(fc.constantFrom('2027-03-16', '2027-04-13'));
    if (rule('isTimeInput') || /time/.test(n)) return text(fc.constantFrom('09:00', '16:00'));
    if (rule('isUrl') || /link|url/.test(n)) return text(fc.constant('https://example.fi/kokous'));
    if (/slug/.test(n)) return text(fc.constantFrom('ohjelma-fuzz', 'kompleksisuus-2027'));
    if (/^lang|language/.test(n)) return text(fc.constantFrom('fi', 'sv', 'en'));
    if (rule('matches')) {
      try {
        return text(fc.stringMatching(rule('matches')!.constraints[0] as RegExp, { size: 'xsmall' }));
      } catch {
        // A pattern fast-check cannot generate from: plain text, which the rule will likely refuse.
      }
    }
    if (json && rule('isArray')) return raw(fc.constantFrom('[]', '["aino.fuzz@example.fi"]'));
    if (json && (rule('isObject') || rule('nestedValidation'))) return raw(fc.constantFrom('{"fi":"Verkosto","sv":"Nätverk","en":"Network"}', '{}'));
    return text(fc.constantFrom('Verkosto keskustelee.', 'Aino Äijälä', 'Kevät 2027'));
  }

  return { validLooking, hostileText, hostile, spoiled, hostileKey, validFor };
}

type Values = ReturnType<typeof valueArbitraries>;

// ---------------------------------------------------------------------------------------------
// Requests: a plan (what to put where), drawn by fast-check, then rendered for an actor.

type CsrfChoice = 'valid' | 'missing' | 'twice' | 'array' | 'hostile';

interface Plan {
  /** What this request fuzzes, for the report. */
  aim: string;
  params: Record<string, Piece>;
  query: [Piece, Piece][];
  body:
    | { kind: 'form'; fields: [Piece, Piece][]; csrf: CsrfChoice; csrfHostile?: string }
    | { kind: 'json'; fields: [string, Piece][] }
    | { kind: 'raw'; contentType: string; data: string | Buffer; csrf: boolean }
    | null;
}

function fixtureChoices(path: string, param: string, f: FuzzFixtures): string[] {
  const segments = path.split('/');
  const before = segments[segments.indexOf(`:${param}`) - 1];
  switch (before) {
    case 'programmes':
      // A programme's interest list is asked for by id (its page posts it), like the admin pages.
      return path.startsWith('/api/') ? [f.programmeId, f.programmeSlug] : path.startsWith('/admin/') || path.includes('/interest') ? [f.programmeId] : [f.programmeSlug];
    case 'cohorts':
      return [f.cohortId];
    case 'roster':
    case 'users':
      return [f.personId];
    case 'sessions':
      return [f.sessionId, f.spareSessionId];
    case 'events':
      return [f.networkEventId];
    case 'registrations':
      return [f.eventRegistrationId];
    case 'channels':
      return [f.channelId, f.cohortChannelId];
    case 'threads':
      return [f.threadId];
    case 'posts':
      return [f.postId];
    case 'agencies':
      return [f.agencyId];
    case 'outbox':
      return [f.outboxMessageId];
    case 'notifications':
      return [f.outboxMessageId];
    case 'tokens':
      return [f.usersSpareTokenId];
    case 'moderation':
      return THREAD_SWITCH_NAMES;
    case 'feed':
      return [f.feedFile];
    case 'forum':
      return [f.unsubscribeToken];
    case 'approval':
    case 'offer':
      return ['no-such-token'];
    case 'language':
      return ['fi', 'sv', 'en'];
    case 'surveys':
      return [f.surveyId];
    case 'questions':
      return [f.surveyQuestionId];
    case 'files':
      return [f.fileId];
    case 'toolkit':
      return [f.toolkitEntryId];
    case 'links':
      return [f.toolkitLinkId];
    case 'materials':
      return [f.materialId];
    case 'newsletter':
      return path.startsWith('/admin/') ? [f.newsletterEditionId] : [f.sentNewsletterEditionId];
    case 'confirm':
      return ['no-such-token'];
    case 'unsubscribe':
      return [f.newsletterUnsubscribeToken];
    case 'certificates':
      // A certificate code (nobody's here), or one's own certificate file by its completion's id.
      return path.startsWith('/my/') ? ['00000000-0000-4000-8000-000000000000.pdf'] : ['K7QX-M3PA-9TRD'];
    default:
      throw new Error(`No fixture for :${param} of ${path}: say in fixtureChoices what it names`);
  }
}

function planArbitrary(inputs: RouteInputs, v: Values, f: FuzzFixtures): fc.Arbitrary<Plan> {
  const validParams = fc.record(Object.fromEntries(inputs.params.map((p) => [p, fc.constantFrom(...fixtureChoices(inputs.path, p, f)).map((text): Piece => ({ text }))]))) as fc.Arbitrary<Record<string, Piece>>;
  const isGet = inputs.method === 'GET' || inputs.method === 'DELETE';
  const bodyShapes = inputs.bodyDtos.filter((shape) => shape.size > 0);
  const queryShapes = inputs.queryDtos.filter((shape) => shape.size > 0);
  const primaryBody = [...new Set([...bodyShapes.flatMap((shape) => [...shape.keys()]), ...inputs.bodyNames])];
  const primaryQuery = [...new Set([...queryShapes.flatMap((shape) => [...shape.keys()]), ...inputs.queryNames])];
  const nameFrom = (primary: string[]) =>
    fc.oneof(
      ...(primary.length ? [{ weight: 12, arbitrary: fc.constantFrom(...primary) }] : []),
      ...(inputs.nearbyNames.length ? [{ weight: 2, arbitrary: fc.constantFrom(...inputs.nearbyNames) }] : []),
      { weight: 1, arbitrary: fc.constantFrom(...POOL) },
      { weight: 1, arbitrary: v.hostileKey },
    );
  const value = (name: string, json: boolean) => fc.oneof({ weight: 3, arbitrary: v.hostile(name, json) }, { weight: 1, arbitrary: v.validLooking.map((text): Piece => ({ text })) });

  /** Loose fields: 1–3 names, each once, twice, or as key[] / key[x]. */
  const pairs = (primary: string[]) =>
    fc
      .array(
        nameFrom(primary).chain((name) => fc.tuple(fc.constant(name), fc.constantFrom('once', 'once', 'once', 'twice', 'brackets'), value(name, false), value(name, false))),
        { minLength: 1, maxLength: 3 },
      )
      .map((fields) =>
        fields.flatMap(([name, shape, a, b]): [Piece, Piece][] =>
          shape === 'twice' ? [[{ text: name }, a], [{ text: name }, b]] : shape === 'brackets' ? [[{ raw: `${percentEncode(name)}%5B%5D` }, a], [{ raw: `${percentEncode(name)}%5Bx%5D` }, b]] : [[{ text: name }, a]],
        ),
      );
  /**
   * A whole DTO filled with values its rules accept, but one or two hostile: a valid value with a
   * control character in it, hostile text fitting the name, or (in forms) the field sent twice.
   */
  const filled = (shapes: DtoShape[], json: boolean) =>
    fc.constantFrom(...shapes).chain((shape) => {
      const names = [...shape.keys()];
      const valid = names.map((name) => v.validFor(name, shape.get(name)!, json));
      const spoilt = (i: number) =>
        fc.oneof(
          { weight: 2, arbitrary: v.spoiled(valid[i].map((piece) => ('text' in piece ? piece.text : piece.raw))).map((text): Piece[] => [{ text }]) },
          { weight: 2, arbitrary: v.hostile(names[i], json).map((piece) => [piece]) },
          ...(json ? [] : [{ weight: 1, arbitrary: fc.tuple(valid[i], fc.oneof(valid[i], v.hostile(names[i], false))).map(([a, b]) => [a, b]) }]),
        );
      return fc
        .tuple(fc.tuple(...valid.map((arb) => fc.option(arb, { freq: 10, nil: undefined }))), fc.uniqueArray(fc.nat(names.length - 1), { minLength: 1, maxLength: 2 }))
        .chain(([values, hostileAt]) =>
          fc.tuple(...hostileAt.map(spoilt)).map((spoilts) => {
            const out: [string, Piece][] = [];
            names.forEach((name, i) => {
              const at = hostileAt.indexOf(i);
              if (at >= 0) for (const piece of spoilts[at]) out.push([name, piece]);
              else if (values[i]) out.push([name, values[i]!]);
            });
            return out;
          }),
        );
    });
  const asPairs = (fields: [string, Piece][]) => fields.map(([name, piece]): [Piece, Piece] => [{ text: name }, piece]);
  /** One field under attack, alone (sent twice, sometimes). */
  const single = (primary: string[], json: boolean) =>
    nameFrom(primary).chain((name) =>
      fc
        .tuple(v.hostile(name, json), fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value(name, json) }))
        .map(([attack, again]): [string, Piece][] => (again && !json ? [[name, attack], [name, again]] : [[name, attack]])),
    );

  const csrf = fc.oneof({ weight: 12, arbitrary: fc.constant<CsrfChoice>('valid') }, { weight: 1, arbitrary: fc.constantFrom<CsrfChoice>('missing', 'twice', 'array', 'hostile') });
  const formFields = (primary: string[], shapes: DtoShape[]) =>
    fc.oneof({ weight: 1, arbitrary: pairs(primary) }, { weight: 4, arbitrary: (shapes.length ? filled(shapes, false) : single(primary, false)).map(asPairs) });

  const formBody = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.tuple(formFields(primaryBody, bodyShapes), csrf, v.hostileText).map(([fields, choice, csrfHostile]) => ({ kind: 'form' as const, fields, csrf: choice, csrfHostile })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...(primaryBody.length ? primaryBody : POOL)).chain((name) =>
        fc.constantFrom<Plan['body']>(
          { kind: 'raw', contentType: 'application/x-www-form-urlencoded', csrf: true, data: Buffer.concat([Buffer.from(`${name}=Verkosto`), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80])]) },
          { kind: 'raw', contentType: 'application/x-www-form-urlencoded', csrf: true, data: `${name}${'%5Ba%5D'.repeat(10_000)}=1` },
          { kind: 'raw', contentType: 'application/x-www-form-urlencoded', csrf: true, data: Array.from({ length: 1000 }, () => `${name}=1`).join('&') },
          { kind: 'raw', contentType: 'application/x-www-form-urlencoded', csrf: true, data: '&&&==&=%&' },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: `{"_csrf":"{csrf}","${name}":["a",{"b":"c"}]}` },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: `{"_csrf":"{csrf}","${name}":${DEEP_ARRAY}}` },
          { kind: 'raw', contentType: 'text/plain', csrf: true, data: `${name}=1` },
          { kind: 'raw', contentType: 'application/x-www-form-urlencoded; charset=latin1', csrf: true, data: `${name}=%E4` },
        ),
      ),
    },
  );

  const jsonFields = fc.oneof(
    { weight: 4, arbitrary: bodyShapes.length ? filled(bodyShapes, true) : single(primaryBody, true) },
    { weight: 1, arbitrary: fc.array(nameFrom(primaryBody).chain((name) => fc.tuple(fc.constant(name), value(name, true))), { minLength: 1, maxLength: 3 }) },
  );
  const jsonBody = fc.oneof(
    { weight: 8, arbitrary: jsonFields.map((fields) => ({ kind: 'json' as const, fields })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...(primaryBody.length ? primaryBody : POOL)).chain((name) =>
        fc.constantFrom<Plan['body']>(
          { kind: 'raw', contentType: 'application/json', csrf: false, data: DEEP_ARRAY },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: deepObject(name) },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: `{"${name}":${DEEP_ARRAY}}` },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: Buffer.concat([Buffer.from(`{"${name}":"Verkosto `), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xc0, 0xaf]), Buffer.from('"}')]) },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: '' },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: 'not json' },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: '"Verkosto"' },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: 'null' },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: '[]' },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: '1e309' },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: `{"${name}":"a","${name}":["b"]}` },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: `{"__proto__":{"${name}":"x"},"constructor":{"prototype":{"${name}":"y"}}}` },
          { kind: 'raw', contentType: 'application/json', csrf: false, data: `{"${name}":"${'a'.repeat(1_100_000)}"}` },
          { kind: 'raw', contentType: 'application/json; charset=utf-16', csrf: false, data: `{"${name}":"a"}` },
          { kind: 'raw', contentType: 'application/x-www-form-urlencoded', csrf: false, data: `${name}=a&${name}=b` },
        ),
      ),
    },
  );

  const queryFields = formFields(primaryQuery, queryShapes);
  const someQuery = (weight: number) => fc.oneof({ weight, arbitrary: queryFields }, { weight: 10 - weight, arbitrary: fc.constant([] as [Piece, Piece][]) });
  const fields: fc.Arbitrary<Pick<Plan, 'query' | 'body'>> = isGet
    ? queryFields.map((query) => ({ query, body: null }))
    : fc.tuple(someQuery(1), inputs.api ? jsonBody : formBody).map(([query, body]) => ({ query, body }));
  const emptyBody: Plan['body'] = isGet ? null : inputs.api ? { kind: 'json', fields: [] } : { kind: 'form', fields: [], csrf: 'valid' };

  const fuzzFields = fc.tuple(validParams, fields).map(([params, rest]): Plan => ({ aim: 'fields', params, ...rest }));
  if (!inputs.params.length) return fuzzFields;
  const hostileParam: fc.Arbitrary<Piece> = fc.oneof(
    v.hostile('id', false),
    fc.constantFrom<Piece>({ raw: '..' }, { raw: '%2F' }, { raw: '%2e%2e' }, { text: f.cohortId.toUpperCase() }, { text: `{${f.cohortId}}` }),
    v.spoiled(fc.constantFrom(...inputs.params.flatMap((p) => fixtureChoices(inputs.path, p, f)))).map((text): Piece => ({ text })),
  );
  const hostileParams = fc.record(Object.fromEntries(inputs.params.map((p) => [p, fc.oneof({ weight: 3, arbitrary: hostileParam }, { weight: 1, arbitrary: validParams.map((params) => params[p]) })]))) as fc.Arbitrary<Record<string, Piece>>;
  const fuzzPath = fc.tuple(hostileParams, someQuery(3)).map(([params, query]): Plan => ({ aim: 'path', params, query, body: emptyBody }));
  return fc.oneof({ weight: 1, arbitrary: fuzzPath }, { weight: 4, arbitrary: fuzzFields });
}

interface Rendered {
  method: string;
  url: string;
  contentType?: string;
  body?: string | Buffer;
}

function render(inputs: RouteInputs, plan: Plan, csrfToken: string): Rendered {
  const path = inputs.path.replace(/:([A-Za-z]+)/g, (_, name: string) => formPiece(plan.params[name]));
  const query = plan.query.map(([key, value]) => `${formPiece(key)}=${formPiece(value)}`).join('&');
  const rendered: Rendered = { method: inputs.method, url: query ? `${path}?${query}` : path };
  const body = plan.body;
  if (!body) return rendered;
  if (body.kind === 'json') {
    rendered.contentType = 'application/json';
    rendered.body = `{${body.fields.map(([key, value]) => `${JSON.stringify(key)}:${jsonPiece(value)}`).join(',')}}`;
  } else if (body.kind === 'form') {
    const token = { valid: [`_csrf=${csrfToken}`], missing: [], twice: [`_csrf=${csrfToken}`, `_csrf=${csrfToken}`], array: [`_csrf%5B%5D=${csrfToken}`], hostile: [`_csrf=${percentEncode(body.csrfHostile ?? '\u0000')}`] }[body.csrf];
    rendered.contentType = 'application/x-www-form-urlencoded';
    rendered.body = [...token, ...body.fields.map(([key, value]) => `${formPiece(key)}=${formPiece(value)}`)].join('&');
  } else {
    rendered.contentType = body.contentType;
    const data = typeof body.data === 'string' ? body.data.replace('{csrf}', csrfToken) : body.data;
    rendered.body = body.csrf ? (typeof data === 'string' ? `_csrf=${csrfToken}&${data}` : Buffer.concat([Buffer.from(`_csrf=${csrfToken}&`), data])) : data;
  }
  return rendered;
}

// ---------------------------------------------------------------------------------------------
// Reporting.

const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

function describeRequest(r: Rendered): string {
  const body = r.body === undefined ? '' : `\n      ${r.contentType} ${typeof r.body === 'string' ? JSON.stringify(clip(r.body)) : `bytes ${JSON.stringify(clip(r.body.toString('latin1')))}`}`;
  return `${r.method} ${clip(r.url, 400)}${body}`;
}

interface LoggedError {
  type?: string;
  message?: string;
  /** Where it was thrown, and the app's own frame nearest to that. */
  at?: string;
  stack: string[];
}

/** The app's own source folder: a library's source map may name files under a src/ of its own. */
const APP_SOURCE = `${join(__dirname, '..', 'src')}/`;

/** An error the app logged: its type, message and where it was thrown. */
function loggedError(line: Record<string, unknown>): LoggedError {
  const err = (line.err ?? {}) as { type?: string; message?: string; stack?: string };
  const stack = (err.stack ?? (line.trace as string | undefined) ?? '').split('\n').filter((frame) => /^\s+at /.test(frame)).map((frame) => frame.trim());
  const place = (frame: string | undefined) => /\/((?:src|node_modules)\/.+?:\d+)(?::\d+)?\)?$/.exec(frame ?? '')?.[1];
  const thrown = place(stack[0]);
  const app = place(stack.find((frame) => frame.includes(APP_SOURCE)));
  const at = app && thrown && app !== thrown ? `${thrown}, from ${app}` : (app ?? thrown);
  return { type: err.type, message: clip(err.message ?? String(line.msg ?? ''), 200), at, stack: stack.slice(0, 12) };
}

interface Failure {
  route: string;
  actor: ActorName;
  property: '5xx' | 'refused but changed rows' | 'no answer';
  status: number | null;
  request: string;
  response: string;
  error: string;
  stack?: string[];
  changed?: string[];
}

/** A failure's cause, to group the same one met many times: the property, status and error, ids and numbers blurred. */
function causeOf(failure: Failure): string {
  const blur = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>').replace(/\d+/g, 'N');
  return `${failure.property} ${failure.status ?? ''} ${failure.error ? blur(failure.error) : failure.changed?.join(',') ?? blur(clip(failure.response, 120))}`;
}

function formatFailures(failures: Failure[]): string[] {
  const groups = new Map<string, Failure[]>();
  for (const failure of failures) groups.set(causeOf(failure), [...(groups.get(causeOf(failure)) ?? []), failure]);
  return [...groups.values()].map((group) => {
    const [first] = group;
    const actors = [...new Set(group.map((failure) => failure.actor))].join(', ');
    return [
      `${first.property}: ${first.status ?? 'no status'} (${group.length}×, as ${actors})`,
      first.error ? `    error: ${first.error}` : null,
      first.changed ? `    rows changed in: ${first.changed.join(', ')}` : null,
      `    e.g. as ${first.actor}: ${first.request}`,
      `    answer: ${JSON.stringify(clip(first.response, 300))}`,
    ]
      .filter(Boolean)
      .join('\n');
  });
}

// ---------------------------------------------------------------------------------------------

interface Session {
  client: WebClient;
  csrf: string;
}

interface ActorState extends Session {
  name: ActorName;
  email: string | null;
  userId: string | null;
  token: string | null;
  spares: Session[];
}

/** A seed of each route and actor's own, so that one route's run reproduces with -t alone. */
function seedOf(route: string, actor: string): number {
  let hash = 2166136261 ^ SEED;
  for (const ch of `${route} ${actor}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619);
  return hash >>> 0;
}

describe(`fuzzing every route (FUZZ_SEED=${SEED}, FUZZ_RUNS=${RUNS})`, () => {
  let t: TestApp;
  let fixtures: FuzzFixtures;
  let values: Values;
  let db: Client;
  let fingerprintSql: string;
  const actors = {} as Record<ActorName, ActorState>;
  const logged = new Map<string, Record<string, unknown>[]>();
  const counts = new Map<string, number>();
  const allFailures: Failure[] = [];
  const started = Date.now();
  let sent = 0;
  const spent = { answering: 0, fingerprinting: 0 };

  beforeAll(async () => {
    // Deep enough to reach the app's own frame under a library's, for the error's place in the report.
    Error.stackTraceLimit = 60;
    // Made with the workers running (the outbox message gets rendered), then served with APP_ROLE=web.
    const maker = await startTestApp({});
    const agencies = maker.app.get(AgencyService);
    await agencies.ensure(['Verohallinto']);
    const agencyId = (await agencies.list('fi')).find((a) => a.name === 'Verohallinto')!.id;
    const people = {
      participant: await createUser(maker, { email: 'fuzz.osallistuja@verohallinto.fi', displayName: 'Aino Äijälä', agencyId }),
      facilitator: await createUser(maker, { email: 'fuzz.valmentaja@verohallinto.fi', displayName: 'Ville Valmentaja', agencyId }),
      admin: await createUser(maker, { email: 'fuzz.yllapito@valtiokonttori.fi', displayName: 'Maija Ylläpitäjä', siteRole: 'admin' }),
    };
    const person = await createUser(maker, { email: 'fuzz.kohde@verohallinto.fi', displayName: 'Emma Kohde', agencyId });
    const route = await buildRouteFixtures(maker, { user: people.participant, person, agencyId, facilitatorEmails: [people.facilitator.email] });
    for (const member of [people.participant, person]) await maker.app.get(EnrolmentService).enrolByEmail(actorOf(people.admin), route.cohortId, member.email, null);
    const feed = await maker.app.get(CalendarFeedService).addressFor(people.participant.id);
    const unsubscribe = maker.app.get(ForumSubscriptions).unsubscribeAddress(people.participant.id, { threadId: route.threadId });
    fixtures = { ...route, personEmail: person.email, feedFile: feed.split('/').pop()!, unsubscribeToken: unsubscribe.split('/').pop()! };
    const tokens = maker.app.get(ApiTokensService);
    const issued = {
      participant: (await tokens.issue(people.participant.id, { name: 'fuzz' })).token,
      facilitator: (await tokens.issue(people.facilitator.id, { name: 'fuzz' })).token,
      admin: (await tokens.issue(people.admin.id, { name: 'fuzz' })).token,
    };
    await maker.app.close();

    // X-Forwarded-For believed from loopback: the fuzzing's requests come from addresses of their own
    // (send below), so the sign-in limits they use up are not those of the actors' own sign-ins.
    t = await startTestApp({ APP_ROLE: 'web', DEMO_DATA: 'false', TRUST_PROXY: 'loopback', DATABASE_URL: maker.config.databaseUrl });
    // Listening once, rather than supertest's listen and close around every request.
    await t.app.listen(0, '127.0.0.1');
    values = valueArbitraries(fixtures);

    // The app's log lines (errors only), kept by request id instead of printed: the root logger's
    // stream swapped (request loggers are its children, and read it through their prototype).
    const logger = t.app.get<Logger>(LOGGER) as unknown as Record<symbol, unknown>;
    logger[pino.symbols.streamSym] = {
      write: (line: string) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        const id = String(entry.reqId ?? 'none');
        logged.set(id, [...(logged.get(id) ?? []), entry]);
      },
    };

    const session = async (email: string | null): Promise<Session> => {
      const client = email ? await signIn(t, email, TEST_PASSWORD) : new WebClient(t);
      return { client, csrf: await client.csrfToken() };
    };
    actors.anonymous = { name: 'anonymous', email: null, userId: null, token: null, spares: [], ...(await session(null)) };
    for (const name of ['participant', 'facilitator', 'admin'] as const) {
      const spares: Session[] = [];
      for (let i = 0; i < SPARE_SESSIONS; i++) spares.push(await session(people[name].email));
      actors[name] = { name, email: people[name].email, userId: people[name].id, token: issued[name], spares, ...(await session(people[name].email)) };
    }

    db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
    // Every table but the session store and the running processes' heartbeats (written every 10 s
    // whatever the requests); of api_token, all but "last used" (each API call may write it); and
    // not search_word, Voikko's analyses of words: a writer stores its text's words before the
    // write (so the trigger finds them) and a refused text may leave some, which show nothing.
    const columns: { table_name: string; column_name: string }[] = (
      await db.query(
        `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
          WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name NOT IN ('user_session', 'migrations', 'running_process', 'search_word')
            AND NOT (c.table_name = 'api_token' AND c.column_name = 'last_used_at')
          ORDER BY c.table_name, c.ordinal_position`,
      )
    ).rows;
    const tables = [...new Set(columns.map((c) => c.table_name))];
    fingerprintSql = tables
      .map((table) => {
        const cols = columns.filter((c) => c.table_name === table).map((c) => `t."${c.column_name}"`);
        return `SELECT '${table}' AS name, count(*)::text || ':' || coalesce(sum(hashtext(row(${cols.join(', ')})::text)), 0)::text AS print FROM "${table}" t`;
      })
      .join(' UNION ALL ');
  }, 300_000);

  afterAll(async () => {
    await db?.end();
    await t?.close();
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const perRoute = [...counts].map(([route, n]) => `  ${String(n).padStart(4)}  ${route}`).join('\n');
    const split = `answering ${(spent.answering / 1000).toFixed(0)} s, fingerprinting ${(spent.fingerprinting / 1000).toFixed(0)} s`;
    // Written straight to stdout: jest drops what console.log says in an afterAll.
    process.stdout.write(`\nFuzzed with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}: ${sent} requests (${counts.size} routes × ${ACTORS.length} actors) in ${seconds} s (${split}), ${allFailures.length} failing\n${perRoute}\n`);
    if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(allFailures, null, 2));
  });

  async function fingerprint(): Promise<Map<string, string>> {
    const start = performance.now();
    const { rows } = await db.query<{ name: string; print: string }>(fingerprintSql);
    spent.fingerprinting += performance.now() - start;
    return new Map(rows.map((row) => [row.name, row.print]));
  }

  /** Signs an actor in again (or makes a fresh anonymous visitor) when a request ended its session, and issues a token when one was revoked. */
  async function keepSignedIn(actor: ActorState, api: boolean): Promise<void> {
    if (api) {
      if (!actor.token) return;
      const res = await t.http.get('/api/v1/me').set('authorization', `Bearer ${actor.token}`);
      if (res.status !== 200) actor.token = (await t.app.get(ApiTokensService).issue(actor.userId!, { name: 'fuzz' })).token;
      return;
    }
    const res = await actor.client.get('/profile');
    if (actor.email ? res.status === 200 : res.status === 303) return;
    const fresh = actor.spares.pop() ?? { client: actor.email ? await signIn(t, actor.email, TEST_PASSWORD) : new WebClient(t), csrf: '' };
    actor.client = fresh.client;
    actor.csrf = fresh.csrf || (await fresh.client.csrfToken());
  }

  async function send(inputs: RouteInputs, actor: ActorState, r: Rendered, requestId: string) {
    let call = t.http[r.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](r.url)
      .set('x-request-id', requestId)
      .set('x-forwarded-for', `198.51.100.${sent % 250}`)
      .timeout(TIMEOUT_MS);
    if (inputs.api) {
      if (actor.token) call = call.set('authorization', `Bearer ${actor.token}`);
    } else {
      call = call.set('cookie', actor.client.cookieHeader()).set('accept-language', 'fi');
    }
    if (r.contentType) call = call.set('content-type', r.contentType);
    return r.body === undefined ? call : call.send(r.body);
  }

  it('fuzzes every route the running app declares', () => {
    const declared = declaredRoutes(t.app.get(DiscoveryService), t.app.get(MetadataScanner), t.app.get(Reflector)).map((route) => `${route.method} ${route.path}`);
    expect([...new Set(declared)].sort()).toEqual(ROUTE_KEYS.filter((key) => !OUTSIDE_NEST.includes(key)).sort());
  });

  it.each(ROUTE_KEYS)('%s: no 5xx, and a refused request changes no row', async (key) => {
    const inputs = routeInputs(key);
    const failures: Failure[] = [];
    let before: Map<string, string> | null = null;
    let n = 0;
    for (const name of ACTORS) {
      const actor = actors[name];
      await keepSignedIn(actor, inputs.api);
      before = null;
      const plans = fc.sample(planArbitrary(inputs, values, fixtures), { seed: seedOf(key, name), numRuns: RUNS });
      for (const plan of plans) {
        const rendered = render(inputs, plan, actor.csrf);
        const requestId = `fuzz-${randomUUID()}`;
        before ??= await fingerprint();
        let status: number | null = null;
        let text = '';
        const start = performance.now();
        try {
          const res = await send(inputs, actor, rendered, requestId);
          status = res.status;
          text = res.text ?? '';
        } catch (error) {
          text = String(error);
        }
        spent.answering += performance.now() - start;
        sent++;
        n++;
        const after = await fingerprint();
        const errors = (logged.get(requestId) ?? []).map(loggedError);
        const error = errors.map((e) => `${e.type ?? ''}: ${e.message ?? ''}${e.at ? ` (${e.at})` : ''}`).join(' | ');
        const failure = { route: key, actor: name, status, request: `[${plan.aim}] ${describeRequest(rendered)}`, response: text, error, stack: errors[0]?.stack };
        if (status === null) failures.push({ ...failure, property: 'no answer' });
        else if (status >= 500) failures.push({ ...failure, property: '5xx' });
        else if (status >= 400) {
          const changed = [...after].filter(([table, print]) => before!.get(table) !== print).map(([table]) => table);
          if (changed.length) failures.push({ ...failure, property: 'refused but changed rows', changed });
        }
        before = after;
      }
    }
    counts.set(key, n);
    allFailures.push(...failures);
    // Earlier routes' requests may have changed the fixtures (a thread moved, a place cancelled), so
    // a route run alone meets the same requests but not always the same data.
    const reproduce = `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npx jest test/fuzz.test.ts -t '${key}'`;
    expect(failures.length ? [`reproduce: ${reproduce}`, ...formatFailures(failures)] : []).toEqual([]);
  }, 300_000);
});
