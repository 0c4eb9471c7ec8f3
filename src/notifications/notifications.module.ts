// Owns the notification core: the outbox in PostgreSQL, the relay into BullMQ, delivery over SMTP,
// mail templates, preferences and digests, a person's own notifications page, the outbox as admins
// browse it (their page is in ops/), and keeping secret links out of everything but the mail itself.
// Areas register their kinds with NotificationKinds and call NotificationsService; this module
// imports no area.
import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DigestService } from './digest.service';
import { MailRenderer } from './mail-renderer';
import { MailTransport } from './mail-transport';
import { MyNotificationsController } from './my-notifications.controller';
import { MyNotificationsService } from './my-notifications.service';
import { Notification, NotificationPreference } from './notification.entity';
import { NotificationDelivery } from './notification-delivery.service';
import { NotificationKinds } from './notification-kinds';
import { NotificationsService } from './notifications.service';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxService } from './outbox.service';
import { SecretLinks } from './secret-links';
import { UnreadCountInterceptor } from './unread-count.interceptor';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Notification, NotificationPreference])],
  controllers: [MyNotificationsController],
  providers: [
    NotificationKinds,
    NotificationsService,
    MailRenderer,
    MailTransport,
    NotificationDelivery,
    OutboxRelay,
    DigestService,
    OutboxService,
    SecretLinks,
    MyNotificationsService,
    { provide: APP_INTERCEPTOR, useClass: UnreadCountInterceptor },
  ],
  exports: [NotificationKinds, NotificationsService, MyNotificationsService, OutboxService],
})
export class NotificationsModule {}
