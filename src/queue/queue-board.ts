// The BullMQ dashboard (bull-board) under /admin/queues, for admins only.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Authentication } from '../access/authentication.service';
import { can, Capability } from '../access/capabilities';
import { signInPath } from '../web/http-exception.filter';
import { QueueService } from './queue.service';

export const QUEUE_BOARD_PATH = '/admin/queues';

export async function mountQueueBoard(app: NestFastifyApplication): Promise<void> {
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
        if (!can(actor, Capability.OutboxManage)) return reply.code(403).send({ statusCode: 403, message: 'Forbidden' });
        // The dashboard is a script-driven app with inline styles; only it gets this policy.
        reply.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
      });
      await scope.register(board.registerPlugin() as never);
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
