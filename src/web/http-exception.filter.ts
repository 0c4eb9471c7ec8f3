// The one place errors become responses: JSON for the API and health routes, a page in the reader's
// language for everything else. Unexpected errors are logged with the request id, which the page
// shows so a person can quote it.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type {} from '@fastify/view';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'pino';
import { Language, MESSAGES, translate } from '../i18n/i18n';
import { LOGGER } from '../logging/logger';
import { layoutLocals, SignInRequired } from '../access/access.guard';
import { Authentication } from '../access/authentication.service';
import { TooManyAttempts, tooManyAttemptsMessage } from '../access/rate-limits';
import { DomainError, FieldErrors, messageParts, NotAllowed, NotFound, Refused, TooLarge } from '../errors/domain-errors';
import { translateFields, translateMessage } from './forms';

import { safeLocalPath } from './local-path';

/** A refusal may say why with a message key (`forum.channel.notMember`) rather than a sentence. */
const isMessageKey = (message: string) => message in MESSAGES.en;

/** Refusals of the request itself, before any route: their own page, in the reader's language. */
const REQUEST_REFUSALS: Partial<Record<number, string>> = { 413: 'input.tooLarge', 414: 'input.uriTooLong', 415: 'input.unsupportedType', 431: 'input.headersTooLarge' };

/** The sign-in page, then back to where the person was going. */
export function signInPath(request: FastifyRequest): string {
  return `/login?next=${encodeURIComponent(safeLocalPath(request.url))}`;
}

export function wantsJson(request: { url?: string; headers: FastifyRequest['headers'] }): boolean {
  const path = request.url ?? '';
  if (path.startsWith('/api/') || path.startsWith('/health/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** What a refusal says on a page, in the reader's language. */
function pageMessage(exception: unknown, lang: Language): string {
  if (exception instanceof FieldErrors) return Object.values(translateFields(exception.fields, lang)).join(' ');
  if (exception instanceof TooManyAttempts) return tooManyAttemptsMessage(lang, exception.secondsToWait);
  if (exception instanceof Refused || exception instanceof TooLarge) return translateMessage(lang, exception.reason);
  if (exception instanceof NotAllowed || exception instanceof HttpException) return isMessageKey(exception.message) ? translate(lang, exception.message) : exception.message;
  return '';
}

/** What an error says in the API: in English, as services refuse with message keys. */
function jsonBody(exception: unknown, status: number, requestId: string): unknown {
  if (exception instanceof FieldErrors) return { statusCode: status, error: 'Bad Request', fields: translateFields(exception.fields, 'en') };
  if (exception instanceof Refused) return { statusCode: status, error: 'Conflict', code: messageParts(exception.reason).key, message: translateMessage('en', exception.reason) };
  if (exception instanceof TooLarge) return { statusCode: status, error: 'Payload Too Large', code: exception.code, message: translateMessage('en', exception.reason) };
  if (exception instanceof NotAllowed && isMessageKey(exception.message)) return { statusCode: status, error: 'Forbidden', code: exception.message, message: translate('en', exception.message) };
  // Worded as Nest words its own 403 and 404, as the API answered them before these were domain errors.
  if (exception instanceof NotAllowed && exception.reason) return { message: exception.message, error: 'Forbidden', statusCode: status };
  if (exception instanceof NotAllowed || exception instanceof NotFound) return { message: exception.message, statusCode: status };
  if (exception instanceof HttpException && isMessageKey(exception.message)) {
    return { statusCode: status, error: exception.name.replace(/Exception$/, ''), code: exception.message, message: translate('en', exception.message) };
  }
  if (exception instanceof HttpException) return exception.getResponse();
  return { statusCode: status, error: 'Internal Server Error', message: 'Something went wrong', requestId };
}

/** The error page's view model: what went wrong, in the reader's language. */
export function errorPage(exception: unknown, status: number, lang: Language, requestId: string) {
  const refusal = REQUEST_REFUSALS[status];
  const [title, message] =
    status === HttpStatus.NOT_FOUND
      ? [translate(lang, 'error.notFound.title'), translate(lang, 'error.notFound.body')]
      : status >= 500
        ? [translate(lang, 'error.server.title'), translate(lang, 'error.server.body', { requestId })]
        : exception instanceof TooLarge
          ? [translate(lang, 'input.tooLarge.title'), pageMessage(exception, lang)]
          : refusal
            ? [translate(lang, `${refusal}.title`), translate(lang, `${refusal}.body`)]
          : [translate(lang, 'error.generic.title'), pageMessage(exception, lang)];
  return { title, message, status, lang };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private app?: { views: FastifyInstance; authentication: Authentication };

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  /**
   * Once the app is built: error pages are rendered by the app's own view engine (the queue board's
   * scope has another) and show the signed-in header even for a refusal made before the AccessGuard
   * resolved the person (an unknown address, a body too large, a broken CSRF token).
   */
  useApp(views: FastifyInstance, authentication: Authentication): void {
    this.app = { views, authentication };
  }

  catch(exception: unknown, host: ArgumentsHost) {
    return this.respond(exception, host.switchToHttp().getRequest<FastifyRequest>(), host.switchToHttp().getResponse<FastifyReply>());
  }

  /** Answers a request with this error: also for refusals made before Nest's routing (web/request-safety.ts). */
  async respond(exception: unknown, request: FastifyRequest, reply: FastifyReply) {
    if (exception instanceof SignInRequired) return reply.redirect(signInPath(request), 303);
    const status = exception instanceof DomainError ? exception.status : exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error({ err: exception, reqId: request.id, url: request.url }, 'unhandled error');
    }

    if (wantsJson(request)) {
      const body = jsonBody(exception, status, request.id);
      return reply.status(status).send(typeof body === 'string' ? { statusCode: status, message: body } : body);
    }

    await this.addSignedInHeader(request, reply);
    const page = errorPage(exception, status, request.lang ?? 'fi', request.id);
    if (!this.app) return reply.status(status).view('errors/error', page);
    const html = await this.app.views.view('errors/error', { ...reply.locals, ...page });
    return reply.status(status).type('text/html; charset=utf-8').send(html);
  }

  /** The layout's signed-in header, when the AccessGuard has not given it (it sets currentUser, null when anonymous). */
  private async addSignedInHeader(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (reply.locals?.currentUser !== undefined || !this.app) return;
    try {
      const actor = await this.app.authentication.actorFor(request);
      reply.locals = { ...reply.locals, ...layoutLocals(actor), ...(actor ? { csrfToken: reply.generateCsrf() } : {}) };
    } catch (error) {
      // The page that says what went wrong must not fail too (the database may be what is down).
      this.logger.warn({ err: error, reqId: request.id }, 'error page shown without the signed-in header');
    }
  }
}
