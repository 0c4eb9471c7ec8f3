// The newsletter (uutiskirje) for the wider network, beside the forums' announcements: a subscriber
// list with double opt-in, editions in fi/sv/en written and scheduled by admins, sent through the
// outbox one row per subscriber, the archive of sent editions at /newsletter, one-click unsubscribe
// (RFC 8058), and addresses that SMTP keeps refusing marked bounced.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NewsletterEdition } from './newsletter-edition.entity';
import { NewsletterSubscriber } from './newsletter-subscriber.entity';
import { NewsletterArchive } from './newsletter-archive.service';
import { NewsletterSubscribers } from './newsletter-subscribers.service';
import { DemoNewsletterService } from './demo-newsletter.service';
import { NewsletterApiController } from './newsletter.api.controller';
import { NewsletterController } from './newsletter.controller';
import { AdminNewsletterController } from './admin-newsletter.controller';
import { NewsletterEditions } from './newsletter-editions.service';
import { NewsletterNotifications } from './newsletter.notifications';

@Module({
  imports: [TypeOrmModule.forFeature([NewsletterSubscriber, NewsletterEdition])],
  controllers: [NewsletterController, NewsletterApiController, AdminNewsletterController],
  providers: [NewsletterSubscribers, NewsletterArchive, NewsletterEditions, NewsletterNotifications, DemoNewsletterService],
  exports: [NewsletterSubscribers, DemoNewsletterService],
})
export class NewsletterModule {}
