// Owns the notification core: the outbox in PostgreSQL, the relay into BullMQ, delivery over SMTP,
// mail templates, preferences and daily digests, the admin outbox page, and keeping secret links
// out of everything but the mail itself. Areas register their kinds with NotificationKinds and call
// NotificationsService; this module imports no area.
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
import { SecretLinks } from './secret-links';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Notification, NotificationPreference])],
  controllers: [OutboxController],
  providers: [NotificationKinds, NotificationsService, MailRenderer, MailTransport, NotificationDelivery, OutboxRelay, DigestService, OutboxService, SecretLinks],
  exports: [NotificationKinds, NotificationsService],
})
export class NotificationsModule {}
