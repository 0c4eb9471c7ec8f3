// The BullMQ dashboard (bull-board) under /admin/queues, for admins only.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { adminSignInPath, isAdmin } from '../web/admin-access';
import { QueueService } from './queue.service';

export const QUEUE_BOARD_PATH = '/admin/queues';

export async function mountQueueBoard(app: NestFastifyApplication): Promise<void> {
  const board = new BoardAdapter();
  board.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(app.get(QueueService).bullQueue)], serverAdapter: board });
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        if (!isAdmin(request)) return reply.redirect(adminSignInPath(request), 303);
        // The dashboard is a script-driven app with inline styles; only it gets this policy.
        reply.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
      });
      await scope.register(board.registerPlugin() as never);
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
