// Owns the notification core: the outbox in PostgreSQL, the relay into BullMQ, delivery over SMTP,
// mail templates, preferences and daily digests, and the admin outbox page. Areas register their
// kinds with NotificationKinds and call NotificationsService; this module imports no area.
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DigestService } from './digest.service';
import { MailRenderer } from './mail-renderer';
import { MailTransport } from './mail-transport';
import { Notification, NotificationPreference } from './notification.entity';
import { NotificationDelivery } from './notification-delivery.service';
import { NotificationKinds } from './notification-kinds';
import { NotificationsService } from './notifications.service';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxController } from './outbox.controller';
import { OutboxService } from './outbox.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Notification, NotificationPreference])],
  controllers: [OutboxController],
  providers: [NotificationKinds, NotificationsService, MailRenderer, MailTransport, NotificationDelivery, OutboxRelay, DigestService, OutboxService],
  exports: [NotificationKinds, NotificationsService],
})
export class NotificationsModule {}
