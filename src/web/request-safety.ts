// What keeps one request from stopping the server or reaching a person as a bare JSON or English
// error: refusals made before any route (a bad address, an overlong path parameter, oversized
// headers) answered as the app's own page in the reader's language; a response whose headers Node
// would refuse to write (which used to throw inside the session store's callback, where nothing
// caught it, and end the process) answered as the error page instead; and personal answers kept out
// of every cache.
import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import type { Socket } from 'node:net';
import { Logger } from 'pino';
import { isLanguage, Language, LANGUAGE_COOKIE, negotiateLanguage, translate } from '../i18n/i18n';
import { errorPage, wantsJson } from './http-exception.filter';

/** The reader's language from the raw headers, for answers made before the cookie hook has run. */
function languageOf(headers: Record<string, string | string[] | undefined>): Language {
  const cookie = typeof headers.cookie === 'string' ? new RegExp(`(?:^|;\\s*)${LANGUAGE_COOKIE}=([a-z]{2})`).exec(headers.cookie)?.[1] : undefined;
  const acceptLanguage = typeof headers['accept-language'] === 'string' ? headers['accept-language'] : undefined;
  return negotiateLanguage(isLanguage(cookie) ? cookie : undefined, acceptLanguage);
}

/**
 * Fastify's `frameworkErrors`: an address with a broken escape (400) or a path parameter past
 * maxParamLength (414), refused by the router before any hook has run (so the reply has no view
 * helper yet: the page is rendered by the instance).
 */
export function frameworkErrors(fastify: () => FastifyInstance) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode === 414 ? HttpStatus.URI_TOO_LONG : HttpStatus.BAD_REQUEST;
    reply.code(status).header('cache-control', 'no-store');
    if (wantsJson(request)) return reply.send({ statusCode: status, error: STATUS_CODES[status], message: status === 414 ? 'A path segment is too long' : 'The address is not valid' });
    const page = errorPage(new HttpException('input.badUrl.body', status), status, languageOf(request.headers), request.id);
    return fastify()
      .view('errors/error', { ...page, title: status === 414 ? page.title : translate(page.lang, 'input.badUrl.title'), languages: [] })
      .then((html) => reply.type('text/html; charset=utf-8').send(html));
  };
}

/**
 * Node's `clientError` (headers too large, a request it cannot parse): there is no request object,
 * so the page is rendered from what the raw request shows of its path and language.
 */
export function clientErrorHandler(fastify: () => FastifyInstance, logger: Logger) {
  return (error: Error & { code?: string; rawPacket?: unknown }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const raw = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1') : '';
    const path = /^[A-Z]+ (\S+)/.exec(raw)?.[1] ?? '/';
    const headers = { 'accept-language': /\r\naccept-language:([^\r\n]*)/i.exec(raw)?.[1]?.trim(), cookie: /\r\ncookie:([^\r\n]*)/i.exec(raw)?.[1]?.trim() };
    const lang = languageOf(headers);
    const send = (type: string, body: string) => {
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n\r\n${body}`);
    };
    if (wantsJson({ url: path, headers: {} })) return send('application/json; charset=utf-8', JSON.stringify({ statusCode: status, error: STATUS_CODES[status] }));
    const [title, message] =
      status === 431 ? [translate(lang, 'input.headersTooLarge.title'), translate(lang, 'input.headersTooLarge.body')] : [translate(lang, 'input.badUrl.title'), translate(lang, 'input.badUrl.body')];
    fastify()
      .view('errors/error', { title, message, status, lang, languages: [] })
      .then(
        (html) => send('text/html; charset=utf-8', String(html)),
        (renderError: unknown) => {
          logger.error({ err: renderError }, 'could not render the page for a refused request');
          send('text/plain; charset=utf-8', `${title}\n\n${message}\n`);
        },
      );
  };
}

/** A header Node would refuse to write: the response becomes the error page instead of a throw in some callback. */
class UnwritableHeader extends Error {}

/**
 * The last onSend hook (registered after the session's, whose store answers asynchronously): every
 * header is checked as Node will check it, so `writeHead` cannot throw later where nothing catches.
 */
export async function checkHeaders(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const headers = reply.getHeaders();
  const unwritable = Object.keys(headers).filter((name) => {
    try {
      validateHeaderName(name);
      const value = headers[name];
      for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) validateHeaderValue(name, String(one));
      return false;
    } catch {
      return true;
    }
  });
  if (unwritable.length === 0) return payload;
  for (const name of unwritable) reply.removeHeader(name);
  reply.log.error({ reqId: request.id, headers: unwritable }, 'a response header could not be written');
  throw new UnwritableHeader(`Unwritable response headers: ${unwritable.join(', ')}`);
}

/**
 * Signed-in pages and personal API answers are the reader's alone: no browser history, shared proxy
 * or back button keeps them. A route that chose its own caching (calendar feeds with their ETags) keeps it.
 */
export async function keepPersonalAnswersPrivate(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (request.actor && !reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store');
  return payload;
}

export function registerRequestSafety(fastify: FastifyInstance): void {
  fastify.addHook('onSend', keepPersonalAnswersPrivate);
  fastify.addHook('onSend', checkHeaders);
}
