// The BullMQ dashboard (bull-board) under /admin/queues, for admins only.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { ForbiddenException, HttpException } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Authentication } from '../access/authentication.service';
import { can, Capability } from '../access/capabilities';
import { DomainError } from '../errors/domain-errors';
import { translate } from '../i18n/i18n';
import { QueueService } from '../queue/queue.service';
import { HttpExceptionFilter, signInPath } from '../web/http-exception.filter';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** `errors`: the app's one exception filter, so a refusal here is the app's own page, as on any other route. */
export async function mountQueueBoard(app: NestFastifyApplication, errors: HttpExceptionFilter): Promise<void> {
  const board = new BoardAdapter();
  board.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(app.get(QueueService).bullQueue)], serverAdapter: board });
  const fastify = app.getHttpAdapter().getInstance();
  const authentication = app.get(Authentication);
  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        // Not a Nest route, so the AccessGuard does not see it: the same policy, asked here.
        const actor = await authentication.actorFor(request);
        if (!actor) return reply.redirect(signInPath(request), 303);
        if (!can(actor, Capability.OutboxManage)) return errors.respond(new ForbiddenException(translate(request.lang, 'accounts.notAllowed')), request, reply);
        // The dashboard is a script-driven app with inline styles; only it gets this policy.
        reply.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
      });
      // Nest's error handler does not reach this scope: its refusals (a bad cookie, a broken address) go through the filter here.
      scope.setErrorHandler((error: Error & { statusCode?: number }, request, reply) =>
        errors.respond(error instanceof HttpException || error instanceof DomainError || !error.statusCode ? error : new HttpException(error.message, error.statusCode), request, reply),
      );
      await scope.register(board.registerPlugin() as never);
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
