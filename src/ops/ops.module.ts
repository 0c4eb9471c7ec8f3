// Owns the operators' pages: the outbox (what mail went out or is due, resending, a test message)
// and the BullMQ dashboard under /admin/queues (queue-board.ts, mounted by configureApp as it is
// not a Nest route). It sits above notifications/ and queue/: it uses them, they never use it.
import { Module } from '@nestjs/common';
import { OutboxController } from './outbox.controller';

@Module({
  controllers: [OutboxController],
})
export class OpsModule {}
