// The one place errors become responses: JSON for the API and health routes, a page in the reader's
// language for everything else. Unexpected errors are logged with the request id, which the page
// shows so a person can quote it.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'pino';
import { MESSAGES, translate } from '../i18n/i18n';
import { LOGGER } from '../logging/logger';
import { SignInRequired } from '../access/access.guard';
import { FieldErrors, messageParts, Refused } from '../errors/domain-errors';
import { translateFields, translateMessage } from './forms';

/** A service's ForbiddenException may say why with a message key (`forum.channel.notMember`) rather than a sentence. */
const isMessageKey = (message: string) => message in MESSAGES.en;
import { safeLocalPath } from './language';

/** The sign-in page, then back to where the person was going. */
export function signInPath(request: FastifyRequest): string {
  return `/login?next=${encodeURIComponent(safeLocalPath(request.url))}`;
}

function wantsJson(request: FastifyRequest): boolean {
  const path = request.url;
  if (path.startsWith('/api/') || path.startsWith('/health/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof SignInRequired) return reply.redirect(signInPath(request), 303);
    const status = exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error({ err: exception, reqId: request.id, url: request.url }, 'unhandled error');
    }

    if (wantsJson(request)) {
      // The API speaks English; services refuse with message keys.
      const body =
        exception instanceof FieldErrors
          ? { statusCode: status, error: 'Bad Request', fields: translateFields(exception.fields, 'en') }
          : exception instanceof Refused
            ? { statusCode: status, error: 'Conflict', code: messageParts(exception.reason).key, message: translateMessage('en', exception.reason) }
            : exception instanceof HttpException && isMessageKey(exception.message)
              ? { statusCode: status, error: exception.name.replace(/Exception$/, ''), code: exception.message, message: translate('en', exception.message) }
              : exception instanceof HttpException
                ? exception.getResponse()
                : { statusCode: status, error: 'Internal Server Error', message: 'Something went wrong', requestId: request.id };
      return reply.status(status).send(typeof body === 'string' ? { statusCode: status, message: body } : body);
    }

    const lang = request.lang ?? 'fi';
    const [title, message] =
      status === HttpStatus.NOT_FOUND
        ? [translate(lang, 'error.notFound.title'), translate(lang, 'error.notFound.body')]
        : status >= 500
          ? [translate(lang, 'error.server.title'), translate(lang, 'error.server.body', { requestId: request.id })]
          : [translate(lang, 'error.generic.title'), exception instanceof Refused ? translateMessage(lang, exception.reason) : exception instanceof HttpException ? (isMessageKey(exception.message) ? translate(lang, exception.message) : exception.message) : ''];
    return reply.status(status).view('errors/error', { title, message, status });
  }
}
